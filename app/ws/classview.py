"""A session's part in the teacher's view of the class (see app/rooms/roster.py).

As a learner: a member of the room it followed (a fork keeps it in), reporting its roster
line, and taking the presets the teacher sends everyone. As a teacher: the roster of its
room, sent to its page a few times a second; a spotlight (one learner's network in the
teacher's lab, so the whole room sees it) and "send everyone this preset".
"""

import asyncio
import contextlib
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from neural_playground.app.protocol import LabError
from neural_playground.app.rooms import RoomHub, Teacher
from neural_playground.app.rooms.roster import Member, RosterFeed, entry
from neural_playground.app.ws import protocol as p
from neural_playground.app.ws.checks import validate_state

if TYPE_CHECKING:
    from neural_playground.app.ws.session import Session


class ClassView:
    #: The commands it carries out (the session's `dispatch` hands them here).
    COMMANDS = (p.RoomReport, p.Spotlight, p.RoomPreset)

    def __init__(self, session: "Session") -> None:
        self.session = session
        self.member: Member | None = None
        self.code: str | None = None  # the room this session is a member of
        self.feed = RosterFeed(self.send_roster)

    async def handle(self, command: p.RoomReport | p.Spotlight | p.RoomPreset) -> None:
        match command:
            case p.RoomReport():
                await self.report(command)
            case p.Spotlight(learner=learner):
                await self.spotlight(learner)
            case p.RoomPreset(name=name):
                await self.send_preset(name)

    @property
    def rooms(self) -> RoomHub:
        return self.session.runtime.rooms

    # --- the learner ------------------------------------------------------------------------

    async def join(self, code: str, name: str) -> None:
        if self.code == code and self.member is not None:
            return  # followed again (a reconnect): same line on the roster
        await self.leave()
        session = self.session
        member = Member(name.strip(), session.lab_name, self.own_state, self.take_preset)
        await self.rooms.join(code, member)
        self.member, self.code = member, code
        await self.report(p.RoomReport(type="room_report"))

    async def leave(self) -> None:
        member, code, self.member, self.code = self.member, self.code, None, None
        if member is not None and code is not None:
            with contextlib.suppress(Exception):  # Redis away: the line times out on the roster
                await self.rooms.leave_room(code, member)

    async def report(self, report: p.RoomReport) -> None:
        if self.member is None or self.code is None:
            return  # not in a room: nobody to tell
        forked = self.session.room_link.following is None
        line = entry(self.member, forked, report.model_dump(exclude={"type"}))
        await self.rooms.report(self.code, self.member.id, line)

    async def own_state(self) -> dict:
        session = self.session
        snapshot = await session.call_lab(session.lab.snapshot)
        return snapshot.model_dump(mode="json")

    async def take_preset(self, name: str) -> None:
        """The teacher sent everyone a preset: a learner on their own copy loads it (one who
        follows sees the teacher's already)."""
        session = self.session
        if session.room_link.following is not None or not session.connected:
            return
        await self.load_preset(name)
        await session.send(p.RoomPresetSent(name=name))

    async def load_preset(self, name: str) -> None:
        session = self.session
        try:
            command: BaseModel = session.lab.commands.validate_python(
                {"type": "load_preset", "name": name}
            )
        except ValidationError as exc:
            raise LabError("bad_preset", "This page has no such preset.", name=name) from exc
        await session.edit(command)

    # --- the teacher ------------------------------------------------------------------------

    def teach(self, teacher: Teacher) -> None:
        teacher.on_report = self.feed.on_report
        teacher.on_reach = self.on_reach

    def on_reach(self, reachable: bool) -> None:
        if self.session.connected:
            task = asyncio.get_running_loop().create_task(
                self.session.send(p.RoomReach(reachable=reachable))
            )
            task.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def send_roster(self, learners: list[dict], gone: list[str]) -> None:
        if not self.session.connected:
            return
        with contextlib.suppress(Exception):  # the tab went meanwhile: its session ends anyway
            await self.session.send(p.Roster(learners=learners, gone=gone))

    def teaching(self) -> str:
        code = self.session.workspace.room
        if code is None:
            raise LabError("no_room", "This page is not showing a room.")
        return code

    async def spotlight(self, learner: str) -> None:
        """One learner's network into the teacher's lab: the whole room sees it."""
        session = self.session
        code = self.teaching()
        data = await self.rooms.member_state(code, learner)
        state = validate_state(session.lab, data, session.settings)
        await session.send_frame_text(await session.call_lab(session.lab.restore, state))
        session.workspace.keep(state)
        await session.send_status()

    async def send_preset(self, name: str) -> None:
        code = self.teaching()
        await self.load_preset(name)
        await self.rooms.send_preset(code, self.session.lab_name, name)

    async def stop(self) -> None:
        self.feed.stop()
        await self.leave()
