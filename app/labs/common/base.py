"""What every lab (one interactive page's engine state) provides to a websocket session.

A lab is plain synchronous Python over the engine: the session calls it from a worker
thread, one call at a time, so a lab never needs locks of its own.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, TypeAdapter

from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from neural_playground.engine.model import Sequential

#: The parts of a frame that a page keeps from one frame to the next (for labs whose frames
#: carry only what changed: the playground): its settings, its points, the whole loss curve
#: (else only the new points), the maps, and the metrics over every point.
Part = Literal["config", "data", "history", "maps", "metrics"]
PARTS: frozenset[Part] = frozenset(("config", "data", "history", "maps", "metrics"))


@dataclass(frozen=True)
class Parts:
    """What the next frame brings, chosen by the session from what its page holds.

    `whole`: the parts the page does not hold, sent in full whatever changed. The others come
    only where they changed since the lab's last frame, except `stale` ones (left as the page
    has them unless it has none or a command changed them: a crowded server's cheap frame)
    and `without` ones (never sent: the page draws them itself from the frame's numbers).
    `follower`: not a new frame but the lab's last one with everything it left out filled
    in, as a page that missed frames needs it (a room's followers); it changes no record.
    Labs whose frames are whole every time ignore all this.
    """

    whole: frozenset[Part] = frozenset()
    stale: frozenset[Part] = frozenset()
    without: frozenset[Part] = frozenset()
    follower: bool = False

    def sends(self, part: Part) -> bool:
        return part not in self.without


#: A frame of what changed; a frame for a page that holds nothing; the cheap frame.
CHANGES = Parts()
EVERYTHING = Parts(whole=PARTS)
LIGHT = Parts(stale=frozenset(("maps", "metrics")))
#: The room's frame for followers, made beside each frame of its teacher's.
FOLLOWER = Parts(whole=PARTS, follower=True)


class Lab(ABC):
    """One page's live state. Subclasses set `name` and `commands`, and implement the rest."""

    name: ClassVar[str]
    #: Adapter over the common commands and this lab's own (see app.protocol.command_adapter).
    commands: ClassVar[TypeAdapter]
    #: Whether step/play make sense here.
    trainable: ClassVar[bool] = False
    #: The model of `snapshot()`: the whole state (network, weights, data, settings) as data,
    #: for shareable URLs, JSON export, reconnect and teacher rooms.
    State: ClassVar[type[BaseModel]]

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.step_count = 0
        self.diverged = False
        #: Seconds of the last `train`/`play` spent measuring for the frame (the playground's
        #: losses over every point): the frame's cost, not the steps' (see `Train`).
        self.measure_seconds = 0.0
        #: Set when training stopped on its own, not by the learner (e.g. a GAN whose
        #: discriminator can no longer tell real from generated): the session stops playing
        #: and the frame says why. Cleared by the session when play starts again.
        self.finished = False

    @abstractmethod
    def handle(self, command: BaseModel) -> None:
        """Apply one lab-specific command, raising LabError when it cannot be done."""

    @abstractmethod
    def reset(self) -> None:
        """Back to the initial state of the current preset."""

    #: Whether its frames carry only what changed (and so tell `Parts` apart); a lab whose
    #: every frame is whole gives the same frame whatever the parts.
    partial_frames: ClassVar[bool] = False

    @abstractmethod
    def frame(self, parts: Parts = CHANGES) -> BaseModel:
        """Everything the page draws, computed by the engine; for labs with
        `partial_frames`, the `parts` the session chose from what its page holds."""

    @abstractmethod
    def snapshot(self) -> BaseModel:
        """The whole state as an instance of `State`."""

    @abstractmethod
    def restore(self, state: BaseModel) -> None:
        """Replace the whole state by a validated `State`; LabError if it does not fit."""

    def weights(self) -> dict[str, np.ndarray]:
        """The current network's parameters by name, for the JSON and NumPy `.npz` export.

        Labs with a network override this (see `sequential_weights`); the default, no
        weights, hides the export on the page.
        """
        return {}

    @classmethod
    def has_weights(cls) -> bool:
        return cls.weights is not Lab.weights

    @classmethod
    def steps_per_request(cls, settings: Settings) -> int:
        """The most training steps one `step` request, or one frame of play, may run (the
        session enforces it; labs with costly steps lower it)."""
        return settings.max_steps_per_request

    def play_period(self) -> float:
        """Seconds between two frames while playing, when the lab needs a slower pace than
        the frame cap (slow motion); 0 means as fast as NP_FRAMES_PER_SECOND allows."""
        return 0.0

    def train(self, steps: int) -> None:
        """Run `steps` training steps; set `diverged` when the loss stops being finite."""
        raise LabError("not_trainable", "This page has nothing to train.")

    def play(self, steps: int, light: bool = False) -> None:
        """Training while playing; labs that record a single step for the page (the
        playground's step-through) skip that here. `light`: a frame with stale metrics
        follows (a full room), so a lab may also measure less (see `PlaygroundLab.play`)."""
        self.train(steps)

    @staticmethod
    def require_index(value: int, size: int, what: str) -> None:
        """Refuse an index past the end of what it points into (pydantic refuses negatives)."""
        if value >= size:
            raise LabError(
                "bad_index",
                f"{what} = {value} is out of range (0 to {size - 1}).",
                what=what,
                value=value,
                last=size - 1,
            )

    def check_value(self, value: float, what: str) -> float:
        """Refuse values beyond the configured magnitude (pydantic already refuses NaN/inf)."""
        limit = self.settings.max_abs_value
        if abs(value) > limit:
            raise LabError(
                "value_too_large",
                f"{what} must be between -{limit:g} and {limit:g}.",
                what=what,
                limit=limit,
            )
        return value

    def check_architecture(self, hidden: list[int]) -> None:
        """Hidden layer sizes within the server's limits (NP_MAX_LAYERS, NP_MAX_NEURONS)."""
        s = self.settings
        if len(hidden) > s.max_layers:
            raise LabError(
                "too_many_layers",
                f"This server allows at most {s.max_layers} hidden layers.",
                limit=s.max_layers,
            )
        if any(n < 1 or n > s.max_neurons for n in hidden):
            raise LabError(
                "neurons_per_layer",
                f"Each layer needs 1 to {s.max_neurons} neurons (this server's limit).",
                limit=s.max_neurons,
            )


def sequential_weights(model: Sequential) -> dict[str, np.ndarray]:
    """A Sequential's parameters as `layer<k>.<param>` (k from 0, as in the protocol)."""
    return {
        f"layer{k}.{name}": value.copy()
        for k, layer in enumerate(model.layers)
        for name, value in layer.params.items()
    }
