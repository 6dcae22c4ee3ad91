"""Teacher rooms in one server process: a short code, a teacher key, and live fan-out.

A teacher's session opens a room and becomes its *teacher*: every frame and status it sends
is published to the room. Students' sessions *follow* the room: each gets a `Mailbox` that
holds the newest frame and status not yet sent (a slow screen skips frames instead of
falling behind, and never slows the teacher). Forking asks the teacher's lab for a snapshot.

`RoomHub` is the in-process hub; `app.rooms.redis_hub.RedisRoomHub` has the same methods and
shares rooms between replicas through Redis. Sessions only ever talk to this interface.
"""

import asyncio
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from neural_playground.app.protocol import LabError
from neural_playground.app.rooms import frames as room_frames
from neural_playground.app.rooms.roster import RosterHub
from neural_playground.app.settings import Settings

# No 0/O, 1/I/L: codes are read off a projector and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
END = "end"  # the mailbox item that says the room is gone
FRAME = "frame"  # the mailbox item of the teacher's frames (see `app.rooms.frames`)
#: The mailbox item that says the teacher opened another lesson (its text: that lab's name).
MOVE = "move"
#: The teacher's tour step (a `room_tour` message), kept for late joiners like a frame.
TOUR = "tour"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What a learner typed, as a code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch not in " -")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str, expected_hash: str) -> bool:
    return hmac.compare_digest(key_hash(key), expected_hash)


class RoomError(LabError):
    """A room request that cannot be done: an `error` for the client, like a lab's."""


@dataclass(eq=False)
class Teacher:
    """The teacher's side of a room, as the hub sees it: a way to snapshot, a way to let go."""

    #: The teacher lab's whole state, as JSON-ready data (runs on the lab's lane).
    snapshot: Callable[[], Awaitable[dict]]
    #: Called when another session took the room over with the key, or the room closed.
    revoked: Callable[[], None]
    id: str = field(default_factory=lambda: secrets.token_hex(8))
    #: The address its session came from: rooms are limited per address (NP_MAX_ROOMS_PER_ADDRESS).
    client: str = ""
    #: Told each roster line of the room's learners (None: that learner left), see roster.py.
    on_report: Callable[[str, dict | None], None] | None = None
    #: Told False when the room's followers on other replicas cannot be reached (Redis is
    #: away; those on the teacher's replica still follow), True when they can again.
    on_reach: Callable[[bool], None] | None = None


class Mailbox:
    """What one follower has not been sent yet: the newest item of each kind, in arrival order.

    A frame is put as the small one while the follower is in step (it was, or will be, sent
    every frame before this one), else as the whole one: after it joined, or when a newer
    frame replaces one it was never sent (a slow screen), or when frames may have been lost.
    """

    def __init__(self, lab: str = "") -> None:
        self.lab = lab  # the lesson this follower's page shows
        self.items: dict[str, str] = {}
        self.ready = asyncio.Event()
        self.in_step = False

    def put(self, kind: str, text: str) -> None:
        """An item; a frame as its room text (see `put_frame`)."""
        if kind == FRAME:
            self.put_frame(*room_frames.split(text))
            return
        self.store(kind, text)

    def put_frame(self, small: str, whole: str) -> None:
        self.store(FRAME, small if self.in_step and FRAME not in self.items else whole)
        self.in_step = True

    def store(self, kind: str, text: str) -> None:
        self.items.pop(kind, None)  # re-insert, so the order is the order of arrival
        self.items[kind] = text
        self.ready.set()

    async def get(self) -> list[tuple[str, str]]:
        await self.ready.wait()
        items = list(self.items.items())
        self.items.clear()
        self.ready.clear()
        return items


class Fanout:
    """This process's followers of each room, and the newest frame and status for late joiners."""

    def __init__(self) -> None:
        self.boxes: dict[str, set[Mailbox]] = {}
        self.last: dict[str, dict[str, str]] = {}
        self.labs: dict[str, str] = {}  # the lesson each room shows, as this process knows

    def add(self, code: str, box: Mailbox, last: dict[str, str] | None = None) -> None:
        self.boxes.setdefault(code, set()).add(box)
        if box.lab:
            self.labs.setdefault(code, box.lab)
        if last is not None:
            self.last[code] = dict(last)
        for kind, text in self.last.get(code, {}).items():
            box.put(kind, text)  # a late joiner: the frame is split for this box alone

    def remove(self, code: str, box: Mailbox) -> bool:
        """Forget a follower; True when it was this process's last one for the room."""
        boxes = self.boxes.get(code, set())
        boxes.discard(box)
        if not boxes:
            self.boxes.pop(code, None)
            self.labs.pop(code, None)  # unheard while nobody here follows: learnt again
            return True
        return False

    def move(self, code: str, lab: str) -> None:
        """The teacher opened the lesson `lab`: what the room showed is stale (late joiners
        must not get it), and followers on another page are told to go there. Idempotent:
        Redis echoes the move to the replica that made it."""
        if self.labs.get(code) == lab:
            return
        self.labs[code] = lab
        self.last.pop(code, None)
        for box in self.boxes.get(code, ()):
            if box.lab != lab:
                box.items.clear()  # frames of the old lesson: no use on the new page
                box.store(MOVE, lab)

    def deliver(self, code: str, kind: str, text: str) -> None:
        self.last.setdefault(code, {})[kind] = text
        boxes = self.boxes.get(code, ())
        if kind == FRAME:  # split once, not once per follower (the texts are tens of kB)
            small, whole = room_frames.split(text)
            for box in boxes:
                box.put_frame(small, whole)
            return
        for box in boxes:
            box.put(kind, text)

    def lost_frames(self) -> None:
        """Frames may have been lost on the way (a dropped Redis connection): every follower's
        next frame is a whole one."""
        for boxes in self.boxes.values():
            for box in boxes:
                box.in_step = False

    def end(self, code: str) -> None:
        for box in self.boxes.pop(code, ()):
            box.put(END, "")
        self.last.pop(code, None)
        self.labs.pop(code, None)

    def followers(self) -> int:
        return sum(len(b) for b in self.boxes.values())


