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
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from app.labs.common.base import Lab
from app.labs.rnn.presets import PRESETS
from app.labs.rnn.tasks import DEFAULT_LENGTH, MIN_LENGTH, TASK_NAMES, Task, make_task
from app.protocol import FiniteFloat, LabError, Message, command_adapter
from engine.activations import sigmoid
from engine.layers.recurrent import CELL_NAMES, Recurrent
from engine.losses import get_loss
from engine.metrics import accuracy
from engine.model import Sequential, recurrent_layer, sequence_model
from engine.optimizers import OPTIMIZER_NAMES, Optimizer

TaskName = Literal[TASK_NAMES]  # type: ignore[valid-type]
CellName = Literal[CELL_NAMES]  # type: ignore[valid-type]
OptimizerName = Literal[OPTIMIZER_NAMES]  # type: ignore[valid-type]
PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]

# Ranges shared by the commands and the saved settings.
Scale = Annotated[float, Field(gt=0, le=8)]
MemoryBias = Annotated[float, Field(ge=-5, le=8)]
ClipNorm = Annotated[FiniteFloat, Field(gt=0, le=1e6)]
LearningRate = Annotated[float, Field(gt=0, le=10)]
Seed = Annotated[int, Field(ge=0, le=2**32 - 1)]

HISTORY_POINTS = 120  # loss points kept per network; older ones are thinned out
TIMING_SMOOTHING = 0.1  # weight of the newest step in the running time per step
DECIMALS = 4  # rounding of the per-step arrays in a frame: the page shows 3


# --- commands -----------------------------------------------------------------------------


class SetTask(Message):
    type: Literal["set_task"]
    task: TaskName


class SetCell(Message):
    """Which of the three networks the unrolled view, gates and equations show."""

    type: Literal["set_cell"]
    cell: CellName


class SetHidden(Message):
    type: Literal["set_hidden"]
    hidden: int = Field(ge=1)


class SetLength(Message):
    """Series: days in the window; memory: steps N between the symbol and the question."""

    type: Literal["set_length"]
    length: int = Field(ge=1)


class SetSymbols(Message):
    type: Literal["set_symbols"]
    symbols: int = Field(ge=2)


class SetRecurrentScale(Message):
    """Rebuild with the recurrent weights' singular values all equal to `scale`."""

    type: Literal["set_recurrent_scale"]
    scale: Scale


class SetMemoryBias(Message):
    """Rebuild with this starting bias of the LSTM forget gate and the GRU update gate."""

    type: Literal["set_memory_bias"]
    bias: MemoryBias


class SetClip(Message):
    """Clip ||dL/dh_t|| at every step of backpropagation through time (null: off)."""

    type: Literal["set_clip"]
    clip: ClipNorm | None


class SetOptimizer(Message):
    type: Literal["set_optimizer"]
    name: OptimizerName
    learning_rate: LearningRate


class Randomize(Message):
    """Fresh weights and data from a seed."""

    type: Literal["randomize"]
    seed: Seed = 0


class SetSample(Message):
    """Which example of the evaluation set to unroll."""

    type: Literal["set_sample"]
    index: int = Field(ge=0)


class SetCursor(Message):
    """Run the forward pass for the first `steps` time steps only (step through time)."""

    type: Literal["set_cursor"]
    steps: int = Field(ge=1)


class LoadPreset(Message):
    """One of the examples: its settings, fresh networks, training from step 0."""

    type: Literal["load_preset"]
    name: PresetName


class Focus(Message):
    """The time step and hidden unit whose equations are written out."""

    type: Literal["focus"]
    step: int = Field(ge=0)
    unit: int = Field(ge=0)


# --- whole state --------------------------------------------------------------------------


