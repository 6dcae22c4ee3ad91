"""Teacher rooms shared by every replica through Redis (used when REDIS_URL is set).

The teacher's session lives on one replica; its students may be on any. Redis holds:

- `np:room:<code>`: the room (lab, teacher-key hash, current teacher id), expiring after
  NP_ROOM_IDLE_SECONDS unless the teacher's replica keeps refreshing it;
- `np:room:<code>:last`: the newest frame and status, for students who join late;
- channel `np:room:<code>`: frames, statuses, "teacher changed" and "room ended", which every
  replica with followers (or the teacher) of that room subscribes to and fans out locally;
- channel `np:room:<code>:ask`: fork requests, answered by the teacher's replica into a
  short-lived list named in the request.

Nothing here is sticky: any replica can serve any student of any room.
"""

import asyncio
import contextlib
import json
import logging
import secrets
from typing import Any

import redis.asyncio as aioredis

from app.aio import cancel_quietly
from app.rooms.hub import (
    END,
    Fanout,
    Mailbox,
    RoomError,
    RoomHub,
    Teacher,
    key_hash,
    key_matches,
    new_code,
)
from app.settings import Settings

log = logging.getLogger(__name__)

FORK_TIMEOUT_SECONDS = 3
TEACHER = "teacher"  # channel message: the room has a new teacher (payload: its id)


def room_key(code: str) -> str:
    return f"np:room:{code}"


def last_key(code: str) -> str:
    return f"np:room:{code}:last"


def ask_channel(code: str) -> str:
    return f"np:room:{code}:ask"


