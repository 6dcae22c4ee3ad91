"""B.7 "Recurrent networks": an RNN, an LSTM and a GRU learn the same sequence task side by side.

The three networks see the same batches. The page shows one of them unrolled through time
(inputs, hidden states, the LSTM's cell state, every gate), the gradient norm that reached
each time step in the last backward pass for all three (vanishing in the plain RNN,
exploding with large recurrent weights, capped by clipping), the cell equations with the
engine's numbers for one chosen step and unit, and what the engine measured: parameter
counts, time per training step and accuracy.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.rnn.commands import (
    HISTORY_POINTS,
    Focus,
    LoadPreset,
    LossHistory,
    Randomize,
    RnnSettings,
    RnnState,
    SetCell,
    SetClip,
    SetCursor,
    SetHidden,
    SetLength,
    SetMemoryBias,
    SetOptimizer,
    SetRecurrentScale,
    SetSample,
    SetSymbols,
    SetTask,
)
from neural_playground.app.labs.rnn.frame import (
    GradientRecord,
    RnnRendering,
)
from neural_playground.app.labs.rnn.presets import PRESETS
from neural_playground.app.labs.rnn.tasks import DEFAULT_LENGTH, MIN_LENGTH, Task, make_task
from neural_playground.app.protocol import LabError, command_adapter
from neural_playground.engine.guard import diverged
from neural_playground.engine.layers.recurrent import CELL_NAMES, Recurrent
from neural_playground.engine.losses import get_loss
from neural_playground.engine.metrics import accuracy
from neural_playground.engine.model import Sequential, recurrent_layer, sequence_model
from neural_playground.engine.optimizers import Optimizer

TIMING_SMOOTHING = 0.1  # weight of the newest step in the running time per step


def refuse_past(index: int, count: int, code: str, message: str, /, **detail: int) -> None:
    """Refuse an index at or past the end of `count` things (an example, a time step, a
    unit); the page's catalog gets `detail` and the last index there is."""
    if index >= count:
        raise LabError(code, message, **detail, last=count - 1)


