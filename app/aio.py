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


async def wait_set(event: asyncio.Event, seconds: float) -> None:
    """Wait until `event` is set or `seconds` have passed, whichever comes first.

    Not `asyncio.wait_for(event.wait(), seconds)`: on Python 3.11 it swallows a cancellation
    that arrives as the event is set (fixed in 3.12), so a `while True` loop around it never
    ends and the server's shutdown waits for it forever (seen: a replica stopping while a
    closing session set the event). `asyncio.timeout` lets the cancellation through."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        # A cancellation that a library swallowed on the way here (redis-py, cancelled
        # mid-command, can turn it into a connection error that the loop catches): honour it.
        raise asyncio.CancelledError
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