class RedisRoomHub(RoomHub):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.redis = aioredis.from_url(settings.redis_url, decode_responses=True)
        self.pubsub = self.redis.pubsub()
        self.teachers: dict[str, Teacher] = {}  # rooms taught from this replica
        self.fanout = Fanout()  # this replica's followers
        self.tasks: list[asyncio.Task] = []
        self.ttl = max(1, int(settings.room_idle_seconds))

    async def start(self) -> None:
        await self.redis.ping()  # fail at start-up, not in the middle of a class
        self.tasks = [
            asyncio.create_task(self.listen(), name="rooms-listen"),
            asyncio.create_task(self.heartbeat(), name="rooms-heartbeat"),
        ]

    async def stop(self) -> None:
        for task in self.tasks:
            await cancel_quietly(task)
        for code in list(self.fanout.boxes):
            self.fanout.end(code)
        with contextlib.suppress(Exception):
            await self.pubsub.aclose()
        await self.redis.aclose()

    def room_count(self) -> int:
        return len(self.teachers)

    def rooms_of(self, client: str) -> int:
        return sum(1 for teacher in self.teachers.values() if teacher.client == client)

    # --- subscriptions ----------------------------------------------------------------------

    async def watch(self, code: str) -> None:
        await self.pubsub.subscribe(room_key(code))

    async def unwatch_if_unused(self, code: str) -> None:
        if code not in self.teachers and code not in self.fanout.boxes:
            await self.pubsub.unsubscribe(room_key(code), ask_channel(code))

    async def listen(self) -> None:
        while True:
            if not self.pubsub.subscribed:
                await asyncio.sleep(0.05)
                continue
            try:
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
            except (ConnectionError, aioredis.ConnectionError):
                log.warning("redis connection lost; retrying")
                self.fanout.lost_frames()
                await asyncio.sleep(1)
                continue
            if message is None or message["type"] != "message":
                continue
            channel, data = message["channel"], message["data"]
            if channel.endswith(":ask"):
                code = channel.split(":")[2]
                asyncio.create_task(self.answer_fork(code, data))
            else:
                self.on_room_message(channel.split(":")[2], data)

    def on_room_message(self, code: str, data: str) -> None:
        kind, _, text = data.partition("\n")
        if kind == TEACHER:
            teacher = self.teachers.get(code)
            if teacher is not None and teacher.id != text:
                del self.teachers[code]
                teacher.revoked()
        elif kind == END:
            teacher = self.teachers.pop(code, None)
            if teacher is not None:
                teacher.revoked()
            self.fanout.end(code)
            asyncio.create_task(self.unwatch_if_unused(code))
        else:
            self.fanout.deliver(code, kind, text)

    async def heartbeat(self) -> None:
        """Keep taught rooms alive; tell followers of rooms that expired."""
        interval = max(0.5, min(30.0, self.ttl / 3))
        while True:
            await asyncio.sleep(interval)
            try:
                for code in list(self.teachers):
                    await self.redis.expire(room_key(code), self.ttl)
                    await self.redis.expire(last_key(code), self.ttl)
                for code in list(self.fanout.boxes):
                    if code not in self.teachers and not await self.redis.exists(room_key(code)):
                        self.fanout.end(code)
                        await self.unwatch_if_unused(code)
            except aioredis.RedisError:
                log.warning("redis heartbeat failed; retrying")

    async def room(self, code: str) -> dict[str, Any] | None:
        raw = await self.redis.get(room_key(code))
        return json.loads(raw) if raw else None

    # --- the teacher ------------------------------------------------------------------------

    async def open(self, lab: str, teacher: Teacher) -> tuple[str, str]:
        self.check_capacity(teacher.client)
        key = secrets.token_urlsafe(16)
        record = {"lab": lab, "key": key_hash(key), "teacher": teacher.id}
        while True:
            code = new_code()
            if await self.redis.set(room_key(code), json.dumps(record), nx=True, ex=self.ttl):
                break
        await self.become_teacher(code, teacher)
        return code, key

    async def become_teacher(self, code: str, teacher: Teacher) -> None:
        self.teachers[code] = teacher
        await self.pubsub.subscribe(room_key(code), ask_channel(code))

    async def teach(self, code: str, key: str, teacher: Teacher) -> str:
        record = await self.room(code)
        if record is None or not key_matches(key, record["key"]):
            raise RoomError("bad_room_key", "That room code and teacher key do not match.")
        record["teacher"] = teacher.id
        await self.redis.set(room_key(code), json.dumps(record), ex=self.ttl)
        previous = self.teachers.get(code)
        await self.become_teacher(code, teacher)
        if previous is not None and previous is not teacher:
            previous.revoked()
        # Teachers of this room on other replicas step down when they hear this.
        await self.redis.publish(room_key(code), f"{TEACHER}\n{teacher.id}")
        return record["lab"]

    async def leave(self, code: str, teacher: Teacher) -> None:
        """No heartbeat refreshes the room any more: it expires after NP_ROOM_IDLE_SECONDS."""
        if self.teachers.get(code) is teacher:
            del self.teachers[code]
            await self.unwatch_if_unused(code)

    async def close(self, code: str, teacher: Teacher) -> None:
        if self.teachers.get(code) is teacher:
            del self.teachers[code]
            await self.redis.delete(room_key(code), last_key(code))
            # Every replica (this one too, still subscribed) tells its followers.
            await self.redis.publish(room_key(code), f"{END}\n")

    async def publish(self, code: str, kind: str, text: str) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.publish(room_key(code), f"{kind}\n{text}")
            pipe.hset(last_key(code), kind, text)
            pipe.expire(last_key(code), self.ttl)
            await pipe.execute()

    async def answer_fork(self, code: str, reply: str) -> None:
        teacher = self.teachers.get(code)
        if teacher is None or not reply.startswith("np:reply:"):
            return
        try:
            state = await teacher.snapshot()
        except Exception:  # noqa: BLE001 - the student's request times out with a clear error
            log.exception("snapshot for a fork failed", extra={"room": code})
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.rpush(reply, json.dumps(state))
            pipe.expire(reply, FORK_TIMEOUT_SECONDS * 10)
            await pipe.execute()

    # --- the students -----------------------------------------------------------------------

    async def lookup(self, code: str) -> str | None:
        record = await self.room(code)
        return record["lab"] if record else None

    async def follow(self, code: str, box: Mailbox) -> str:
        record = await self.room(code)
        if record is None:
            raise RoomError("no_room", "There is no open room with that code.", code=code)
        if code not in self.fanout.boxes:
            await self.watch(code)
            last = await self.redis.hgetall(last_key(code))
            self.fanout.add(code, box, last)
        else:
            self.fanout.add(code, box)
        return record["lab"]

    async def unfollow(self, code: str, box: Mailbox) -> None:
        if self.fanout.remove(code, box):
            await self.unwatch_if_unused(code)

    async def fetch_state(self, code: str) -> dict:
        teacher = self.teachers.get(code)
        if teacher is not None:
            return await teacher.snapshot()
        reply = f"np:reply:{secrets.token_hex(12)}"
        if not await self.redis.publish(ask_channel(code), reply):
            raise RoomError("no_teacher", "The teacher is not connected right now.")
        answer = await self.redis.blpop([reply], timeout=FORK_TIMEOUT_SECONDS)
        if answer is None:
            raise RoomError("no_teacher", "The teacher is not connected right now.")
        return json.loads(answer[1])

    async def reap(self) -> None:
        """Redis expires rooms by itself (see `heartbeat`)."""