@dataclass(eq=False)
class Room:
    code: str
    lab: str
    key_hash: str
    teacher: Teacher | None
    orphaned_at: float | None = None  # when its teacher left for good
    client: str = ""  # the address of the session that opened it


class RoomHub(RosterHub):
    """Rooms of this process only: one server, or students on the same replica as the teacher."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.rooms: dict[str, Room] = {}
        self.fanout = Fanout()

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        for code in list(self.rooms):
            self.fanout.end(code)
        self.rooms.clear()

    def room_count(self) -> int:
        return len(self.rooms)

    def follower_count(self) -> int:
        return self.fanout.followers()

    # --- the teacher ------------------------------------------------------------------------

    def rooms_of(self, client: str) -> int:
        """Rooms opened from the address `client` (on this server)."""
        return sum(1 for room in self.rooms.values() if room.client == client)

    def check_capacity(self, client: str) -> None:
        """Room slots are few (NP_MAX_ROOMS): one address may hold only a few of them, so
        that nobody can take every slot and lock every teacher out."""
        s = self.settings
        if self.rooms_of(client) >= s.max_rooms_per_address:
            raise RoomError(
                "rooms_per_address",
                f"This network already has {s.max_rooms_per_address} rooms open.",
                limit=s.max_rooms_per_address,
            )
        if self.room_count() >= s.max_rooms:
            self.rooms_full()

    def rooms_full(self) -> None:
        s = self.settings
        raise RoomError(
            "rooms_full", f"This server has {s.max_rooms} rooms open already.", limit=s.max_rooms
        )

    async def open(self, lab: str, teacher: Teacher) -> tuple[str, str]:
        """A new room taught by `teacher`: its code and its teacher key."""
        self.check_capacity(teacher.client)
        code = new_code()
        while code in self.rooms:
            code = new_code()
        key = secrets.token_urlsafe(16)
        self.rooms[code] = Room(code, lab, key_hash(key), teacher, client=teacher.client)
        return code, key

    async def teach(self, code: str, key: str, teacher: Teacher, lab: str) -> None:
        """Make `teacher`, on the lesson `lab`, the room's teacher if `key` is right: the
        room follows the teacher to that lesson (a room belongs to its teacher, not a page)."""
        room = self.rooms.get(code)
        if room is None or not key_matches(key, room.key_hash):
            raise RoomError("bad_room_key", "That room code and teacher key do not match.")
        previous, room.teacher, room.orphaned_at = room.teacher, teacher, None
        self.fanout.labs[code] = room.lab
        self.fanout.move(code, lab)
        room.lab = lab
        if previous is not None and previous is not teacher:
            previous.revoked()

    async def leave(self, code: str, teacher: Teacher) -> None:
        """The teacher's session is gone for good; the room waits for one with the key."""
        room = self.rooms.get(code)
        if room is not None and room.teacher is teacher:
            room.teacher = None
            room.orphaned_at = time.monotonic()

    async def close(self, code: str, teacher: Teacher) -> None:
        room = self.rooms.get(code)
        if room is not None and room.teacher is teacher:
            del self.rooms[code]
            self.fanout.end(code)

    async def publish(self, code: str, kind: str, text: str) -> None:
        """A frame or status of the teacher's session, for every follower."""
        if code in self.rooms:
            self.fanout.deliver(code, kind, text)

    # --- the students -----------------------------------------------------------------------

    async def lookup(self, code: str) -> str | None:
        """The lab a room shows, or None when there is no such room."""
        room = self.rooms.get(code)
        return room.lab if room else None

    async def follow(self, code: str, box: Mailbox) -> str:
        """Start delivering the room's frames into `box` (the newest ones at once); its lab."""
        room = self.rooms.get(code)
        if room is None:
            raise RoomError("no_room", "There is no open room with that code.", code=code)
        self.fanout.add(code, box)
        return room.lab

    async def unfollow(self, code: str, box: Mailbox) -> None:
        self.fanout.remove(code, box)

    async def fetch_state(self, code: str) -> dict:
        """The teacher lab's whole state, for a student's fork."""
        room = self.rooms.get(code)
        if room is None or room.teacher is None:
            raise RoomError("no_teacher", "The teacher is not connected right now.")
        return await room.teacher.snapshot()

    # --- housekeeping -----------------------------------------------------------------------

    async def reap(self) -> None:
        """Close rooms whose teacher has been gone longer than NP_ROOM_IDLE_SECONDS."""
        limit = time.monotonic() - self.settings.room_idle_seconds
        for code, room in list(self.rooms.items()):
            if room.orphaned_at is not None and room.orphaned_at < limit:
                del self.rooms[code]
                self.fanout.end(code)
