"""What the B.7 page draws: the frame model, and `RnnRendering`, the part of `RnnLab` that
renders it from the three networks (one unrolled, the gradients through time of all three,
the cell equations with the engine's numbers)."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.base import CHANGES, Parts
from neural_playground.app.labs.common.examples import left_example
from neural_playground.app.labs.common.numbers import rounded
from neural_playground.app.labs.rnn.commands import LossHistory, RnnSettings
from neural_playground.app.labs.rnn.presets import PRESETS
from neural_playground.app.labs.rnn.tasks import MIN_LENGTH
from neural_playground.engine.activations import sigmoid, softmax
from neural_playground.engine.layers.recurrent import CELL_NAMES

DECIMALS = 4  # rounding of the per-step arrays in a frame: the page shows 3


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
    diverged: str | None  # the network that diverged (engine.guard)


class RnnRendering:
    """The part of `RnnLab` that renders the frame of what the page shows."""

    def frame(self, parts: Parts = CHANGES) -> RnnFrame:
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
        example = None if self.preset is None else RnnSettings(**PRESETS[self.preset])
        return left_example(self.config, example, self.step_count > 0, self.VIEW_SETTINGS)

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
            output = rounded(softmax(out[0]), DECIMALS, keep_nonfinite=True)
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
            inputs=rounded(trace["x"][0], DECIMALS, keep_nonfinite=True),
            h=rounded(trace["h"][0], DECIMALS, keep_nonfinite=True),
            c=rounded(trace["c"][0], DECIMALS, keep_nonfinite=True) if "c" in trace else None,
            gates={
                name: rounded(trace[name][0], DECIMALS, keep_nonfinite=True)
                for name in layer.GATE_TRACES
            },
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