class RnnLab(RnnRendering, Lab):
    name = "rnn"
    trainable = True
    commands = command_adapter(
        SetTask,
        SetCell,
        SetHidden,
        SetLength,
        SetSymbols,
        SetRecurrentScale,
        SetMemoryBias,
        SetClip,
        SetOptimizer,
        Randomize,
        SetSample,
        SetCursor,
        Focus,
        LoadPreset,
    )
    State = RnnState

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.config = RnnSettings()
        self.preset: str | None = None
        self.build()

    # --- building -------------------------------------------------------------------------

    def build(self) -> None:
        """Fresh data and networks for the current settings (training starts over)."""
        c = self.config
        self.task: Task = make_task(c.task, c.length, c.symbols, c.seed)
        self.fit_view_to_task()
        self.models: dict[str, Sequential] = {
            cell: sequence_model(
                cell,
                self.task.n_in,
                c.hidden,
                self.task.n_out,
                recurrent_scale=c.recurrent_scale,
                clip_norm=c.clip,
                memory_bias=None if cell == "rnn" else c.memory_bias,
                seed=c.seed,
            )
            for cell in CELL_NAMES
        }
        self.step_count = 0
        self.diverged = False
        self.diverged_cell: str | None = None
        self.history = LossHistory(loss={cell: [] for cell in CELL_NAMES})
        self.stride = 1  # record every stride-th step's loss
        self.timing = {cell: (None, 0) for cell in CELL_NAMES}
        self.new_optimizers()
        self.measure_gradients()
        self.evaluate()

    def new_optimizers(self) -> None:
        c = self.config
        self.optimizers = {
            cell: Optimizer(c.optimizer, learning_rate=c.learning_rate) for cell in CELL_NAMES
        }

    def recurrent(self, cell: str) -> Recurrent:
        return recurrent_layer(self.models[cell])

    def record_gradients(self, cell: str) -> None:
        trace = self.recurrent(cell).cache
        norms = trace["grad_norm"]
        with np.errstate(all="ignore"):
            ratio = norms[0] / norms[-1] if norms[-1] > 0 else math.nan
        self.bptt[cell] = GradientRecord(
            grad_norm=norms.tolist(),
            grad_norm_raw=trace["grad_norm_raw"].tolist(),
            clipped=(trace["clipped"] > 0).tolist(),
            first_to_last=float(ratio) if math.isfinite(ratio) else None,
        )

    def measure_gradients(self) -> None:
        """BPTT on the next batch without updating: the gradients at the current weights."""
        self.bptt: dict[str, GradientRecord] = {}
        x, y = self.task.batch(self.step_count)
        loss = get_loss(self.task.loss)
        kw = {"from_logits": True} if self.task.from_logits else {}
        for cell, model in self.models.items():
            _, dout = loss(model.forward(x), y, **kw)
            model.backward(dout)
            self.record_gradients(cell)

    def evaluate(self) -> None:
        """Loss and accuracy of each network on the task's fixed evaluation set."""
        loss = get_loss(self.task.loss)
        kw = {"from_logits": True} if self.task.from_logits else {}
        self.metrics: dict[str, tuple[float | None, float | None]] = {}
        for cell, model in self.models.items():
            out = model.predict(self.task.eval_x)
            with np.errstate(all="ignore"):  # huge but finite weights may overflow the loss
                value = loss(out, self.task.eval_y, **kw)[0]
            acc = accuracy(out, self.task.eval_y) if self.task.classification else None
            self.metrics[cell] = (value if math.isfinite(value) else None, acc)

    # --- commands -------------------------------------------------------------------------

    def reset(self) -> None:
        self.build()

    def handle(self, command: BaseModel) -> None:
        c = self.config
        match command:
            case SetTask(task=task):
                self.reconfigure(task=task, length=DEFAULT_LENGTH[task], sample=0, cursor=None)
            case SetCell(cell=cell):
                self.config = c.model_copy(update={"cell": cell})
            case SetHidden(hidden=hidden):
                self.check_hidden(hidden)
                self.reconfigure(hidden=hidden)
            case SetLength(length=length):
                self.check_length(c.task, length)
                self.reconfigure(length=length, cursor=None)
            case SetSymbols(symbols=symbols):
                self.check_symbols(symbols)
                self.reconfigure(symbols=symbols)
            case SetRecurrentScale(scale=scale):
                self.reconfigure(recurrent_scale=scale)
            case SetMemoryBias(bias=bias):
                self.reconfigure(memory_bias=bias)
            case SetClip(clip=clip):
                self.config = c.model_copy(update={"clip": clip})
                for cell in CELL_NAMES:
                    self.recurrent(cell).clip_norm = clip
                self.measure_gradients()
            case SetOptimizer(name=name, learning_rate=rate):
                self.config = c.model_copy(update={"optimizer": name, "learning_rate": rate})
                if name != c.optimizer:
                    self.new_optimizers()
                else:  # same rule: keep its momentum, change the step size
                    for optimizer in self.optimizers.values():
                        optimizer.learning_rate = rate
            case Randomize(seed=seed):
                self.reconfigure(seed=seed)
            case LoadPreset(name=name):
                self.config = RnnSettings(**PRESETS[name])
                self.preset = name
                self.build()
            case SetSample(index=index):
                count = len(self.task.eval_x)
                message = f"There are {count} examples: choose 0 to {count - 1}."
                refuse_past(index, count, "rnn_sample", message, count=count)
                self.config = c.model_copy(update={"sample": index, "cursor": None})
            case SetCursor(steps=steps):
                self.check_step(steps - 1)
                self.config = c.model_copy(update={"cursor": steps})
            case Focus(step=step, unit=unit):
                self.check_step(step)
                message = f"The network has {c.hidden} hidden units (0 to {c.hidden - 1})."
                refuse_past(unit, c.hidden, "rnn_unit", message, hidden=c.hidden)
                self.config = c.model_copy(update={"focus_step": step, "focus_unit": unit})
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    def reconfigure(self, **changes: Any) -> None:
        """Change settings that need new networks (or data), then rebuild."""
        self.config = self.config.model_copy(update=changes)
        self.build()

    def fit_view_to_task(self) -> None:
        """Keep the shown example, cursor and focus inside the (possibly shorter) new task."""
        c, task = self.config, self.task
        self.config = c.model_copy(
            update={
                "sample": c.sample if c.sample < len(task.eval_x) else 0,
                "cursor": None if c.cursor is None else min(c.cursor, task.length),
                "focus_step": min(c.focus_step, task.length - 1),
                "focus_unit": min(c.focus_unit, c.hidden - 1),
            }
        )

    def check_hidden(self, hidden: int) -> None:
        limit = self.settings.rnn_max_hidden
        if not 1 <= hidden <= limit:
            raise LabError("rnn_hidden", f"Hidden units: 1 to {limit} on this server.", limit=limit)

    def check_length(self, task: str, length: int) -> None:
        if task == "words":
            raise LabError("rnn_fixed_length", "The next-word phrases always have two words.")
        low, limit = MIN_LENGTH[task], self.settings.rnn_max_length
        if not low <= length <= limit:
            raise LabError(
                "rnn_length",
                f"Sequence length: {low} to {limit} on this server.",
                low=low,
                limit=limit,
            )

    def check_symbols(self, symbols: int) -> None:
        limit = self.settings.rnn_max_symbols
        if not 2 <= symbols <= limit:
            raise LabError("rnn_symbols", f"Symbols: 2 to {limit} on this server.", limit=limit)

    def check_step(self, step: int) -> None:
        length = self.task.length
        message = f"This sequence has {length} time steps (0 to {length - 1})."
        refuse_past(step, length, "rnn_step", message, length=length)

    # --- training ------------------------------------------------------------------------

    @classmethod
    def steps_per_request(cls, settings) -> int:
        return min(settings.max_steps_per_request, settings.rnn_max_steps_per_request)

    def train(self, steps: int) -> None:
        """Each step trains all three networks on the same batch; at most the setting's cap.

        Overflow is expected on the way to divergence (that is what this page shows), so
        NumPy's warnings are silenced here and the loss and weights checked instead.
        """
        with np.errstate(all="ignore"):
            self.train_steps(min(steps, self.settings.rnn_max_steps_per_request))
        self.evaluate()

    def train_steps(self, steps: int) -> None:
        loss = self.task.loss
        from_logits = self.task.from_logits
        for _ in range(steps):
            x, y = self.task.batch(self.step_count)
            losses = {}
            for cell, model in self.models.items():
                backup = [p.copy() for layer in model.layers for p in layer.params.values()]
                started = time.perf_counter()
                value = model.train_step(x, y, loss, self.optimizers[cell], from_logits)
                self.time_step(cell, time.perf_counter() - started)
                if diverged(value, model, self.settings.max_abs_value):
                    # Back to the last finite weights, with fresh optimizer moments.
                    self.restore_params(model, backup)
                    self.optimizers[cell].reset()
                    self.diverged, self.diverged_cell = True, cell
                    return
                self.record_gradients(cell)
                losses[cell] = value
            self.step_count += 1
            self.remember(losses)

    @staticmethod
    def restore_params(model: Sequential, backup: list[np.ndarray]) -> None:
        params = [p for layer in model.layers for p in layer.params.values()]
        for param, saved in zip(params, backup, strict=True):
            param[...] = saved

    def time_step(self, cell: str, seconds: float) -> None:
        average, count = self.timing[cell]
        ms = 1000.0 * seconds
        average = (
            ms if average is None else (1 - TIMING_SMOOTHING) * average + TIMING_SMOOTHING * ms
        )
        self.timing[cell] = (average, count + 1)

    def remember(self, losses: dict[str, float]) -> None:
        """Keep every stride-th loss; when full, drop every other point and double the stride."""
        if self.step_count % self.stride:
            return
        h = self.history
        h.steps.append(self.step_count)
        for cell, value in losses.items():
            h.loss[cell].append(value)
        if len(h.steps) >= 2 * HISTORY_POINTS:
            h.steps[:] = h.steps[1::2]
            for values in h.loss.values():
                values[:] = values[1::2]
            self.stride *= 2

    # --- whole state ---------------------------------------------------------------------

    def snapshot(self) -> RnnState:
        return RnnState(
            settings=self.config,
            preset=self.preset,
            step=self.step_count,
            weights={cell: model.get_weights() for cell, model in self.models.items()},
            history=self.history.model_copy(deep=True),
        )

    def restore(self, state: RnnState) -> None:
        c = state.settings
        self.check_hidden(c.hidden)
        self.check_symbols(c.symbols)
        if c.task != "words":
            self.check_length(c.task, c.length)
        elif c.length != DEFAULT_LENGTH["words"]:
            raise LabError(
                "bad_state", "The next-word phrases always have two words.", detail="length"
            )
        if set(state.weights) != set(CELL_NAMES):
            raise LabError(
                "bad_state", "Weights are needed for rnn, lstm and gru.", detail="weights"
            )
        history = state.history
        if set(history.loss) != set(CELL_NAMES) or any(
            len(values) != len(history.steps) for values in history.loss.values()
        ):
            raise LabError(
                "bad_state", "One loss per recorded step is needed for each network.",
                detail="history",
            )  # fmt: skip
        previous = self.config
        self.config = c
        try:
            self.build()
            for cell, model in self.models.items():
                model.set_weights(state.weights[cell])
        except ValueError as exc:
            self.config = previous
            self.build()
            raise LabError("bad_state", f"The weights do not fit: {exc}", detail=str(exc)) from None
        self.step_count = state.step
        self.preset = state.preset
        self.history = history.model_copy(deep=True)
        gaps = np.diff(self.history.steps)
        self.stride = int(gaps.max()) if gaps.size else 1
        self.measure_gradients()
        self.evaluate()
