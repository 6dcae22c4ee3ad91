"""Small asyncio helpers shared by the session, the rooms and the server's background tasks."""

import asyncio
import contextlib


async def cancel_quietly(task: asyncio.Task | None) -> None:
    """Cancel a task and wait for it to finish, whatever it raised on the way out."""
    if task is None or task is asyncio.current_task():
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
