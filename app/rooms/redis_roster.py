"""The roster's calls between replicas (mixed into `RedisRoomHub`; see app/rooms/roster.py).

- channel `np:room:<code>:roster`: members' roster lines (`<member id>\\n<line JSON or
  nothing when it left>`), subscribed by the teacher's replica;
- channel `np:room:<code>:learners`: requests to members (`state\\n<id>\\n<reply list>` for a
  spotlight, `preset\\n<origin>\\n<lab>\\n<name>`), subscribed by replicas that have members;
- a state asked for (a spotlight, or a student's fork of the teacher) comes back in a
  short-lived list named in the request (`ask_state` / `answer_state`).

Every call has the hub's Redis deadline; a lost roster line is made good by the next one
(learners report at least every REPORT_EVERY_SECONDS).
"""

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis

from neural_playground.app.protocol import LabError
from neural_playground.app.rooms.roster import Member, RosterHub, apply_preset

log = logging.getLogger(__name__)

FORK_TIMEOUT_SECONDS = 3
#: What a Redis call that fails or times out raises (a frozen Redis: TimeoutError).
REDIS_FAULTS = (aioredis.RedisError, OSError, TimeoutError)


def roster_channel(code: str) -> str:
    return f"np:room:{code}:roster"


def learners_channel(code: str) -> str:
    return f"np:room:{code}:learners"


class RedisRoster(RosterHub):
    """Members here, their teacher anywhere. Needs the hub's `redis`, `pubsub`, `deadline`,
    `id` and `teachers` (app/rooms/redis_hub.py)."""

    def teacher_of(self, code: str):
        return self.teachers.get(code)  # taught from this replica

    async def ask_state(self, channel: str, request: Callable[[str], str]) -> dict | None:
        """Publish `request(reply)` and wait for the state someone pushes onto `reply`."""
        reply = f"np:reply:{secrets.token_hex(12)}"
        try:
            async with self.deadline():
                asked = await self.redis.publish(channel, request(reply))
            if not asked:
                return None
            async with asyncio.timeout(FORK_TIMEOUT_SECONDS + self.timeout):
                answer = await self.redis.blpop([reply], timeout=FORK_TIMEOUT_SECONDS)
        except REDIS_FAULTS:
            return None
        return json.loads(answer[1]) if answer else None

    async def answer_state(self, reply: str, snapshot: Callable[[], Awaitable[dict]]) -> None:
        if not reply.startswith("np:reply:"):
            return
        try:
            state = await snapshot()
        except Exception:  # noqa: BLE001 - the asker times out with a clear error
            log.exception("snapshot for another replica failed")
            return
        with contextlib.suppress(*REDIS_FAULTS):
            async with self.deadline(), self.redis.pipeline(transaction=False) as pipe:
                pipe.rpush(reply, json.dumps(state))
                pipe.expire(reply, FORK_TIMEOUT_SECONDS * 10)
                await pipe.execute()

    async def join(self, code: str, member: Member) -> None:
        first = code not in self.members
        await super().join(code, member)
        if first:
            with contextlib.suppress(*REDIS_FAULTS):
                async with self.deadline():
                    await self.pubsub.subscribe(learners_channel(code))

    async def leave_room(self, code: str, member: Member) -> None:
        await super().leave_room(code, member)
        if code not in self.members:
            with contextlib.suppress(*REDIS_FAULTS):
                async with self.deadline():
                    await self.pubsub.unsubscribe(learners_channel(code))

    async def report(self, code: str, member_id: str, line: dict[str, Any] | None) -> None:
        if code in self.teachers:
            await super().report(code, member_id, line)
            return
        with contextlib.suppress(*REDIS_FAULTS):
            async with self.deadline():
                text = json.dumps(line) if line is not None else ""
                await self.redis.publish(roster_channel(code), f"{member_id}\n{text}")

    def on_roster_message(self, code: str, data: str) -> None:
        member_id, _, text = data.partition("\n")
        teacher = self.teachers.get(code)
        if teacher is not None and teacher.on_report is not None:
            teacher.on_report(member_id, json.loads(text) if text else None)

    async def member_state(self, code: str, member_id: str) -> dict:
        if member_id in self.members.get(code, {}):
            return await super().member_state(code, member_id)
        state = await self.ask_state(
            learners_channel(code), lambda reply: f"state\n{member_id}\n{reply}"
        )
        if state is None:
            raise LabError("no_learner", "That learner has left the room.")
        return state

    async def send_preset(self, code: str, lab: str, name: str) -> None:
        await super().send_preset(code, lab, name)
        with contextlib.suppress(*REDIS_FAULTS):
            async with self.deadline():
                await self.redis.publish(
                    learners_channel(code), f"preset\n{self.id}\n{lab}\n{name}"
                )

    def on_learners_message(self, code: str, data: str) -> None:
        kind, _, rest = data.partition("\n")
        members = self.members.get(code, {})
        if kind == "state":
            member_id, _, reply = rest.partition("\n")
            if member_id in members:
                asyncio.create_task(self.answer_state(reply, members[member_id].snapshot))
        elif kind == "preset":
            origin, lab, name = (rest.split("\n") + ["", ""])[:3]
            if origin != self.id:  # this replica's members had it already
                asyncio.create_task(apply_preset(list(members.values()), lab, name))
