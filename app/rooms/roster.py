"""The teacher's view of the class: who is in a room, what each learner is at, and the two
things a teacher does with that (show one learner's network to everyone, send everyone a
preset).

A learner who follows a room is its *member* until they leave it (a fork keeps them in: the
roster then shows their own numbers and picture). Members report to the room (`report`);
the teacher's session gets the reports (`Teacher.on_report`) and sends its page a `roster`
a few times a second (`RosterFeed`). `RosterHub` is the in-process part of `RoomHub`;
`app.rooms.redis_roster` carries the same between replicas.
"""

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from neural_playground.app.protocol import LabError

#: The teacher's page gets at most this many rosters a second.
ROSTER_PER_SECOND = 4
#: Learners report at least this often; one not heard of for three times as long is gone
#: (its replica died without a word).
REPORT_EVERY_SECONDS = 5.0


@dataclass(eq=False)
class Member:
    """A learner's session in a room, as the hub sees it."""

    name: str
    lab: str  # the lesson its page shows
    #: Its own lab's whole state (for a spotlight).
    snapshot: Callable[[], Awaitable[dict]]
    #: Load a preset into its own lab and show it (the teacher sent it to everyone).
    load_preset: Callable[[str], Awaitable[None]]
    id: str = field(default_factory=lambda: secrets.token_hex(6))


def entry(member: Member, forked: bool, report: dict[str, Any]) -> dict[str, Any]:
    """One roster line: who, where, and (from the learner's page) step, numbers, picture."""
    return {"id": member.id, "name": member.name, "lab": member.lab, "forked": forked, **report}


class RosterHub:
    """The members of this process's rooms, and the way to their teacher (in-process)."""

    def __init__(self) -> None:
        self.members: dict[str, dict[str, Member]] = {}

    def teacher_of(self, code: str):  # -> Teacher | None (the hub's)
        room = self.rooms.get(code)  # type: ignore[attr-defined]
        return room.teacher if room else None

    async def join(self, code: str, member: Member) -> None:
        self.members.setdefault(code, {})[member.id] = member

    async def leave_room(self, code: str, member: Member) -> None:
        members = self.members.get(code, {})
        if members.pop(member.id, None) is not None:
            await self.report(code, member.id, None)
        if not members:
            self.members.pop(code, None)

    async def report(self, code: str, member_id: str, line: dict[str, Any] | None) -> None:
        """A member's roster line (None: it left), for the room's teacher."""
        teacher = self.teacher_of(code)
        if teacher is not None and teacher.on_report is not None:
            teacher.on_report(member_id, line)

    async def member_state(self, code: str, member_id: str) -> dict:
        member = self.members.get(code, {}).get(member_id)
        if member is None:
            raise LabError("no_learner", "That learner has left the room.")
        return await member.snapshot()

    async def send_preset(self, code: str, lab: str, name: str) -> None:
        """Every member of the room on the lesson `lab` loads the preset `name`."""
        await apply_preset(list(self.members.get(code, {}).values()), lab, name)


async def apply_preset(members: list[Member], lab: str, name: str) -> None:
    await asyncio.gather(
        *(m.load_preset(name) for m in members if m.lab == lab), return_exceptions=True
    )


class RosterFeed:
    """The teacher's side: the roster lines that changed, sent at most ROSTER_PER_SECOND
    times a second, however many learners report (`send` writes one `roster` message)."""

    def __init__(self, send: Callable[[list[dict], list[str]], Awaitable[None]]) -> None:
        self.send = send
        self.pending: dict[str, dict[str, Any] | None] = {}
        self.heard: dict[str, float] = {}  # member id -> when its last line came
        self.task: asyncio.Task | None = None

    def on_report(self, member_id: str, line: dict[str, Any] | None) -> None:
        self.pending[member_id] = line
        if line is None:
            self.heard.pop(member_id, None)
        else:
            self.heard[member_id] = time.monotonic()
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.flush())

    async def flush(self) -> None:
        await asyncio.sleep(1 / ROSTER_PER_SECOND)  # gather what else comes meanwhile
        silent = time.monotonic() - 3 * REPORT_EVERY_SECONDS
        for member_id, at in list(self.heard.items()):
            if at < silent:
                self.pending[member_id] = None
                del self.heard[member_id]
        pending, self.pending = self.pending, {}
        learners = [line for line in pending.values() if line is not None]
        gone = [member_id for member_id, line in pending.items() if line is None]
        if learners or gone:
            await self.send(learners, gone)

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
