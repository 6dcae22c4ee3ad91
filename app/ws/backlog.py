"""The commands that arrive while a long `step` request trains on.

A `step` trains in slices on its own task (`Player.stepping`) so that the session reads on:
a `pause` is taken at once and stops it. Every other command waits its turn behind the step
(and behind the commands queued before it), so that answers stay in the order sent, a
`pong` too. A step or play queued before a pause is called off by it.
"""

import asyncio
import contextlib
from typing import TYPE_CHECKING

from pydantic import BaseModel
from starlette.websockets import WebSocketDisconnect

from neural_playground.app.aio import cancel_quietly
from neural_playground.app.ws import protocol as p

if TYPE_CHECKING:
    from neural_playground.app.ws.session import Session


class Backlog:
    def __init__(self, session: "Session") -> None:
        self.session = session
        #: The last of the work still to do in order: a long step training on, then the
        #: commands that came after it (each waits for the one before).
        self.last: asyncio.Task | None = None
        self.pauses = 0  # pauses received: a step or play queued before one is called off

    @property
    def busy(self) -> bool:
        return self.last is not None and not self.last.done()

    async def submit(self, command: BaseModel) -> None:
        """Carry out `command` now, or queue it behind the work still to do."""
        session = self.session
        if isinstance(command, p.Pause):
            self.pauses += 1  # steps and plays queued before it are dropped
        elif self.busy:
            self.last = asyncio.create_task(
                self.queued(self.last, command, self.pauses), name=f"queued-{session.id}"
            )
            return
        await session.handle(command)
        stepping = session.player.stepping
        if stepping is not None and not stepping.done():
            self.last = stepping

    async def queued(self, before: asyncio.Task, command: BaseModel, pauses: int) -> None:
        """Carry out `command` once the work before it is done (not if it is a step or a
        play that a pause sent after it called off)."""
        try:
            await asyncio.wait([before])
        except asyncio.CancelledError:  # the session ends: so does all the work before
            before.cancel()
            raise
        if pauses != self.pauses and isinstance(command, (p.Step, p.Play)):
            return
        with contextlib.suppress(WebSocketDisconnect):  # the receive loop sees the close
            await self.session.handle(command)
            await self.session.player.step_finished()  # a step it started: what follows waits

    async def cancel(self) -> None:
        """Drop the queue (cancelling its last task cancels each one before it)."""
        await cancel_quietly(self.last)
