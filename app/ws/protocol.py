"""The websocket protocol shared by every lab (documented in docs/protocol.md).

Every message, in both directions, is a pydantic model with a `type` field. Inbound
messages are parsed by one `TypeAdapter` per lab, built once at import time, over a
discriminated union of the common commands below and the lab's own commands.
Bump PROTOCOL_VERSION whenever a message changes shape.
"""

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

PROTOCOL_VERSION = 1

# JSON has no NaN or Infinity, but Python's parser accepts them: refuse them at the door.
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


class Message(BaseModel):
    """Base of every message: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# --- client -> server: commands every lab understands -------------------------------------


class Step(Message):
    """Run `steps` training steps now and answer with one frame."""

    type: Literal["step"]
    steps: int = Field(1, ge=1)


class Play(Message):
    """Train continuously, streaming frames at the capped rate."""

    type: Literal["play"]


class Pause(Message):
    type: Literal["pause"]


class Reset(Message):
    """Back to the lab's initial state (its current preset, fresh weights)."""

    type: Literal["reset"]


class SetSpeed(Message):
    """How many training steps run between two frames while playing."""

    type: Literal["set_speed"]
    steps_per_frame: int = Field(ge=1)


class Ping(Message):
    type: Literal["ping"]


class GetState(Message):
    """Ask for the lab's whole state (answered by `state`)."""

    type: Literal["get_state"]


class SetState(Message):
    """Replace the lab's whole state by one from `state` (shared URL, file, reconnect).

    Validated against the lab's own `State` model before anything changes.
    """

    type: Literal["set_state"]
    state: dict[str, Any]


# Secrets and codes are short printable strings: anything else is refused at the door.
Token = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
RoomCode = Annotated[str, Field(min_length=4, max_length=12, pattern=r"^[A-Za-z0-9 -]+$")]


class Resume(Message):
    """Take back the lab of a closed session (the `resume` token of its `hello`)."""

    type: Literal["resume"]
    token: Token


class OpenRoom(Message):
    """Open a teacher room showing this session; answered by `room` with code and key."""

    type: Literal["open_room"]


class CloseRoom(Message):
    type: Literal["close_room"]


class Teach(Message):
    """Become the teacher of an open room (another tab, a reload): needs the teacher key."""

    type: Literal["teach"]
    code: RoomCode
    key: Token


class Follow(Message):
    """Watch a room's teacher live, read-only, instead of this session's own lab."""

    type: Literal["follow"]
    code: RoomCode


class Unfollow(Message):
    type: Literal["unfollow"]


class Fork(Message):
    """Copy the followed teacher's whole state into this session's own lab, and stop following."""

    type: Literal["fork"]


COMMON_COMMANDS: tuple[type[Message], ...] = (
    Step,
    Play,
    Pause,
    Reset,
    SetSpeed,
    Ping,
    GetState,
    SetState,
    Resume,
    OpenRoom,
    CloseRoom,
    Teach,
    Follow,
    Unfollow,
    Fork,
)


def command_adapter(*lab_commands: type[Message]) -> TypeAdapter:
    """One adapter over the common commands and a lab's own, discriminated by `type`."""
    union = Union[COMMON_COMMANDS + lab_commands]  # noqa: UP007 - built from a tuple at runtime
    return TypeAdapter(Annotated[union, Field(discriminator="type")])


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
    room closed under it.
    """

    type: Literal["room"] = "room"
    role: Literal["teacher", "student", "none"]
    code: str | None = None
    lab: str | None = None
    key: str | None = None
    ended: bool = False
