"""What a session asks of its lab: one small typed call each, carried out by `apply`.

A call is the same object whether the lab lives in this process (`LocalLab` applies it) or
in a lab process (`RemoteLab` pickles it down the pipe, the process applies it there), so
the two paths cannot drift apart, and a mistyped call fails where it is built, not in the
lab process. `Generic[T]` names what `apply` returns: `LabHandle.run(call)` returns it too.
"""

import time
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel

from app.labs.common.base import Lab
from app.labs.common.saved_state import restore_saved
from app.rooms import frames as room_frames

T = TypeVar("T")

#: "update": what changed since the last frame; "full": everything, for a page that shows
#: nothing yet; "light": the cheap part, while playing in a full room; "room": the update and
#: the whole frame together, while teaching a room (`app.rooms.frames`). Only labs whose
#: frames carry what changed (the playground) tell them apart.
FrameKind = Literal["update", "full", "light", "room"]


def render(lab: Lab, kind: FrameKind) -> str:
    """The lab's frame of that kind, as the JSON text the session sends."""
    if kind == "room":
        frame = lab.frame()
        return room_frames.join(frame.model_dump_json(), lab.whole_frame(frame).model_dump_json())
    make = {"update": lab.frame, "full": lab.full_frame, "light": lab.light_frame}[kind]
    return make().model_dump_json()


class LabCall(Generic[T]):
    """One call into a lab; picklable (its fields are commands, states, kinds, numbers)."""

    def apply(self, lab: Lab) -> T:
        raise NotImplementedError


@dataclass(frozen=True)
class HandleCommand(LabCall[str]):
    """Apply a lab command; the new frame."""

    command: BaseModel
    kind: FrameKind = "update"

    def apply(self, lab: Lab) -> str:
        lab.handle(self.command)
        return render(lab, self.kind)


@dataclass(frozen=True)
class ResetLab(LabCall[str]):
    kind: FrameKind = "update"

    def apply(self, lab: Lab) -> str:
        lab.reset()
        return render(lab, self.kind)


@dataclass(frozen=True)
class RestoreState(LabCall[str]):
    """Replace the whole state; a full frame (the page shows a new lab)."""

    state: BaseModel

    def apply(self, lab: Lab) -> str:
        restore_saved(lab, self.state)
        return render(lab, "full")


@dataclass(frozen=True)
class RenderFrame(LabCall[str]):
    """A frame without a change: by default a full one, for a page that shows nothing yet."""

    kind: FrameKind = "full"

    def apply(self, lab: Lab) -> str:
        return render(lab, self.kind)


@dataclass(frozen=True)
class TakeSnapshot(LabCall[BaseModel]):
    def apply(self, lab: Lab) -> BaseModel:
        return lab.snapshot()


@dataclass(frozen=True)
class Train(LabCall[tuple[str | None, float, float]]):
    """Train `steps` steps (`playing`: a burst of the play loop); (the frame of `kind`, or
    None for none, seconds training, seconds making the frame)."""

    steps: int
    kind: FrameKind | None
    playing: bool = False

    def apply(self, lab: Lab) -> tuple[str | None, float, float]:
        started = time.perf_counter()
        if self.playing:
            lab.play(self.steps, light=self.kind == "light")
        else:
            lab.train(self.steps)
        trained = time.perf_counter()
        text = render(lab, self.kind) if self.kind is not None else None
        return text, trained - started, time.perf_counter() - trained


@dataclass(frozen=True)
class ClearStop(LabCall[None]):
    """Forget that training diverged or finished: the learner presses play again."""

    def apply(self, lab: Lab) -> None:
        lab.diverged = lab.finished = False
