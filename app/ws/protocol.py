"""The websocket protocol (documented in docs/protocol.md): what only the transport sends.

Every message, in both directions, is a pydantic model with a `type` field. Inbound
messages are parsed by one `TypeAdapter` per lab, built once at import time, over a
discriminated union of the common commands and the lab's own commands (app/protocol.py,
shared with the labs; re-exported here for the session). Bump PROTOCOL_VERSION whenever a
message changes shape.
"""

from typing import Any, Literal

from pydantic import Field

from neural_playground.app.protocol import (  # noqa: F401 - the session reads them as p.<Name>
    COMMON_COMMANDS,
    CloseRoom,
    Follow,
    Fork,
    GetState,
    Message,
    OpenRoom,
    PageDraws,
    Pause,
    Ping,
    Play,
    Rejoin,
    Reset,
    Resume,
    RoomPreset,
    RoomReport,
    RoomTour,
    SetSpeed,
    SetState,
    Spotlight,
    Step,
    Teach,
    Unfollow,
    command_adapter,
)

PROTOCOL_VERSION = 1

# --- server -> client -------------------------------------------------------------------


class Hello(Message):
    """First message of every session: who we are and what the server allows."""

    type: Literal["hello"] = "hello"
    protocol: int = PROTOCOL_VERSION
    session: str
    lab: str
    limits: dict[str, float | int]
    #: Secret for `resume` after a reload or a dropped connection (keep it in the tab only).
    resume: str


class Error(Message):
    """Something the client sent could not be done; the connection stays open.

    `code` is stable and translated by the page (`error.<code>` in the catalogs, with
    `params` filled in); `message` is the English text for logs and other clients.
    """

    type: Literal["error"] = "error"
    code: str
    message: str
    params: dict[str, Any] = Field(default_factory=dict)


#: The `error` for a bug in a lab or the server: one answer lost, the session goes on.
INTERNAL_ERROR = ("internal_error", "Something went wrong on the server; the page still works.")


class Status(Message):
    """Whether the lab is training, and how far it has got."""

    type: Literal["status"] = "status"
    running: bool
    step: int
    diverged: bool = False
    steps_per_frame: int = 1


class Pong(Message):
    type: Literal["pong"] = "pong"


class State(Message):
    """The lab's whole state, as its `State` model dumps it."""

    type: Literal["state"] = "state"
    lab: str
    state: dict[str, Any]


class Resumed(Message):
    """Answer to `resume`: whether the old session's lab came back (then a frame follows)."""

    type: Literal["resumed"] = "resumed"
    restored: bool


class Room(Message):
    """This session's place in a teacher room.

    `role` is `teacher` (its frames are shown to the room; `key` only when the room was just
    opened), `student` (its screen shows the teacher's frames) or `none`; `ended` when the
    room closed under it; `moved` when the teacher opened the lesson `lab` (the student's
    page goes there and follows on); `member` (role `none`) when the session is on the
    room's roster with its own lab (it forked, or rejoined after a reload).
    """

    type: Literal["room"] = "room"
    role: Literal["teacher", "student", "none"]
    code: str | None = None
    lab: str | None = None
    key: str | None = None
    ended: bool = False
    moved: bool = False
    member: bool = False


class Roster(Message):
    """The teacher's roster: learners that joined or changed since the last one (each as
    `app.rooms.roster.entry` makes it), and the ids of those that left."""

    type: Literal["roster"] = "roster"
    learners: list[dict[str, Any]]
    gone: list[str]


class RoomPresetSent(Message):
    """To a learner: the teacher sent everyone the preset `name` (a frame of it follows)."""

    type: Literal["room_preset"] = "room_preset"
    name: str


class RoomReach(Message):
    """To a room's teacher: whether its students on other replicas get its frames (false
    while Redis is away; those on the teacher's own replica still do)."""

    type: Literal["room_reach"] = "room_reach"
    reachable: bool