class RnnSettings(Message):
    task: TaskName = "words"
    cell: CellName = "lstm"
    hidden: int = Field(8, ge=1, le=256)
    length: int = Field(DEFAULT_LENGTH["words"], ge=1, le=1000)
    symbols: int = Field(3, ge=2, le=16)
    recurrent_scale: Scale = 1.0
    memory_bias: MemoryBias = 3.0
    clip: ClipNorm | None = None
    optimizer: OptimizerName = "adam"
    learning_rate: LearningRate = 0.02
    seed: Seed = 0
    sample: int = Field(0, ge=0)
    cursor: int | None = Field(None, ge=1)  # None: every step
    focus_step: int = Field(0, ge=0)
    focus_unit: int = Field(0, ge=0)


Weights = list[dict[str, list[list[FiniteFloat]] | list[FiniteFloat]]]


Losses = Annotated[list[FiniteFloat], Field(max_length=2 * HISTORY_POINTS)]


class LossHistory(Message):
    """Training loss of each network at the recorded steps (thinned out as it grows)."""

    steps: list[int] = Field(default_factory=list, max_length=2 * HISTORY_POINTS)
    loss: dict[CellName, Losses] = Field(default_factory=dict)


class RnnState(Message):
    """Settings, training step, the three networks' weights and their loss curves.

    Optimizer moments are not kept: a restored page trains on with fresh ones.
    """

    settings: RnnSettings
    preset: PresetName | None = None  # the example last loaded
    step: int = Field(0, ge=0)
    weights: dict[CellName, Weights]
    history: LossHistory = Field(default_factory=LossHistory)


# --- the frame ----------------------------------------------------------------------------


class GradientRecord(BaseModel):
    """Backpropagation through time in the last backward pass, one entry per time step."""

    grad_norm: list[float]  # ||dL/dh_t|| that flowed on (after clipping)
    grad_norm_raw: list[float]  # before clipping
    clipped: list[bool]
    first_to_last: float | None  # ||dL/dh_0|| / ||dL/dh_T-1||: below 1 vanishing, above exploding


class CellStats(BaseModel):
    params: int
    loss: float | None  # on the evaluation set
    accuracy: float | None  # classification tasks
    ms_per_step: float | None  # measured by this server, running average
    measured_steps: int


class GateTerm(BaseModel):
    """One gate (or candidate) for the chosen step and unit: activation(xw + hw + b)."""

    name: str
    activation: Literal["sigmoid", "tanh"]
    xw: float  # x_t · W (the input's part)
    hw: float  # h_{t-1} · U (the memory's part; GRU candidate: (r * h_{t-1}) · U)
    b: float
    a: float  # the sum
    value: float  # after the activation


class Equation(BaseModel):
    cell: str
    step: int
    unit: int
    gates: list[GateTerm]
    h_prev: float
    h: float
    c_prev: float | None = None  # LSTM
    c: float | None = None
    tanh_c: float | None = None
    keep: float | None = None  # LSTM f * c_prev; GRU z * h_prev
    write: float | None = None  # LSTM i * g; GRU (1 - z) * n


class Unroll(BaseModel):
    """The chosen example run forward for the first `steps` of its `length` time steps."""

    index: int
    count: int  # examples to choose from
    length: int
    steps: int
    tokens: list[str | None]  # per step, every step (the input is known before running)
    values: list[float] | None  # per step, series prices
    inputs: list[list[float]]  # (steps, D) what the network received
    h: list[list[float]]  # (steps, H)
    c: list[list[float]] | None  # (steps, H), LSTM
    gates: dict[str, list[list[float]]]  # gate name -> (steps, H)
    target: str | float
    output: list[float] | None  # class probabilities, once every step has run
    prediction: str | float | None


class SeriesView(BaseModel):
    prices: list[float]
    first: int  # day of the first prediction
    predictions: list[float | None]  # the shown network's next-day prediction per window


class RnnFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: Literal["rnn"] = "rnn"
    preset: str | None  # the example last loaded
    modified: bool  # trained since, or its networks or data set up differently
    settings: RnnSettings
    limits: dict[str, int]
    step: int
    note: str | None  # catalog key
    memory_gate_start: float  # sigmoid(memory_bias): how open the keep gates start
    vocabulary: list[str] | None
    translate_vocabulary: bool
    unroll: Unroll
    equation: Equation
    bptt: dict[str, GradientRecord]
    cells: dict[str, CellStats]
    history: LossHistory
    series: SeriesView | None
    diverged: str | None  # the network whose loss stopped being finite


