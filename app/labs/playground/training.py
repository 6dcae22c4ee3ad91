"""Training and measuring on the playground: `PlaygroundTraining`, the part of
`PlaygroundLab` that runs guarded iterations on mini-batches, measures loss and accuracy over
every point (in one pass, cached per step) and keeps the loss curve."""

import math
import time

import numpy as np

from neural_playground.engine.activations import sigmoid
from neural_playground.engine.layers.dense import dense_stack_outputs
from neural_playground.engine.losses import evaluate, sample_losses
from neural_playground.engine.metrics import accuracy, correct

#: Loss-curve points kept; beyond this, every other one is dropped (the curve's shape stays).
HISTORY_LIMIT = 1000


def mean_of(values: np.ndarray) -> float:
    """The mean, NaN for no values (a data set without test points)."""
    # sum / n is what np.mean computes (the same number), without its Python-level wrapper:
    # four means a frame, in every frame of a full room.
    return float(values.sum()) / len(values) if len(values) else math.nan


class PlaygroundTraining:
    """Training and measuring for PlaygroundLab."""

    def training_batch(self, step: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Features (B, F) and targets of the batch that step `step` (default: next) trains on."""
        step = self.trainer.steps if step is None else step
        x, y = self.sampler.take(step, self.train_features, self.train_targets)
        return x, y

    batch = training_batch  # what the step-through trains on

    def train(self, steps: int) -> None:
        """`steps` iterations, each on the next mini-batch. One iteration alone is recorded
        for the step-through; a burst (playing) is not, so its frames stay small."""
        self.guarded(lambda: self.trainer.train(self.model, self.batch, steps, steps == 1))

    def play(self, steps: int, light: bool = False) -> None:
        """Training while playing: nothing is recorded for the step-through (a stream of
        iterations is shown, not one; recording one costs more than the step itself). Before
        a light frame (a full room) the losses over every point are measured every other
        burst only: they cost more than a step, and the curve keeps its shape."""
        measure = not light or self.unmeasured > 0
        self.guarded(lambda: self.trainer.train(self.model, self.batch, steps, False), measure)

    def guarded(self, run, measure: bool = True) -> None:
        """Train, then record the losses of every point (unless not `measure`: the next
        frame then shows the last ones measured). The trainer stops at the last finite
        weights when a step blows up; if the weights are finite but the loss over all the
        training points is not, everything goes back to where this call started. Either way
        the lab is marked diverged: the page never sees NaN."""
        start_step = self.trainer.steps
        saved = [{k: p.copy() for k, p in layer.params.items()} for layer in self.model.layers]
        try:
            run()
        finally:
            self.sync()
        if self.step_count == start_step:
            return
        self.measure_seconds = 0.0
        if not measure:
            self.unmeasured += 1
            return
        self.unmeasured = 0
        started = time.perf_counter()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            healthy = self.record()
        self.measure_seconds = time.perf_counter() - started
        if not healthy:
            self.metrics_cache = None
            self.model.set_weights(saved)
            self.trainer.steps = start_step
            self.trainer.diverge()
            self.sync()

    def evaluate(self, features: np.ndarray, targets: np.ndarray) -> tuple[float, float | None]:
        """Data loss (no penalty) and accuracy (None for regression) over a set of points."""
        return self.score(self.model.predict(features), targets)

    def score(self, logits: np.ndarray, targets: np.ndarray) -> tuple[float, float | None]:
        """Data loss and accuracy of the network's outputs for a set of points."""
        if not len(targets):
            return math.nan, None
        loss = evaluate(self.loss_name, logits, targets, self.from_logits)[0]
        if self.data.problem == "regression":
            return loss, None
        scores = sigmoid(logits) if self.data.problem == "binary" else logits
        return loss, accuracy(scores, targets)

    def metrics(self, fresh: bool = True) -> dict[str, float | None]:
        """Train and test loss and accuracy, and the penalty; non-finite values become None.

        Cached until the next command or training step: a frame right after `train` reuses
        what `record` computed. Not `fresh`: the last ones measured, if any, whatever the
        step (a light frame after a burst that measured nothing, see `play`).
        """
        cache = self.metrics_cache
        if cache is not None and (cache[0] == self.step_count or not fresh):
            return cache[1]
        # Every point in one pass (a frame's metrics are most of a crowded server's work):
        # each point's loss and whether it is classified right, then the means of each set.
        # The pure forward functions: the numbers of `model.predict`, without its bookkeeping.
        logits = dense_stack_outputs(self.model.layers, self.all_features, np.float64)[-1]
        terms = sample_losses(self.loss_name, logits, self.all_targets, self.from_logits)
        right = None
        if self.data.problem != "regression":  # a logit above 0 is a probability above 0.5
            right = correct(logits, self.all_targets, 0.0 if self.from_logits else 0.5)
        n_train = len(self.train_targets)
        sets = {"train": slice(None, n_train), "test": slice(n_train, None)}
        values = {f"{name}_loss": mean_of(terms[part]) for name, part in sets.items()}
        for name, part in sets.items():
            values[f"{name}_accuracy"] = None if right is None else mean_of(right[part])
        values["penalty"] = self.regularizer.penalty(self.model) if self.regularizer else 0.0
        finite = {k: v if v is not None and math.isfinite(v) else None for k, v in values.items()}
        self.metrics_cache = (self.step_count, finite)
        return finite

    def record(self) -> bool:
        """Append the current losses to the curve; False if the training loss is not finite."""
        m = self.metrics()
        if m["train_loss"] is None:
            return False
        point = (self.step_count, m["train_loss"], m["test_loss"])
        if self.history and self.history[-1][0] == self.step_count:
            self.history[-1] = point
        else:
            self.history.append(point)
        if len(self.history) > HISTORY_LIMIT:
            # Thin the curve evenly, always keeping the newest point.
            self.history = [*self.history[-2::-2][::-1], self.history[-1]]
            self.changed.add("history")
        return True
