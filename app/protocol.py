"""What the labs and the transport both speak: the base of every message, the commands
every lab understands, and the error a lab raises (documented in docs/protocol.md).

The labs (app/labs/) declare their commands on `Message` and parse them with
`command_adapter`; the transport (app/ws/) reads and writes those messages on the
websocket. Both import this module, and neither imports the other's internals. The messages
only the transport sends (hello, error, status...) live in app/ws/protocol.py.
"""

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

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


#: The name a learner typed for the teacher's roster: shown as text only, never logged.
LearnerName = Annotated[str, Field(max_length=40, pattern=r"^[^\x00-\x1f<>]*$")]


class Follow(Message):
    """Watch a room's teacher live, read-only, instead of this session's own lab; the
    learner is on the teacher's roster (as `name`) until they leave the room."""

    type: Literal["follow"]
    code: RoomCode
    name: LearnerName = ""


class Rejoin(Message):
    """Back on a room's roster, on this session's own lab: a learner who forked ("Try it
    myself") and reloaded the page (it keeps the room's code for the tab)."""

    type: Literal["rejoin"]
    code: RoomCode
    name: LearnerName = ""


class Unfollow(Message):
    type: Literal["unfollow"]


class Fork(Message):
    """Copy the followed teacher's whole state into this session's own lab, and stop following."""

    type: Literal["fork"]


class PageDraws(Message):
    """The page computes these parts of its lab's frames itself (the playground's maps, from
    the weights every frame carries): the server leaves them out from now on. Sent on every
    connection (a new session starts with a page that draws nothing)."""

    type: Literal["page_draws"]
    parts: list[Literal["maps"]]
class RoomTour(Message):
    """The teacher's tour step (None: the tour is closed), shown on every student's page in
    the student's own language. Sent by a teaching page; the room's students are sent it."""

    type: Literal["room_tour"]
    step: int | None = Field(default=None, ge=0, le=99)


class RoomReport(Message):
    """What a room's learner is at, for the teacher's roster: tour step, their own numbers
    and a small picture of their main drawing (a JPEG or PNG data URL) once they forked."""

    type: Literal["room_report"]
    step: int | None = Field(default=None, ge=0, le=99)
    loss: FiniteFloat | None = None
    accuracy: FiniteFloat | None = None
    thumb: str | None = Field(
        default=None, max_length=24_000, pattern=r"^data:image/(jpeg|png);base64,[A-Za-z0-9+/=]+$"
    )


class Spotlight(Message):
    """The teacher shows one learner's network to the whole room (the teacher's lab takes
    the learner's state)."""

    type: Literal["spotlight"]
    learner: Annotated[str, Field(min_length=4, max_length=32, pattern=r"^[a-f0-9]+$")]


class RoomPreset(Message):
    """The teacher loads a preset and sends it to every learner of the room on this lesson."""

    type: Literal["room_preset"]
    name: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_]+$")]


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
    Rejoin,
    Unfollow,
    Fork,
    PageDraws,
    RoomTour,
    RoomReport,
    Spotlight,
    RoomPreset,
)


def command_adapter(*lab_commands: type[Message]) -> TypeAdapter:
    """One adapter over the common commands and a lab's own, discriminated by `type`."""
    union = Union[COMMON_COMMANDS + lab_commands]  # noqa: UP007 - built from a tuple at runtime
    return TypeAdapter(Annotated[union, Field(discriminator="type")])


class LabError(Exception):
    """A command that cannot be carried out; becomes an `error` message for the client.

    `code` names the problem for translation (`error.<code>` in the catalogs); `params`
    fill the translated sentence; `message` is the English sentence.
    """

    def __init__(self, code: str, message: str, /, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params


def describe_validation_error(exc: ValidationError) -> str:
    """A short sentence from pydantic's errors: where, and what was wrong."""
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(x) for x in err["loc"] if x not in ("function-after",))
        parts.append(f"{where}: {err['msg']}" if where else err["msg"])
    return "; ".join(parts)
