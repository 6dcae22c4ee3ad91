"""What the B.5 page draws: the frame model, and `BatchNormRendering`, the part of
`BatchNormLab` that probes both networks (histograms before and after each activation, the
loss curves, the batch-norm formula with the engine's numbers) and renders them."""

from typing import Literal

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.batchnorm.commands import Config, Mode, Selection, View
from neural_playground.app.labs.batchnorm.networks import (
    BINS,
    CHART_DECIMALS,
    N_POINTS,
    OUTPUT_RANGE,
    RUNS,
    finite,
    probe,
)
from neural_playground.app.labs.batchnorm.presets import PRESETS
from neural_playground.app.labs.common.base import CHANGES, Parts
from neural_playground.app.labs.common.examples import left_example
from neural_playground.app.labs.common.numbers import rounded
from neural_playground.engine.histogram import counts, shared_edges
from neural_playground.engine.layers import BatchNorm
from neural_playground.engine.losses import binary_crossentropy


class LayerHistogram(BaseModel):
    counts: list[int]
    nonfinite: int  # values that were NaN or infinite (not in any bin)
    mean: float | None
    std: float | None


class RunFrame(BaseModel):
    name: str
    loss: float | None  # over the whole data set, in the frame's mode
    accuracy: float | None
    layers: list[LayerHistogram]


class Curve(BaseModel):
    steps: list[int]
    plain: list[float]
    batchnorm: list[float]


class Formula(BaseModel):
    """One neuron of the batch-normalized run on one batch: Z = (X - U) / S, out = Γ Z + B."""

    layer: int
    neuron: int
    batch: int
    sample: int
    mode: Mode
    batch_values: list[float | None]  # the neuron's X over the whole batch
    x: float | None  # X of the chosen sample
    u: float | None  # U used: the batch mean (train) or the running mean (eval)
    var: float | None  # the variance under S's root
    s: float | None  # S used = sqrt(var + eps)
    z: float | None
    gamma: float | None
    beta: float | None
    out: float | None  # Γ Z + B, what enters the activation function
    activation: str
    a: float | None  # f(out)
    eps: float
    batch_mean: float | None  # the batch's own statistics ...
    batch_std: float | None
    running_mean: float | None  # ... and the running ones, to compare in either mode
    running_std: float | None
    z_mean: float | None  # Z over the batch: about 0 and 1 in train mode
    z_std: float | None


class BatchNormFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: Literal["batchnorm"] = "batchnorm"
    preset: str | None  # the example last loaded (None once the settings were changed)
    modified: bool  # trained since it was loaded
    config: Config
    view: View
    mode: Mode
    selection: Selection
    step: int
    epoch: int
    n_points: int
    n_batches: int
    max_depth: int  # this server's limits, for the page's controls
    max_width: int
    edges: list[list[float]]  # bin edges per hidden layer, shared by both runs
    runs: list[RunFrame]
    curve: Curve
    formula: Formula
    diverged: list[str]  # the runs that diverged (engine.guard; training stopped)
    note: str  # catalog key of the remark on the book's term


class BatchNormRendering:
    """The part of `BatchNormLab` that probes both networks and renders the frame."""

    def frame(self, parts: Parts = CHANGES) -> BatchNormFrame:
        # Huge but finite weights may still overflow on the way: those values are left
        # out of the bins (and counted as `nonfinite`), never sent.
        with np.errstate(all="ignore"):
            return self.render()

    def render(self) -> BatchNormFrame:
        training = self.mode == "train"
        sel = self.selection
        probes = [
            probe(run.model, self.x, self.config.batch_size, training, sel.batch)
            for run in self.runs
        ]
        values = [p.pre if self.view == "pre" else p.post for p in probes]
        lower, upper = (None, None)
        if self.view == "post":
            lower, upper = OUTPUT_RANGE[self.config.activation]
        edges = [
            shared_edges([v[k] for v in values], BINS, lower, upper)
            for k in range(self.config.depth)
        ]
        runs = []
        for name, probe_, layer_values in zip(RUNS, probes, values, strict=True):
            layers = []
            for k, v in enumerate(layer_values):
                binned, nonfinite = counts(v, edges[k])
                ok = v[np.isfinite(v)]
                layers.append(
                    LayerHistogram(
                        counts=binned.tolist(),
                        nonfinite=nonfinite,
                        mean=finite(ok.mean()) if ok.size else None,
                        std=finite(ok.std()) if ok.size else None,
                    )
                )
            loss, _ = binary_crossentropy(probe_.logits, self.y, from_logits=True)
            correct = (probe_.logits > 0) == (self.y[: len(probe_.logits)] > 0.5)
            runs.append(
                RunFrame(
                    name=name, loss=finite(loss), accuracy=float(correct.mean()), layers=layers
                )
            )
        return BatchNormFrame(
            preset=self.preset,
            modified=self.modified(),
            config=self.config,
            view=self.view,
            mode=self.mode,
            selection=sel,
            step=self.step_count,
            epoch=self.step_count // self.n_batches,
            n_points=N_POINTS,
            n_batches=self.n_batches,
            max_depth=self.settings.batchnorm_max_layers,
            max_width=self.settings.max_neurons,
            edges=[rounded(e, CHART_DECIMALS) for e in edges],
            runs=runs,
            curve=Curve(
                steps=self.curve.steps,
                plain=rounded(self.curve.series_values(0), CHART_DECIMALS),
                batchnorm=rounded(self.curve.series_values(1), CHART_DECIMALS),
            ),
            formula=self.formula(probes[1].chosen),
            diverged=self.diverged_runs,
            note="note.batchnorm_term",
        )

    def modified(self) -> bool:
        """Trained since the example was loaded, or its settings changed (a restored state)."""
        example = None if self.preset is None else Config(**PRESETS[self.preset])
        return left_example(self.config, example, self.step_count > 0)

    def bn_eps(self) -> float:
        return next(la.eps for la in self.runs[1].model.layers if isinstance(la, BatchNorm))

    def formula(self, trace: list[dict[str, np.ndarray]]) -> Formula:
        """The chosen neuron's numbers from the BatchNorm run's traces on the chosen batch."""
        sel = self.selection
        norms = [t for t in trace if t["type"] == "batchnorm"]
        acts = [t for t in trace if t["type"] == "activation"]
        bn, act = norms[sel.layer], acts[sel.layer]
        i, j = sel.sample, sel.neuron
        z_column = bn["z"][:, j]
        return Formula(
            layer=sel.layer,
            neuron=j,
            batch=sel.batch,
            sample=i,
            mode=self.mode,
            batch_values=[finite(v) for v in bn["x"][:, j]],
            x=finite(bn["x"][i, j]),
            u=finite(bn["mean"][j]),
            var=finite(bn["var"][j]),
            s=finite(bn["std"][j]),
            z=finite(bn["z"][i, j]),
            gamma=finite(bn["gamma"][j]),
            beta=finite(bn["beta"][j]),
            out=finite(bn["out"][i, j]),
            activation=self.config.activation,
            a=finite(act["a"][i, j]),
            eps=self.bn_eps(),
            batch_mean=finite(bn["batch_mean"][j]),
            batch_std=finite(bn["batch_std"][j]),
            running_mean=finite(bn["running_mean"][j]),
            running_std=finite(bn["running_std"][j]),
            z_mean=finite(z_column.mean()),
            z_std=finite(z_column.std()),
        )