# --- helpers ------------------------------------------------------------------------------


def rounded(array: np.ndarray) -> list:
    return np.round(array, DECIMALS).tolist()


def all_finite(model: Sequential) -> bool:
    return all(np.all(np.isfinite(p)) for layer in model.layers for p in layer.params.values())


class RnnLab(Lab):
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
                if index >= count:
                    raise LabError(
                        "rnn_sample",
                        f"There are {count} examples: choose 0 to {count - 1}.",
                        count=count,
                        last=count - 1,
                    )
                self.config = c.model_copy(update={"sample": index, "cursor": None})
            case SetCursor(steps=steps):
                self.check_step(steps - 1)
                self.config = c.model_copy(update={"cursor": steps})
            case Focus(step=step, unit=unit):
                self.check_step(step)
                if unit >= c.hidden:
                    raise LabError(
                        "rnn_unit",
                        f"The network has {c.hidden} hidden units (0 to {c.hidden - 1}).",
                        hidden=c.hidden,
                        last=c.hidden - 1,
                    )
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
        if step >= length:
            raise LabError(
                "rnn_step",
                f"This sequence has {length} time steps (0 to {length - 1}).",
                length=length,
                last=length - 1,
            )

    # --- training ------------------------------------------------------------------------

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
                if not (math.isfinite(value) and all_finite(model)):
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
        for weights in state.weights.values():
            for layer in weights:
                for values in layer.values():
                    for row in values:
                        for value in row if isinstance(row, list) else [row]:
                            self.check_value(value, "weight")
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

    # --- the frame -----------------------------------------------------------------------

    def frame(self) -> RnnFrame:
        # Near divergence the weights can be huge: overflow becomes inf, sent as null.
        with np.errstate(all="ignore"):
            return self.render()

    def render(self) -> RnnFrame:
        c = self.config
        task = self.task
        out, trace = self.run_sample()
        return RnnFrame(
            preset=self.preset,
            modified=self.modified(),
            settings=c,
            limits={
                "max_hidden": self.settings.rnn_max_hidden,
                "max_length": self.settings.rnn_max_length,
                "max_symbols": self.settings.rnn_max_symbols,
                "min_length": MIN_LENGTH[c.task],
            },
            step=self.step_count,
            note="note.rnn_jumin" if c.task == "words" else None,
            memory_gate_start=float(sigmoid(np.float64(c.memory_bias))),
            vocabulary=task.vocabulary,
            translate_vocabulary=task.translate_vocabulary,
            unroll=self.unroll(out, trace),
            equation=self.equation(trace),
            bptt=self.bptt,
            cells={cell: self.stats(cell) for cell in CELL_NAMES},
            history=self.history,
            series=self.series_view(),
            diverged=self.diverged_cell if self.diverged else None,
        )

    #: Settings that only choose what is shown: changing them leaves the example as it was.
    VIEW_SETTINGS = frozenset({"cell", "sample", "cursor", "focus_step", "focus_unit"})

    def modified(self) -> bool:
        """Trained since the example was loaded, or set up differently."""
        if self.preset is None:
            return False
        example = RnnSettings(**PRESETS[self.preset]).model_dump(exclude=self.VIEW_SETTINGS)
        return self.step_count > 0 or self.config.model_dump(exclude=self.VIEW_SETTINGS) != example

    def stats(self, cell: str) -> CellStats:
        loss, acc = self.metrics[cell]
        ms, count = self.timing[cell]
        return CellStats(
            params=self.models[cell].n_params,
            loss=loss,
            accuracy=acc,
            ms_per_step=ms,
            measured_steps=count,
        )

    def shown_steps(self) -> int:
        c = self.config
        return self.task.length if c.cursor is None else min(c.cursor, self.task.length)

    def run_sample(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The forward pass of the shown network over the first `shown_steps` of the example."""
        c = self.config
        x = self.task.eval_x[c.sample : c.sample + 1, : self.shown_steps()]
        model = self.models[c.cell]
        out = model.forward(x)
        return out, self.recurrent(c.cell).trace()

    def unroll(self, out: np.ndarray, trace: dict[str, np.ndarray]) -> Unroll:
        c = self.config
        task = self.task
        steps = self.shown_steps()
        complete = steps == task.length
        output = prediction = None
        if complete and task.classification:
            probabilities = np.exp(out[0] - out[0].max())
            probabilities /= probabilities.sum()
            output = rounded(probabilities)
            prediction = task.vocabulary[int(np.argmax(out[0]))]
        elif complete:
            prediction = float(task.price(out[0, 0]))
        layer = self.recurrent(c.cell)
        return Unroll(
            index=c.sample,
            count=len(task.eval_x),
            length=task.length,
            steps=steps,
            tokens=task.tokens(c.sample),
            values=task.values(c.sample),
            inputs=rounded(trace["x"][0]),
            h=rounded(trace["h"][0]),
            c=rounded(trace["c"][0]) if "c" in trace else None,
            gates={name: rounded(trace[name][0]) for name in layer.GATE_TRACES},
            target=task.target(c.sample),
            output=output,
            prediction=prediction,
        )

    def equation(self, trace: dict[str, np.ndarray]) -> Equation:
        """The chosen step and unit of the shown network, from its step cache."""
        c = self.config
        layer = self.recurrent(c.cell)
        t = min(c.focus_step, self.shown_steps() - 1)
        j = c.focus_unit
        at = {key: value[0, t] for key, value in trace.items()}
        bias = layer.params["b"]

        def term(name: str, activation: str, value_key: str) -> GateTerm:
            return GateTerm(
                name=name,
                activation=activation,
                xw=float(layer.gate(at["xw"], name)[j]),
                hw=float(layer.gate(at["hw"], name)[j]),
                b=float(layer.gate(bias, name)[j]),
                a=float(layer.gate(at["a"], name)[j]),
                value=float(at[value_key][j]),
            )

        h_prev, h = float(at["h_prev"][j]), float(at["h"][j])
        if c.cell == "rnn":
            return Equation(
                cell="rnn", step=t, unit=j, gates=[term("h", "tanh", "h")], h_prev=h_prev, h=h
            )
        if c.cell == "lstm":
            f, i, g = (float(at[k][j]) for k in "fig")
            c_prev = float(at["c_prev"][j])
            return Equation(
                cell="lstm",
                step=t,
                unit=j,
                gates=[
                    term("f", "sigmoid", "f"),
                    term("i", "sigmoid", "i"),
                    term("g", "tanh", "g"),
                    term("o", "sigmoid", "o"),
                ],
                h_prev=h_prev,
                h=h,
                c_prev=c_prev,
                c=float(at["c"][j]),
                tanh_c=float(at["tc"][j]),
                keep=f * c_prev,
                write=i * g,
            )
        z, n = float(at["z"][j]), float(at["n"][j])
        return Equation(
            cell="gru",
            step=t,
            unit=j,
            gates=[term("z", "sigmoid", "z"), term("r", "sigmoid", "r"), term("n", "tanh", "n")],
            h_prev=h_prev,
            h=h,
            keep=z * h_prev,
            write=(1.0 - z) * n,
        )

    def series_view(self) -> SeriesView | None:
        if self.config.task != "series":
            return None
        task = self.task
        out = self.models[self.config.cell].predict(task.eval_x)
        predictions = task.price(out[:, 0])
        if not np.all(np.isfinite(predictions)):
            predictions = np.full_like(predictions, np.nan)
        return SeriesView(
            prices=np.round(task.prices, 2).tolist(),
            first=task.length,
            predictions=[p if math.isfinite(p) else None for p in np.round(predictions, 3)],
        )
