"""How a session ends, and where its work goes: parked for a resume when the tab closes
(`Runtime.park`, after `finish`), left to the page when it goes idle, moved to the resume
store when this replica stops (drain), or handed to a newer connection of the same tab.
"""

import contextlib
from typing import TYPE_CHECKING

from neural_playground.app.ws import protocol as p
from neural_playground.app.ws.workspace import Workspace

if TYPE_CHECKING:
    from neural_playground.app.ws.session import Session

# Close codes (RFC 6455 and the registry): 1008 policy violation, 1011 the server could
# not go on (the page reconnects), 1012 service restart (this replica stops: the page
# reconnects at once, to another one, and resumes), 1013 try again later; 4000 (private
# range): this session's work continues in another connection.
CLOSE_IDLE = 1000
CLOSE_POLICY = 1008
CLOSE_UNAVAILABLE = 1011
CLOSE_RESTART = 1012
CLOSE_FULL = 1013
CLOSE_REPLACED = 4000


class Departure:
    def __init__(self, session: "Session") -> None:
        self.session = session
        self.handed_over = False  # its workspace was resumed by another connection
        self.moved = False  # its work left this replica (drain): nothing to park here

    async def finish(self) -> None:
        """The connection is gone: stop its work (unless another connection took it)."""
        if not self.handed_over:
            await self.stop_work()

    async def stop_work(self) -> None:
        """Stop training and following, remembering whether it trained (for a resume)."""
        session = self.session
        session.workspace.playing = session.player.running
        await session.backlog.cancel()
        await session.player.stop()
        await session.room_link.stop_following()
        await session.class_view.stop()

    async def move_out(self) -> None:
        """This replica stops (SIGTERM, app/drain.py): leave the tab's whole state in the
        resume store (Redis), or without one in the page (restored wherever it reconnects),
        then close with 1012 so that the page reconnects at once, to another replica."""
        session = self.session
        self.moved = True
        await self.stop_work()
        with contextlib.suppress(Exception):
            state = (await session.call_lab(session.lab.snapshot)).model_dump(mode="json")
            store, lab = session.runtime.resume_store, session.lab_name
            if not await store.put(session.resume_token, lab, state, session.workspace.playing):
                await session.send(p.State(lab=lab, state=state))
        with contextlib.suppress(Exception):
            await session.ws.close(code=CLOSE_RESTART, reason="server restarting")

    async def close_idle(self) -> None:
        """Leave the page its state (to restore if the resume grace runs out), then close."""
        with contextlib.suppress(Exception):
            await self.session.send_state()
        await self.session.ws.close(code=CLOSE_IDLE, reason="idle")

    async def hand_over(self) -> Workspace:
        """Give this session's workspace to a newer connection of the same tab and close."""
        self.handed_over = True  # first: the receive loop must not act on it any more
        await self.stop_work()
        workspace = self.session.detach()
        with contextlib.suppress(Exception):
            await self.session.ws.close(
                code=CLOSE_REPLACED, reason="continued in another connection"
            )
        return workspace
