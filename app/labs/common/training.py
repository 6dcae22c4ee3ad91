"""Training a lab's network one phase or one iteration at a time: the step-through.

Shared by every lab whose page has the step-through controls (neurons, backprop, descent,
playground). A `Trainer` holds the training settings (loss, optimizer, learning rate, and
optionally logits and a weight penalty) and the walk through the current iteration. The walk
is computed by `engine.stepthrough` when it starts, but the network keeps its old weights
until the walk reaches the update phase: an edit in between simply cancels it, and the page
never shows weights the learner has not seen change.

`Trainer.view()` is the frame's `step_through` part: the phases reached so far, with the
engine's numbers; the phases not reached yet are `null`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.common.stepthrough_frame import (
    StepThroughView,
    TrainingView,
    iteration_view,
)
from neural_playground.app.labs.common.training_checks import check_learning_rate
from neural_playground.app.protocol import FiniteFloat, LabError, Message
from neural_playground.app.settings import Settings
from neural_playground.engine import burst
from neural_playground.engine.guard import diverged, params_within
from neural_playground.engine.losses import LOSSES
from neural_playground.engine.model import Sequential
from neural_playground.engine.optimizers import OPTIMIZER_NAMES, Optimizer
from neural_playground.engine.regularizers import Regularizer
from neural_playground.engine.stepthrough import Iteration, require_dense, step_through

LossName = Literal[tuple(LOSSES)]  # type: ignore[valid-type]
OptimizerName = Literal[OPTIMIZER_NAMES]  # type: ignore[valid-type]

# --- commands -----------------------------------------------------------------------------


class StepPhase(Message):
    """Show the next phase of the current iteration (starting a new one after an update)."""

    type: Literal["step_phase"]


class SetLoss(Message):
    type: Literal["set_loss"]
    loss: LossName


class SetOptimizer(Message):
    type: Literal["set_optimizer"]
    optimizer: OptimizerName


class SetLearningRate(Message):
    type: Literal["set_learning_rate"]
    value: FiniteFloat


class SetTarget(Message):
    """The wanted output `j` of sample `sample` of the batch."""

    type: Literal["set_target"]
    sample: int = Field(0, ge=0)
    j: int = Field(0, ge=0)
    value: FiniteFloat


TRAINING_COMMANDS = (StepPhase, SetLoss, SetOptimizer, SetLearningRate)


class TrainingSettings(Message):
    """The part of a lab's state that says how it trains."""

    loss: LossName = "mse"
    optimizer: OptimizerName = "sgd"
    learning_rate: FiniteFloat = Field(0.01, gt=0)


# --- the trainer --------------------------------------------------------------------------


def check_loss_fits(model: Sequential, loss: str, from_logits: bool = False) -> None:
    """Cross-entropy needs probabilities: refuse a loss the output layer cannot feed.

    With `from_logits` the loss applies sigmoid/softmax itself to a linear output layer.
    """
    last = model.layers[-1]
    if from_logits:
        if loss == "mse" or last.activation != "linear":
            raise ValueError("from_logits needs a cross-entropy loss and a linear output layer")
        return
    if loss == "binary_crossentropy" and last.activation not in ("sigmoid", "softmax"):
        raise LabError(
            "loss_needs_probability",
            "Binary cross-entropy needs outputs between 0 and 1: give the output layer a sigmoid.",
            loss=loss,
        )
    if loss == "categorical_crossentropy" and (last.activation != "softmax" or last.n_out < 2):
        raise LabError(
            "loss_needs_softmax",
            "Categorical cross-entropy needs a softmax output layer with two or more neurons.",
            loss=loss,
        )


def check_targets(loss: str, y: np.ndarray) -> None:
    """Cross-entropy compares probabilities: its targets must lie between 0 and 1."""
    y = np.asarray(y)  # the method, not np.all: this runs every training step
    if loss == "binary_crossentropy" and not ((y >= 0) & (y <= 1)).all():
        raise LabError(
            "target_not_probability",
            "With binary cross-entropy every target must be between 0 and 1.",
        )


