"""What a session asks of its lab: one small typed call each, carried out by `apply`.

A call is the same object whether the lab lives in this process (`LocalLab` applies it) or
in a lab process (`RemoteLab` pickles it down the pipe, the process applies it there), so
the two paths cannot drift apart, and a mistyped call fails where it is built, not in the
lab process. `Generic[T]` names what `apply` returns: `LabHandle.run(call)` returns it too.
"""

import time
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from pydantic import BaseModel

from neural_playground.app.labs.common.base import CHANGES, EVERYTHING, FOLLOWER, Lab, Parts
from neural_playground.app.labs.common.saved_state import restore_saved
from neural_playground.app.rooms import frames as room_frames

T = TypeVar("T")


@dataclass(frozen=True)
class Framing:
    """Which frame a call answers with: `parts` chosen by the session from what its page
    holds (`app.ws.page.PageRecord`), and with `room`, the room's frame for followers too,
    joined to it as one text (`app.rooms.frames`), while the session teaches a room."""

    parts: Parts = CHANGES
    room: bool = False


#: What changed since the last frame; everything, for a page that shows nothing of this lab.
UPDATE = Framing()
FRESH = Framing(EVERYTHING)


def render(lab: Lab, framing: Framing) -> str:
    """The lab's frame, as the JSON text the session sends."""
    text = lab.frame(framing.parts).model_dump_json()
    if not framing.room:
        return text
    # A lab whose frames are always whole sends its followers the same frame. Their pages
    # are the teacher's page, drawing what it draws itself.
    follower = replace(FOLLOWER, without=framing.parts.without)
    whole = lab.frame(follower).model_dump_json() if lab.partial_frames else text
    return room_frames.join(text, whole)


class LabCall(Generic[T]):
    """One call into a lab; picklable (its fields are commands, states, kinds, numbers)."""

    def apply(self, lab: Lab) -> T:
        raise NotImplementedError


@dataclass(frozen=True)
class HandleCommand(LabCall[str]):
    """Apply a lab command; the new frame."""

    command: BaseModel
    framing: Framing = UPDATE

    def apply(self, lab: Lab) -> str:
        lab.handle(self.command)
        return render(lab, self.framing)


@dataclass(frozen=True)
class ResetLab(LabCall[str]):
    framing: Framing = UPDATE

    def apply(self, lab: Lab) -> str:
        lab.reset()
        return render(lab, self.framing)


@dataclass(frozen=True)
class RestoreState(LabCall[str]):
    """Replace the whole state; a frame with everything (the page shows a new lab; a room's
    followers can be sent it as it is)."""

    state: BaseModel

    def apply(self, lab: Lab) -> str:
        return restore_saved(lab, self.state, lambda lab: render(lab, FRESH))


@dataclass(frozen=True)
class RenderFrame(LabCall[str]):
    """A frame without a change: by default everything, for a page that shows nothing yet."""

    framing: Framing = FRESH

    def apply(self, lab: Lab) -> str:
        return render(lab, self.framing)


@dataclass(frozen=True)
class TakeSnapshot(LabCall[BaseModel]):
    def apply(self, lab: Lab) -> BaseModel:
        return lab.snapshot()


@dataclass(frozen=True)
class Train(LabCall[tuple[str | None, float, float]]):
    """Train `steps` steps (`playing`: a burst of the play loop); (the frame `framing` asks
    for, or None for none, seconds training, seconds making the frame)."""

    steps: int
    framing: Framing | None
    playing: bool = False

    def apply(self, lab: Lab) -> tuple[str | None, float, float]:
        started = time.perf_counter()
        if self.playing:
            stale = self.framing is not None and "metrics" in self.framing.parts.stale
            lab.play(self.steps, light=stale)
        else:
            lab.train(self.steps)
        # What training measured for the frame (the losses over every point) counts as the
        # frame's cost: the fair share sizes bursts by what a step alone costs.
        trained = time.perf_counter() - lab.measure_seconds
        text = render(lab, self.framing) if self.framing is not None else None
        return text, trained - started, time.perf_counter() - trained


@dataclass(frozen=True)
class ClearStop(LabCall[None]):
    """Forget that training diverged or finished: the learner presses play again."""

    def apply(self, lab: Lab) -> None:
        lab.diverged = lab.finished = False
