"""What a teacher's replica still has to publish to Redis (see app/rooms/redis_hub.py).

The teacher's frames must never wait for Redis: the send path only puts here, and one task
publishes what is pending. Per room only the newest item of each kind is kept, so a frozen
Redis costs memory bounded by rooms x kinds, not by time.
"""

import asyncio

from neural_playground.app.rooms import frames as room_frames
from neural_playground.app.rooms.hub import FRAME


class PendingPublishes:
    """What the teacher's replica has still to publish to Redis: per room, the newest item
    of each kind. Bounded (rooms x kinds); the teacher's send path only ever puts."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, str]] = {}
        self.ready = asyncio.Event()
        #: Rooms whose next frame must go whole: one was skipped here or lost on the way.
        self.resync: set[str] = set()

    def put(self, code: str, kind: str, text: str) -> None:
        pending = self.items.setdefault(code, {})
        if kind == FRAME and (FRAME in pending or code in self.resync):
            # A frame replaced before it was sent (or after a lost one): followers elsewhere
            # missed what changed in between, so this one must be whole for them.
            text = room_frames.split(text)[1]
            self.resync.discard(code)
        pending.pop(kind, None)
        pending[kind] = text
        self.ready.set()

    async def take(self) -> dict[str, dict[str, str]]:
        await self.ready.wait()
        self.ready.clear()
        items, self.items = self.items, {}
        return items

    def lost(self, code: str) -> None:
        self.resync.add(code)

    def forget(self, code: str) -> None:
        self.items.pop(code, None)
        self.resync.discard(code)


class RemoteFollowers:
    """Whether a room's followers on other replicas get the teacher's frames: the teacher is
    told when they stop (Redis is away; those on its own replica still follow) and when they
    get them again. Unknown, and not told, before a publish has reached another replica."""

    def __init__(self) -> None:
        self.elsewhere: dict[str, int] = {}  # room -> replicas that last heard it, besides us
        self.unreachable: set[str] = set()

    def update(self, code: str, teacher, ok: bool, elsewhere: int | None = None) -> None:
        if elsewhere is not None:
            self.elsewhere[code] = elsewhere
        unreachable = not ok and self.elsewhere.get(code, 0) > 0
        if teacher is None or unreachable == (code in self.unreachable):
            return
        if unreachable:
            self.unreachable.add(code)
        else:
            self.unreachable.discard(code)
        if teacher.on_reach is not None:
            teacher.on_reach(not unreachable)

    def forget(self, code: str) -> None:
        self.elsewhere.pop(code, None)
        self.unreachable.discard(code)