class Trainer:
    """Loss, optimizer, learning rate, and the walk through one iteration of a lab's model.

    A lab may also set `from_logits` (a linear output layer whose logits the cross-entropy
    takes) and `regularizer` (an L1/L2 penalty on the weights): both the walk and plain steps
    then train exactly as ``Sequential.train_step`` with them.
    """

    def __init__(self, settings: Settings, training: TrainingSettings | None = None) -> None:
        self.settings = settings
        #: Called after every applied step (e.g. to extend a trail of descent).
        self.after_step: Callable[[], None] | None = None
        self.from_logits = False
        self.regularizer: Regularizer | None = None
        self.scratch: dict = {}  # the burst's arrays, kept from one burst to the next
        self.apply(training or TrainingSettings())

    def apply(self, training: TrainingSettings) -> None:
        """Take new settings (and a fresh optimizer): used on load, reset and restore."""
        self.loss = training.loss
        self.check_learning_rate(training.learning_rate)
        self.optimizer = Optimizer(training.optimizer, learning_rate=training.learning_rate)
        self.steps = 0
        self.diverged = False
        self.cancel()

    def settings_model(self) -> TrainingSettings:
        return TrainingSettings(
            loss=self.loss,
            optimizer=self.optimizer.name,
            learning_rate=self.optimizer.learning_rate,
        )

    def view(self) -> TrainingView:
        return TrainingView(
            loss=self.loss,
            optimizer=self.optimizer.name,
            learning_rate=self.optimizer.learning_rate,
            max_learning_rate=self.settings.max_learning_rate,
            step=self.steps,
            diverged=self.diverged,
        )

    # --- settings -------------------------------------------------------------------------

    def check_learning_rate(self, value: float) -> None:
        check_learning_rate(value, self.settings)

    def handle(self, command: BaseModel, model: Sequential, batch) -> bool:
        """Apply a training command; False if it is not one. `batch()` gives (x, y)."""
        match command:
            case StepPhase():
                self.step_phase(model, *batch())
            case SetLoss(loss=loss):
                check_loss_fits(model, loss, self.from_logits)
                self.loss = loss
                self.cancel()
            case SetOptimizer(optimizer=name):
                # A new rule starts from a clean state (no velocity, no moments).
                self.optimizer = Optimizer(name, learning_rate=self.optimizer.learning_rate)
                self.cancel()
            case SetLearningRate(value=value):
                self.check_learning_rate(value)
                self.optimizer.learning_rate = value
                self.cancel()
            case _:
                return False
        return True

    # --- the walk -------------------------------------------------------------------------

    def cancel(self) -> None:
        """Forget the walk in progress (its update was never applied)."""
        self.record: Iteration | None = None
        self.phase: int | None = None
        self.pending: tuple[list[dict[str, np.ndarray]], dict] | None = None

    def begin(self, model: Sequential, x: np.ndarray, y: np.ndarray) -> None:
        """Record a whole iteration, then put the old weights back until its update phase."""
        require_dense(model)
        self.check_batch(model, y)
        old = self._params(model)
        old_state = copy.deepcopy(self.optimizer.state)
        try:
            record = step_through(
                model, x, y, self.loss, self.optimizer, self.from_logits, self.regularizer
            )
        except ValueError as exc:  # e.g. targets a loss cannot take
            self._write(model, old)
            self.optimizer.state = old_state
            raise LabError("bad_target", f"These targets do not fit the loss: {exc}") from None
        new = self._params(model)
        self.pending = (new, self.optimizer.state)
        self._write(model, old)
        self.optimizer.state = old_state
        self.record, self.phase = record, 0

    def commit(self, model: Sequential) -> None:
        """Apply the pending update, unless it would put non-finite or huge numbers in."""
        new, state = self.pending
        self.pending = None
        if not (self.record.finite and params_within(new, self.settings.max_abs_value)):
            self.diverge()
            return
        self._write(model, new)
        self.optimizer.state = state
        self.stepped()

    def stepped(self) -> None:
        self.steps += 1
        if self.after_step is not None:
            self.after_step()

    def diverge(self) -> None:
        """Stop at the last finite weights and say so; the page offers reset.

        The optimizer's state is cleared too: the step that blew up already wrote its huge
        or non-finite gradient into the momentum or Adam's moments.
        """
        self.diverged = True
        self.optimizer.reset()
        self.cancel()

    def check_batch(self, model: Sequential, y: np.ndarray) -> None:
        check_loss_fits(model, self.loss, self.from_logits)
        check_targets(self.loss, y)

    @staticmethod
    def _params(model: Sequential) -> list[dict[str, np.ndarray]]:
        return [{k: p.copy() for k, p in layer.params.items()} for layer in model.layers]

    @staticmethod
    def _keep(model: Sequential, params: list[dict[str, np.ndarray]]) -> None:
        """Copy the model's weights into `params` (arrays of the same shapes), in place."""
        for layer, kept in zip(model.layers, params, strict=True):
            for key, value in layer.params.items():
                np.copyto(kept[key], value)

    @staticmethod
    def _write(model: Sequential, params: list[dict[str, np.ndarray]]) -> None:
        for layer, values in zip(model.layers, params, strict=True):
            for key, value in values.items():
                layer.params[key][...] = value

    @property
    def walking(self) -> bool:
        """An iteration is shown part way, its update not applied yet."""
        return self.pending is not None

    def step_phase(self, model: Sequential, x: np.ndarray, y: np.ndarray) -> None:
        self.diverged = False
        if not self.walking:
            self.begin(model, x, y)
            return
        self.phase += 1
        if self.record.phases[self.phase] == ("update", None):
            self.commit(model)

    def train(
        self,
        model: Sequential,
        batch: Callable[[], tuple[np.ndarray, np.ndarray]],
        steps: int,
        record_last: bool = True,
    ) -> None:
        """Whole iterations: first finish the one being walked, then `steps` in all.

        `batch()` gives each iteration's (x, y) (asked again for every one: a lab may train
        on a new mini-batch each time). Only the last iteration is recorded (the frame shows
        it complete), unless `record_last` is False; the others take the engine's plain
        `train_step`, under the same guard against diverging.
        """
        self.diverged = False
        if self.walking:
            self.finish(model)
            steps -= 1
        if steps <= 0 or self.diverged:
            return
        self.cancel()  # a finished walk no longer matches the weights about to change
        check_loss_fits(model, self.loss, self.from_logits)  # the same for the whole burst
        limit = self.settings.max_abs_value
        plain = steps - 1 if record_last else steps
        if self.after_step is None and burst.fits(model.layers, self.optimizer, self.regularizer):
            if not self.sgd_burst(model, batch, plain, limit):
                return
            plain = 0
        old = self._params(model)  # the weights before each step, to go back to
        # Overflow is what diverging looks like: it is caught below, not warned about. Set
        # once for the burst (entering it costs more than a small network's step).
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for _ in range(plain):
                x, y = batch()
                check_targets(self.loss, y)
                self._keep(model, old)
                value = model.train_step(
                    x, y, self.loss, self.optimizer, self.from_logits, self.regularizer
                )
                if diverged(value, model, limit):
                    self._write(model, old)
                    self.diverge()
                    return
                self.stepped()
        if record_last:
            self.begin(model, *batch())
            self.finish(model)

    def sgd_burst(self, model: Sequential, batch, steps: int, limit: float) -> bool:
        """`steps` plain steps in the engine's tight loop (`engine.burst`: the same numbers
        as `train_step`, several times faster on a small network); False if one diverged."""

        done, start = burst.Burst(scratch=self.scratch), self.steps

        checked_whole: list[np.ndarray] = []  # the arrays the batches are slices of, checked

        def checked() -> tuple[np.ndarray, np.ndarray]:
            self.steps = start + done.done  # a lab's `batch()` picks the step's mini-batch by it
            x, y = batch()
            # A slice of targets already checked whole needs no check (a lab's batches are
            # slices of one epoch's targets, `BatchSampler.take`): once, not every step.
            whole = y.base if isinstance(y.base, np.ndarray) else None
            if whole is None or not any(whole is c for c in checked_whole):
                check_targets(self.loss, y if whole is None else whole)
                if whole is not None:
                    checked_whole.append(whole)
            return x, y

        try:
            loss, logits = self.loss, self.from_logits
            burst.sgd_burst(model.layers, checked, steps, loss, self.optimizer, logits, limit, done)
        finally:
            self.steps = start + done.done
        if done.diverged:
            self.diverge()
        return not done.diverged

    def finish(self, model: Sequential) -> None:
        """Jump to the update phase of the iteration being walked and apply it."""
        self.phase = len(self.record.phases) - 1
        self.commit(model)

    def step_through_view(self) -> StepThroughView | None:
        if self.record is None:
            return None
        return iteration_view(self.record, self.phase)


class StepThroughLab(Lab):
    """A lab whose page trains its `model` on `batch()` with the step-through controls.

    Subclasses create `self.trainer` and `self.model`, implement `batch()` and
    `handle_lesson()`: their own commands, those the step-through controls leave.
    """

    trainable = True
    trainer: Trainer
    model: Sequential

    def batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The inputs (N, n_in) and targets the network trains on."""
        raise NotImplementedError

    def handle(self, command: BaseModel) -> None:
        if not self.handle_training(command):
            self.handle_lesson(command)

    def handle_lesson(self, command: BaseModel) -> None:
        """Apply one of the lesson's own commands (not a step-through one)."""
        raise NotImplementedError

    def handle_training(self, command: BaseModel) -> bool:
        try:
            return self.trainer.handle(command, self.model, self.batch)
        finally:
            self.sync()

    def train(self, steps: int) -> None:
        try:
            self.trainer.train(self.model, self.batch, steps)
        finally:
            self.sync()

    def sync(self) -> None:
        """The session reads step_count and diverged from the lab itself."""
        self.step_count = self.trainer.steps
        self.diverged = self.trainer.diverged
