"""A session's work brought back: its lab after the lab's process died, its workspace after
its connection dropped (`resume`); and its lab replaced on request (restore, reset).

Lab processes can die (a crash, a worker recycled). The workspace keeps a checkpoint of its
lab outside that process (`Workspace.saved`, taken by `Runtime.checkpoints`, and for free
when the learner sets a whole state); a call that finds the lab gone (`LabGone`) rebuilds it
from there in the process started in its place (`Runtime.rebuild_lab`), tells the page
once (`lab_restarted`), and carries the command out on the new lab unless it may have run
on the old one. A dropped connection's workspace is parked for NP_RESUME_GRACE_SECONDS:
a new connection of the same tab that sends its `resume` token takes it back.
"""

import logging
from typing import TYPE_CHECKING

from pydantic import BaseModel

from neural_playground.app.labrun.labhost import LabGone, LabHandle
from neural_playground.app.ws import protocol as p
from neural_playground.app.ws.checks import validate_state

if TYPE_CHECKING:
    from neural_playground.app.ws.session import Session

log = logging.getLogger(__name__)


class Recovery:
    #: The commands it carries out (the session's `dispatch` hands them here).
    COMMANDS = (p.SetState, p.Reset, p.Resume)

    def __init__(self, session: "Session") -> None:
        self.session = session

    async def handle(self, command: p.SetState | p.Reset | p.Resume) -> None:
        match command:
            case p.SetState(state=data):
                await self.set_state(data)
            case p.Reset():
                await self.reset()
            case p.Resume(token=token):
                await self.resume(token)

    async def carry_out(self, command: BaseModel) -> None:
        """The session's `dispatch`, and when the lab's process had died, rebuild the lab
        first (then the command is carried out on the new lab, unless it may have run on
        the old one)."""
        try:
            await self.session.dispatch(command)
        except LabGone as exc:
            await self.recover(exc.lab)
            # A resume has already swapped workspaces: its token is used up.
            if not exc.sent and not isinstance(command, p.Resume):
                await self.session.dispatch(command)

    async def recover(self, gone: LabHandle | None) -> None:
        """The process holding the session's lab died: stop training, rebuild the lab from
        its checkpoint (or start state) in the process started in its place, say so once
        (`lab_restarted`), and show it. Nothing to do if the lab was rebuilt already."""
        session = self.session
        workspace = session.workspace
        async with workspace.rebuilding:
            if gone is not None and workspace.lab is not gone:
                return
            await session.player.stop()  # a no-op when called from the player's own task
            restored = await session.runtime.rebuild_lab(workspace)
        log.warning("lab rebuilt after its process died", extra={"lab": session.lab_name})
        back = "as it was a few seconds ago" if restored else "from the start"
        await session.send_error(
            "lab_restarted",
            f"The server restarted the worker running this lab: it is back {back}.",
            restored=restored,
            step=session.lab.step_count,
        )
        await session.send_frame()
        await session.send_status(running=False)

    async def resume(self, token: str) -> None:
        """Take back the workspace that `token` was given for (`Runtime.claim`: parked here,
        held by a half-open connection, or left in Redis by another replica), in place of
        this session's fresh one."""
        session = self.session
        workspace = await session.runtime.claim(token, session.lab_name, session)
        if workspace is None:
            await session.send(p.Resumed(restored=False))
            return
        await session.room_link.stop_following()
        await session.player.stop()
        previous = session.workspace
        session.attach(workspace)
        await session.runtime.drop(previous)
        log.info("session resumed", extra={"lab": session.lab_name})
        await session.send(p.Resumed(restored=True))
        await session.send_frame()
        if workspace.playing:  # it was training when the connection dropped: go on
            workspace.playing = False
            await session.player.start()
        await session.send_status()
        if workspace.room is not None:
            await session.send(p.Room(role="teacher", code=workspace.room, lab=session.lab_name))

    async def set_state(self, data: dict) -> None:
        """The learner's whole saved state (a link, a file) in place of the lab's: it is
        also the lab's checkpoint, for free."""
        session = self.session
        state = validate_state(session.lab, data, session.settings)
        await self.replace_lab(session.lab.restore, state)
        session.workspace.keep(state)

    async def reset(self) -> None:
        session = self.session
        await self.replace_lab(session.lab.reset, session.framing())
        session.workspace.changed()  # due for a checkpoint

    async def replace_lab(self, method, *args) -> None:
        """Stop training, then restore or reset the lab (`method(*args)`) and show it."""
        session = self.session
        await session.player.stop()
        await session.send_frame_text(await session.call_lab(method, *args))
        await session.send_status()
