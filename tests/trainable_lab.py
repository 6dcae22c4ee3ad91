"""A small trainable lab for tests of the session's play loop, rooms and limits (not a page).

It fits a fixed two-feature data set with an engine MLP, and its frame carries what a real
training page's would: weights, the loss, and the model's output over a grid (a heatmap).
Sizes are class attributes, so the load benchmark can subclass it with the playground's.
"""

import time
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from neural_playground.app.labs.common.base import CHANGES, Lab, Parts
from neural_playground.app.labs.neurons.commands import SetWeight
from neural_playground.app.protocol import FiniteFloat, LabError, Message, command_adapter
from neural_playground.engine.model import mlp
from neural_playground.engine.optimizers import Optimizer


class SetLearningRate(Message):
    type: Literal["set_learning_rate"]
    value: FiniteFloat = Field(gt=0)


class Weights(Message):
    w: list[list[FiniteFloat]]
    b: list[FiniteFloat]


class TrainableState(Message):
    learning_rate: FiniteFloat = Field(gt=0)
    weights: list[Weights] = Field(min_length=1, max_length=8)


class TrainableFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: str
    step: int
    learning_rate: float
    loss: float | None
    weights: list[dict[str, list]]
    grid: list[list[float]]


class TrainableLab(Lab):
    name = "trainable"
    commands = command_adapter(SetLearningRate, SetWeight)
    State = TrainableState
    trainable = True

    sizes = (2, 3, 1)
    points = 20
    batch = 20
    grid_size = 5
    default_learning_rate = 0.1

    def __init__(self, settings) -> None:
        super().__init__(settings)
        rng = np.random.default_rng(0)
        self.x = rng.uniform(-1, 1, size=(self.points, 2))
        self.y = (self.x[:, :1] * self.x[:, 1:] > 0).astype(float)  # XOR-like quadrants
        axis = np.linspace(-1, 1, self.grid_size)
        self.grid_points = np.array([(a, b) for b in axis for a in axis])
        self.reset()

    def reset(self) -> None:
        acts = ["tanh"] * (len(self.sizes) - 2) + ["linear"]
        self.model = mlp(self.sizes, acts, seed=0)
        self.learning_rate = self.default_learning_rate
        self.loss: float | None = None
        self.step_count = 0
        self.diverged = False

    def handle(self, command: BaseModel) -> None:
        match command:
            case SetLearningRate(value=value):
                self.learning_rate = self.check_value(value, "learning rate")
            case SetWeight(layer=layer, i=i, j=j, value=value, relative=relative):
                if layer >= len(self.model.layers):
                    raise LabError("bad_index", "No such layer.", what="layer", value=layer)
                w = self.model.layers[layer].params["w"]
                if i >= w.shape[0] or j >= w.shape[1]:
                    raise LabError("bad_index", "No such weight.", what="i", value=i)
                w[i, j] = self.check_value(value + (w[i, j] if relative else 0.0), "weight")

    def train(self, steps: int) -> None:
        optimizer = Optimizer("sgd", learning_rate=self.learning_rate)
        # Overflow is how divergence looks: detected below, not raised as a warning.
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(steps):
                start = (self.step_count * self.batch) % self.points
                xb, yb = self.x[start : start + self.batch], self.y[start : start + self.batch]
                self.loss = float(self.model.train_step(xb, yb, loss="mse", optimizer=optimizer))
                self.step_count += 1
                if not np.isfinite(self.loss):
                    self.diverged = True
                    return

    def frame(self, parts: Parts = CHANGES) -> TrainableFrame:
        with np.errstate(over="ignore", invalid="ignore"):
            grid = self.model.predict(self.grid_points).reshape(self.grid_size, self.grid_size)
        finite = self.loss is not None and np.isfinite(self.loss)
        return TrainableFrame(
            lab=self.name,
            step=self.step_count,
            learning_rate=self.learning_rate,
            loss=self.loss if finite else None,
            weights=self.model.get_weights(),
            grid=grid.tolist(),
        )

    def snapshot(self) -> TrainableState:
        return TrainableState(learning_rate=self.learning_rate, weights=self.model.get_weights())

    def restore(self, state: TrainableState) -> None:
        try:
            self.model.set_weights([w.model_dump() for w in state.weights])
        except ValueError as exc:
            raise LabError("bad_state", f"The weights do not fit: {exc}", detail=str(exc)) from None
        self.learning_rate = self.check_value(state.learning_rate, "learning rate")
        self.diverged = False


class BuggyLab(TrainableLab):
    """Bugs on purpose, to see a session survive them: a learning rate of 0.5 breaks a
    command, 0.75 breaks training, 0.125 makes training hang."""

    name = "buggy"

    def handle(self, command: BaseModel) -> None:
        if isinstance(command, SetLearningRate) and command.value == 0.5:
            raise ZeroDivisionError("a bug in the lab")
        super().handle(command)

    def train(self, steps: int) -> None:
        if self.learning_rate == 0.75:
            raise ZeroDivisionError("a bug in training")
        if self.learning_rate == 0.125:
            time.sleep(3600)  # stuck
        super().train(steps)


class SlowFrameLab(TrainableLab):
    """A first frame that takes 0.3 s: time for a tab to close before its greeting is sent."""

    name = "slow_frame"

    def frame(self, parts: Parts = CHANGES) -> TrainableFrame:
        time.sleep(0.3)
        return super().frame()


class BigFrame(TrainableFrame):
    pad: str


class BigFrameLab(TrainableLab):
    """Frames of a megabyte: a client that stops reading fills the socket's buffers fast."""

    name = "big_frame"

    def frame(self, parts: Parts = CHANGES) -> BigFrame:
        return BigFrame(**super().frame().model_dump(), pad="x" * 1_000_000)
