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

Redis going away must not hurt the teacher (`NP_REDIS_TIMEOUT_SECONDS`):

- every Redis call has a deadline, so nothing waits on a frozen Redis for good;
- the teacher's frames and statuses reach this replica's followers directly and go to Redis
  from a queue of its own (`PendingPublishes`, newest item of each kind per room): publishing never
  waits for Redis, and a frame that was skipped or lost on the way makes the next one whole;
- a Redis that restarted empty has forgotten the room: the teacher's replica writes it again
  (code, key, teacher, newest frame) as soon as it can reach Redis, so students on every
  replica go on following and new ones can join. If the code was taken meanwhile, the
  teacher is told the room ended. Followers' replicas end a room only when it stays missing.
"""

import asyncio
import contextlib
import json
import logging
import secrets
from typing import Any

import redis.asyncio as aioredis

from neural_playground.app.aio import cancel_quietly, wait_set
from neural_playground.app.rooms.hub import (
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
from neural_playground.app.rooms.publishing import PendingPublishes, RemoteFollowers
from neural_playground.app.rooms.redis_roster import (
    REDIS_FAULTS,
    RedisRoster,
    learners_channel,
    roster_channel,
)
from neural_playground.app.settings import Settings
from neural_playground.app.shared_counts import SharedCount

log = logging.getLogger(__name__)

TEACHER = "teacher"  # channel message: the room has a new teacher (payload: its id)
#: Followers' replicas end a room missing from Redis this many heartbeats in a row: after a
#: Redis restart, the teacher's replica needs a moment to write the room again.
MISSING_BEATS = 2


def room_key(code: str) -> str:
    return f"np:room:{code}"


def last_key(code: str) -> str:
    return f"np:room:{code}:last"


def ask_channel(code: str) -> str:
    return f"np:room:{code}:ask"


class RedisRoomHub(RedisRoster, RoomHub):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.timeout = settings.redis_timeout_seconds
        self.redis = aioredis.from_url(
            settings.redis_url, decode_responses=True, socket_connect_timeout=self.timeout
        )
        self.pubsub = self.redis.pubsub()
        self.id = secrets.token_hex(6)  # this replica, in the frames it publishes
        self.teachers: dict[str, Teacher] = {}  # rooms taught from this replica
        self.records: dict[str, dict[str, Any]] = {}  # and their Redis records (to restore)
        self.missing: dict[str, int] = {}  # followed rooms found missing, heartbeats in a row
        self.fanout = Fanout()  # this replica's followers
        self.outbox = PendingPublishes()
        self.remote = RemoteFollowers()
        self.wake = asyncio.Event()  # Redis is back: refresh (and restore) rooms now
        self.tasks: list[asyncio.Task] = []
        self.ttl = max(1, int(settings.room_idle_seconds))
        #: NP_MAX_ROOMS over every replica: the rooms taught from each.
        self.slots = SharedCount(self.redis, "rooms", lambda: len(self.teachers), self.timeout)

    @contextlib.asynccontextmanager
    async def deadline(self):
        """A deadline on a Redis call: a frozen Redis costs NP_REDIS_TIMEOUT_SECONDS, not
        the caller for good (TimeoutError; redis-py drops a connection cut off mid-reply)."""
        async with asyncio.timeout(self.timeout):
            yield

    async def start(self) -> None:
        async with self.deadline():
            await self.redis.ping()  # fail at start-up, not in the middle of a class
        self.tasks = [
            asyncio.create_task(self.listen(), name="rooms-listen"),
            asyncio.create_task(self.heartbeat(), name="rooms-heartbeat"),
            asyncio.create_task(self.publisher(), name="rooms-publish"),
            asyncio.create_task(self.slots.run(), name="rooms-count"),
        ]

    async def stop(self) -> None:
        for task in self.tasks:
            await cancel_quietly(task)
        for code in list(self.fanout.boxes):
            self.fanout.end(code)
        await self.slots.forget()
        with contextlib.suppress(Exception):
            await self.pubsub.aclose()
        await self.redis.aclose()

    def room_count(self) -> int:
        return len(self.teachers)

    def rooms_of(self, client: str) -> int:
        return sum(1 for teacher in self.teachers.values() if teacher.client == client)

    # --- subscriptions ----------------------------------------------------------------------

    async def watch(self, code: str) -> None:
        async with self.deadline():
            await self.pubsub.subscribe(room_key(code))

    async def unwatch_if_unused(self, code: str) -> None:
        if code not in self.teachers and code not in self.fanout.boxes:
            self.missing.pop(code, None)
            with contextlib.suppress(*REDIS_FAULTS):
                async with self.deadline():
                    await self.pubsub.unsubscribe(
                        room_key(code), ask_channel(code), roster_channel(code)
                    )

    async def listen(self) -> None:
        lost = False
        while True:
            if not self.pubsub.subscribed:
                await asyncio.sleep(0.05)
                continue
            try:
                async with asyncio.timeout(1 + self.timeout):
                    message = await self.pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=1
                    )
            except REDIS_FAULTS:
                log.warning("redis connection lost; retrying")
                self.fanout.lost_frames()
                for code in self.teachers:
                    self.outbox.lost(code)
                lost = True
                await asyncio.sleep(1)
                continue
            if lost:  # reconnected (and resubscribed): Redis may have restarted empty
                lost = False
                self.fanout.lost_frames()
                self.wake.set()
            if message is None or message["type"] != "message":
                continue
            channel, data = message["channel"], message["data"]
            code = channel.split(":")[2]
            if channel.endswith(":ask"):
                teacher = self.teachers.get(code)
                if teacher is not None:
                    asyncio.create_task(self.answer_state(data, teacher.snapshot))
            elif channel == roster_channel(code):
                self.on_roster_message(code, data)
            elif channel == learners_channel(code):
                self.on_learners_message(code, data)
            else:
                self.on_room_message(code, data)

    def on_room_message(self, code: str, data: str) -> None:
        kind, _, text = data.partition("\n")
        if kind not in (TEACHER, END):
            origin, _, text = text.partition("\n")
            if origin == self.id:
                return  # published from here: this replica's followers have it already
        if kind == TEACHER:
            teacher_id, _, lab = text.partition("\n")
            teacher = self.teachers.get(code)
            if teacher is not None and teacher.id != teacher_id:
                self.drop_teacher(code)
                teacher.revoked()
            if lab:
                self.fanout.move(code, lab)
        elif kind == END:
            teacher = self.teachers.pop(code, None)
            if teacher is not None:
                teacher.revoked()
            self.records.pop(code, None)
            self.fanout.end(code)
            asyncio.create_task(self.unwatch_if_unused(code))
        else:
            self.fanout.deliver(code, kind, text)

    async def heartbeat(self) -> None:
        """Keep taught rooms alive (writing them again if Redis lost them); tell followers
        of rooms that are gone."""
        interval = max(0.5, min(30.0, self.ttl / 3))
        while True:
            await wait_set(self.wake, interval)
            self.wake.clear()
            try:
                await self.beat()
                for code in list(self.remote.unreachable):
                    self.reach(code, True)
            except REDIS_FAULTS:
                log.warning("redis heartbeat failed; retrying")
                for code in list(self.teachers):
                    self.reach(code, False)
                await asyncio.sleep(min(1.0, interval))
                self.wake.set()  # again soon: rooms may need restoring

    async def beat(self) -> None:
        for code in list(self.teachers):
            async with self.deadline():
                raw = await self.redis.get(room_key(code))
            if raw is None:
                await self.restore(code)
            elif json.loads(raw).get("key") != self.records.get(code, {}).get("key"):
                self.lost_room(code)  # Redis forgot it, and another room got its code
            else:
                async with self.deadline():
                    await self.redis.expire(room_key(code), self.ttl)
                    await self.redis.expire(last_key(code), self.ttl)
        for code in list(self.fanout.boxes):
            if code in self.teachers:
                continue
            async with self.deadline():
                exists = await self.redis.exists(room_key(code))
            self.missing[code] = 0 if exists else self.missing.get(code, 0) + 1
            if self.missing[code] >= MISSING_BEATS:
                self.fanout.end(code)
                await self.unwatch_if_unused(code)

    async def restore(self, code: str) -> None:
        """Redis lost a room taught here (it restarted empty): write it again, with the
        newest frame and status, so that followers everywhere go on and new ones can join."""
        teacher, record = self.teachers.get(code), self.records.get(code)
        if teacher is None or record is None:
            return
        async with self.deadline():
            written = await self.redis.set(room_key(code), json.dumps(record), nx=True, ex=self.ttl)
            if not written and (await self.room(code) or {}).get("key") != record["key"]:
                self.lost_room(code)
                return
            last = self.fanout.last.get(code)
            if last:
                await self.redis.hset(last_key(code), mapping=last)
                await self.redis.expire(last_key(code), self.ttl)
        self.outbox.lost(code)  # the next frame goes whole to every replica
        log.warning("room restored after redis lost it", extra={"room": code})

    def reach(self, code: str, ok: bool, elsewhere: int | None = None) -> None:
        self.remote.update(code, self.teachers.get(code), ok, elsewhere)

    def lost_room(self, code: str) -> None:
        """Redis forgot the room and another took its code: this one is over; its teacher
        and its followers here are told (followers elsewhere see it missing)."""
        log.warning("room lost with redis; its code was taken", extra={"room": code})
        teacher = self.teachers.get(code)
        self.drop_teacher(code)
        self.fanout.end(code)
        if teacher is not None:
            teacher.revoked()

    @contextlib.asynccontextmanager
    async def reachable(self):
        """Redis calls on a learner's behalf: with a deadline, failing with an error their
        page can show (`rooms_unavailable`), not a server error."""
        try:
            async with self.deadline():
                yield
        except REDIS_FAULTS as exc:
            raise RoomError(
                "rooms_unavailable", "Rooms cannot be reached right now: try again in a moment."
            ) from exc

    async def room(self, code: str) -> dict[str, Any] | None:
        async with self.reachable():
            raw = await self.redis.get(room_key(code))
        return json.loads(raw) if raw else None

    # --- the teacher ------------------------------------------------------------------------

    async def open(self, lab: str, teacher: Teacher) -> tuple[str, str]:
        self.check_capacity(teacher.client)
        if not await self.slots.claim(self.settings.max_rooms):
            self.rooms_full()
        key = secrets.token_urlsafe(16)
        record = {"lab": lab, "key": key_hash(key), "teacher": teacher.id}
        try:
            async with self.reachable():
                while True:
                    code = new_code()
                    if await self.redis.set(
                        room_key(code), json.dumps(record), nx=True, ex=self.ttl
                    ):
                        break
                await self.become_teacher(code, teacher, record)
        except RoomError:
            self.slots.refresh()  # the slot it claimed is not taken after all
            raise
        return code, key

    async def become_teacher(self, code: str, teacher: Teacher, record: dict[str, Any]) -> None:
        self.teachers[code] = teacher
        self.records[code] = record
        async with self.deadline():
            await self.pubsub.subscribe(room_key(code), ask_channel(code), roster_channel(code))

    def drop_teacher(self, code: str) -> None:
        self.remote.forget(code)
        if self.teachers.pop(code, None) is not None:
            self.slots.refresh()  # its slot is free for every replica now
        self.records.pop(code, None)
        self.outbox.forget(code)
        if code not in self.fanout.boxes:
            self.fanout.last.pop(code, None)

    async def teach(self, code: str, key: str, teacher: Teacher, lab: str) -> None:
        record = await self.room(code)
        if record is None or not key_matches(key, record["key"]):
            raise RoomError("bad_room_key", "That room code and teacher key do not match.")
        record_lab = record["lab"]
        moved = record_lab != lab
        record["teacher"], record["lab"] = teacher.id, lab
        async with self.deadline():
            await self.redis.set(room_key(code), json.dumps(record), ex=self.ttl)
            if moved:  # the old lesson's frames must not reach late joiners of the new one
                await self.redis.delete(last_key(code))
        if moved:
            self.outbox.forget(code)
            self.fanout.labs[code] = record_lab
            self.fanout.move(code, lab)
        previous = self.teachers.get(code)
        await self.become_teacher(code, teacher, record)
        if previous is not None and previous is not teacher:
            previous.revoked()
        # Teachers of this room on other replicas step down when they hear this, and its
        # followers everywhere go to the teacher's lesson.
        async with self.deadline():
            await self.redis.publish(room_key(code), f"{TEACHER}\n{teacher.id}\n{lab}")

    async def leave(self, code: str, teacher: Teacher) -> None:
        """No heartbeat refreshes the room any more: it expires after NP_ROOM_IDLE_SECONDS."""
        if self.teachers.get(code) is teacher:
            self.drop_teacher(code)
            await self.unwatch_if_unused(code)

    async def close(self, code: str, teacher: Teacher) -> None:
        if self.teachers.get(code) is teacher:
            self.drop_teacher(code)
            try:
                async with self.deadline():
                    await self.redis.delete(room_key(code), last_key(code))
                    # Every replica (this one too, still subscribed) tells its followers.
                    await self.redis.publish(room_key(code), f"{END}\n")
            except REDIS_FAULTS:  # expires by itself; this replica's followers hear it now
                log.warning("closing a room in redis failed", extra={"room": code})
                self.fanout.end(code)

    async def publish(self, code: str, kind: str, text: str) -> None:
        """Never waits for Redis: this replica's followers get it now, the others through
        the outbox (`publisher`)."""
        if code not in self.teachers:
            return
        if code in self.fanout.boxes:
            self.fanout.deliver(code, kind, text)
        else:
            self.fanout.last.setdefault(code, {})[kind] = text  # to restore the room with
        self.outbox.put(code, kind, text)

    async def publisher(self) -> None:
        """Send the outbox to Redis, newest items only, each room's batch with a deadline."""
        while True:
            for code, items in (await self.outbox.take()).items():
                if code not in self.teachers:
                    continue
                try:
                    async with self.deadline(), self.redis.pipeline(transaction=False) as pipe:
                        for kind, text in items.items():
                            pipe.publish(room_key(code), f"{kind}\n{self.id}\n{text}")
                        pipe.hset(last_key(code), mapping=items)
                        pipe.expire(last_key(code), self.ttl)
                        heard = (await pipe.execute())[0]
                    # Replicas that heard it, this one aside: followers elsewhere.
                    self.reach(code, True, elsewhere=heard - 1)
                except REDIS_FAULTS:
                    # Dropped: followers elsewhere get a whole frame once Redis is back.
                    self.outbox.lost(code)
                    self.reach(code, False)

    # --- the students -----------------------------------------------------------------------

    async def lookup(self, code: str) -> str | None:
        record = await self.room(code)
        return record["lab"] if record else None

    async def follow(self, code: str, box: Mailbox) -> str:
        record = await self.room(code)
        if record is None:
            raise RoomError("no_room", "There is no open room with that code.", code=code)
        if code not in self.fanout.boxes:
            async with self.reachable():
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
        state = await self.ask_state(ask_channel(code), lambda reply: reply)
        if state is None:
            raise RoomError("no_teacher", "The teacher is not connected right now.")
        return state

    async def reap(self) -> None:
        """Redis expires rooms by itself (see `heartbeat`)."""
