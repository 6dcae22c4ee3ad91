"""B.5, "Batch normalization": one deep network trained twice, without and with BatchNorm.

Both runs start from the same Dense weights (one generator, same seed), see the same
data in the same order of mini-batches and take the same SGD steps; the only difference
is a BatchNorm layer between each hidden Dense layer and its activation. Each frame
pushes the whole data set through both networks, one fixed batch at a time, and sends
per-layer histograms (bin counts, not raw values) of what enters or leaves each
activation, both runs' loss curves, and the book's formula for one chosen neuron and
batch with the engine's numbers. In eval mode the same pass uses the running statistics.
"""

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from app.labs.batchnorm.presets import DEFAULT_PRESET, PRESETS
from app.labs.common.base import Lab
from app.labs.common.curve import CurveState, LossCurve
from app.protocol import FiniteFloat, LabError, Message, command_adapter
from engine.disc_datasets import DATASET_NAMES, make_dataset
from engine.histogram import counts, shared_edges
from engine.layers import Activation, BatchNorm, Dense
from engine.losses import binary_crossentropy
from engine.model import Sequential
from engine.optimizers import Optimizer

DatasetName = Literal[DATASET_NAMES]  # type: ignore[valid-type]
ActivationName = Literal["sigmoid", "tanh", "relu"]
BatchSize = Literal[8, 16, 32, 64, 128]  # powers of two: they divide the data set exactly
PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]
View = Literal["pre", "post"]
Mode = Literal["train", "eval"]
RUNS = ("plain", "batchnorm")

N_POINTS = 512
NOISE = 0.05
BINS = 24
# What each activation can output: post-activation histograms keep these ends fixed, so a
# saturating sigmoid piles up visibly at 0 or 1 instead of the axis stretching to hide it.
OUTPUT_RANGE: dict[str, tuple[float | None, float | None]] = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "relu": (0.0, None),
}

# --- settings and commands ----------------------------------------------------------------


class Config(Message):
    """What both runs share. Changing any of it starts both runs again from fresh weights."""

    dataset: DatasetName = "circle"
    depth: int = Field(8, ge=1, description="hidden layers")
    width: int = Field(8, ge=1, description="neurons per hidden layer")
    activation: ActivationName = "sigmoid"
    learning_rate: FiniteFloat = Field(0.1, gt=0, le=10)
    batch_size: BatchSize = 32
    #: Multiplies the Xavier-initialised weights: larger scales push deep layers into
    #: saturation (sigmoid, tanh) or blow-up (ReLU) faster without batch normalization.
    weight_scale: FiniteFloat = Field(1.0, ge=0.1, le=5)
    seed: int = Field(0, ge=0, le=2**32 - 1)


class Selection(Message):
    """The neuron (hidden layer, unit), the fixed batch and the sample the formula shows."""

    layer: int = Field(0, ge=0)
    neuron: int = Field(0, ge=0)
    batch: int = Field(0, ge=0)
    sample: int = Field(0, ge=0)


class Configure(Message):
    """Change some settings (the others stay) and start both runs again."""

    type: Literal["configure"]
    dataset: DatasetName | None = None
    depth: int | None = Field(None, ge=1)
    width: int | None = Field(None, ge=1)
    activation: ActivationName | None = None
    learning_rate: FiniteFloat | None = Field(None, gt=0, le=10)
    batch_size: BatchSize | None = None
    weight_scale: FiniteFloat | None = Field(None, ge=0.1, le=5)
    seed: int | None = Field(None, ge=0, le=2**32 - 1)


class SetView(Message):
    """Histogram what enters the activation function ("pre") or what leaves it ("post")."""

    type: Literal["set_view"]
    view: View


class SetMode(Message):
    """Normalize with each batch's statistics ("train") or the running ones ("eval")."""

    type: Literal["set_mode"]
    mode: Mode


class Select(Selection):
    type: Literal["select"]


class LoadPreset(Message):
    """One of the examples: its settings, fresh weights, the default view and selection."""

    type: Literal["load_preset"]
    name: PresetName


# --- whole state --------------------------------------------------------------------------

Weights = list[dict[str, list[FiniteFloat] | list[list[FiniteFloat]]]]


class BatchNormState(Message):
    config: Config = Field(default_factory=Config)
    preset: PresetName | None = None  # the example last loaded
    view: View = "pre"
    mode: Mode = "train"
    selection: Selection = Field(default_factory=Selection)
    step: int = Field(0, ge=0)
    plain: Weights = Field(max_length=200)
    batchnorm: Weights = Field(max_length=200)
    curve: CurveState = Field(default_factory=CurveState)


# --- the frame ----------------------------------------------------------------------------


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
    diverged: list[str]  # the runs whose loss stopped being finite (training stopped)
    note: str  # catalog key of the remark on the book's term


# --- engine side --------------------------------------------------------------------------


def finite(value: Any) -> float | None:
    """A float for the page, or None where the engine produced NaN or infinity."""
    value = float(value)
    return value if np.isfinite(value) else None


def rounded(values) -> list[float]:
    """Chart positions only need 6 decimals; the 17 of a float64 would triple the frame."""
    return np.round(np.asarray(values, dtype=float), 6).tolist()


def build_network(config: Config, batchnorm: bool) -> Sequential:
    """Dense -> (BatchNorm) -> activation per hidden layer, then one output logit.

    One generator seeded with `config.seed` draws the Dense weights in the same order
    whether or not BatchNorm layers sit in between, so both runs start identical. The
    Dense bias before a BatchNorm is redundant (beta shifts instead; its gradient is 0)
    but is kept so that both networks hold the same Dense layers.
    """
    rng = np.random.default_rng(config.seed)
    layers: list = []
    n_in = 2
    for _ in range(config.depth):
        layers.append(Dense(n_in, config.width, rng=rng))
        if batchnorm:
            layers.append(BatchNorm(config.width))
        layers.append(Activation(config.activation))
        n_in = config.width
    layers.append(Dense(n_in, 1, rng=rng))
    for layer in layers:
        if isinstance(layer, Dense):
            layer.params["w"] *= config.weight_scale
    return Sequential(layers)


@dataclass
class Probe:
    """A pass over the whole data set, batch by batch, without changing the network."""

    pre: list[np.ndarray]  # per hidden layer: (n_points, width) inputs of the activation
    post: list[np.ndarray]  # ... and its outputs
    logits: np.ndarray  # (n_points, 1)
    chosen: list[dict[str, np.ndarray]]  # every layer's trace on the chosen batch


def probe(model: Sequential, x: np.ndarray, batch_size: int, training: bool, chosen: int) -> Probe:
    """Forward `x` in the given mode, leaving running statistics and modes as they were.

    In training mode a batch-normalized network sees `x` in fixed batches, each normalized
    by its own statistics as during training; otherwise the batches would not change a
    thing, so one pass over all of `x` gives the same values faster. `chosen` is the batch
    whose traces are kept (it is passed once more on its own when needed).
    """
    buffers = [{k: v.copy() for k, v in layer.buffers.items()} for layer in model.layers]
    modes = [layer.training for layer in model.layers]
    model.train() if training else model.eval()
    batched = training and any(isinstance(layer, BatchNorm) for layer in model.layers)
    size = batch_size if batched else len(x)
    activations = [layer for layer in model.layers if isinstance(layer, Activation)]
    pre: list[list[np.ndarray]] = [[] for _ in activations]
    post: list[list[np.ndarray]] = [[] for _ in activations]
    logits, trace = [], []
    try:
        for b in range(len(x) // size):
            logits.append(model.forward(x[b * size : (b + 1) * size]))
            for k, layer in enumerate(activations):
                pre[k].append(layer.cache["z"])
                post[k].append(layer.cache["a"])
            if batched and b == chosen:
                trace = model.trace()
        if not batched:
            model.forward(x[chosen * batch_size : (chosen + 1) * batch_size])
            trace = model.trace()
    finally:
        for layer, saved, mode in zip(model.layers, buffers, modes, strict=True):
            for key, value in saved.items():
                layer.buffers[key][...] = value
            layer.training = mode
    return Probe(
        pre=[np.concatenate(p) for p in pre],
        post=[np.concatenate(p) for p in post],
        logits=np.concatenate(logits),
        chosen=trace,
    )


def all_finite(model: Sequential) -> bool:
    return all(np.all(np.isfinite(p)) for layer in model.layers for p in layer.params.values())


class Run:
    """One of the two networks with its optimizer."""

    def __init__(self, config: Config, batchnorm: bool) -> None:
        self.model = build_network(config, batchnorm)
        self.optimizer = Optimizer("sgd", learning_rate=config.learning_rate)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        return self.model.train_step(
            x, y, loss="binary_crossentropy", optimizer=self.optimizer, from_logits=True
        )


# --- the lab ------------------------------------------------------------------------------


class BatchNormLab(Lab):
    name = "batchnorm"
    commands = command_adapter(Configure, SetView, SetMode, Select, LoadPreset)
    State = BatchNormState
    trainable = True

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.view: View = "pre"
        self.mode: Mode = "train"
        self.selection = Selection()
        self.curve = LossCurve(len(RUNS), settings.max_curve_points)
        self.preset: str | None = DEFAULT_PRESET
        self.start(Config(**PRESETS[DEFAULT_PRESET]))

    # --- set-up -------------------------------------------------------------------------

    def start(self, config: Config) -> None:
        """Fresh data and weights for both runs from `config`; training starts at step 0."""
        self.check_config(config)
        self.config = config
        x, y = make_dataset(config.dataset, N_POINTS, NOISE, config.seed)
        self.x, self.y = x, y[:, None]
        self.runs = [Run(config, batchnorm=False), Run(config, batchnorm=True)]
        self.step_count = 0
        self.diverged = False
        self.diverged_runs: list[str] = []
        self.curve.clear()
        self.selection = self.clamped(self.selection)

    def check_config(self, config: Config) -> None:
        s = self.settings
        if config.depth > s.batchnorm_max_layers:
            raise LabError(
                "too_many_layers",
                f"This server allows at most {s.batchnorm_max_layers} hidden layers.",
                limit=s.batchnorm_max_layers,
            )
        if config.width > s.max_neurons:
            raise LabError(
                "neurons_per_layer",
                f"Each layer needs 1 to {s.max_neurons} neurons (this server's limit).",
                limit=s.max_neurons,
            )

    @property
    def n_batches(self) -> int:
        return N_POINTS // self.config.batch_size

    def limits(self) -> dict[str, int]:
        """The largest index of each part of a selection."""
        c = self.config
        return {
            "layer": c.depth - 1,
            "neuron": c.width - 1,
            "batch": self.n_batches - 1,
            "sample": c.batch_size - 1,
        }

    def clamped(self, selection: Selection) -> Selection:
        limits = self.limits()
        return Selection(**{k: min(v, limits[k]) for k, v in selection.model_dump().items()})

    def reset(self) -> None:
        self.start(self.config)

    def handle(self, command: BaseModel) -> None:
        match command:
            case Configure():
                changes = command.model_dump(exclude={"type"}, exclude_none=True)
                self.start(Config.model_validate({**self.config.model_dump(), **changes}))
                self.preset = None
            case LoadPreset(name=name):
                self.view, self.mode, self.selection = "pre", "train", Selection()
                self.start(Config(**PRESETS[name]))
                self.preset = name
            case SetView(view=view):
                self.view = view
            case SetMode(mode=mode):
                self.mode = mode
            case Select():
                chosen = Selection(**command.model_dump(exclude={"type"}))
                for what, last in self.limits().items():
                    value = getattr(chosen, what)
                    if value > last:
                        raise LabError(
                            "bad_index",
                            f"{what} = {value} is out of range (0 to {last}).",
                            what=what,
                            value=value,
                            last=last,
                        )
                self.selection = chosen
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    # --- training -----------------------------------------------------------------------

    def batch_indices(self, step: int) -> np.ndarray:
        """The mini-batch of training step `step`: a fresh shuffle of the data each epoch."""
        epoch, k = divmod(step, self.n_batches)
        order = np.random.default_rng([self.config.seed, epoch]).permutation(N_POINTS)
        size = self.config.batch_size
        return order[k * size : (k + 1) * size]

    def train(self, steps: int) -> None:
        # If a step blows up, both runs go back to where this call started: the page
        # never receives NaN, and the learner sees the last finite state. Overflow is
        # expected on the way there, so NumPy's warnings about it are silenced.
        saved = [run.model.get_weights() for run in self.runs]
        saved_step, saved_curve = self.step_count, self.curve.state()
        self.diverged_runs = []
        with np.errstate(all="ignore"):
            for _ in range(steps):
                idx = self.batch_indices(self.step_count)
                losses = [run.step(self.x[idx], self.y[idx]) for run in self.runs]
                blown = [
                    name
                    for name, run, loss in zip(RUNS, self.runs, losses, strict=True)
                    if not (np.isfinite(loss) and all_finite(run.model))
                ]
                if blown:
                    for run, weights in zip(self.runs, saved, strict=True):
                        run.model.set_weights(weights)
                    self.step_count = saved_step
                    self.curve.load(saved_curve)
                    self.diverged = True
                    self.diverged_runs = blown
                    return
                self.step_count += 1
                self.curve.add(self.step_count, losses)

    # --- whole state --------------------------------------------------------------------

    def snapshot(self) -> BatchNormState:
        plain, batchnorm = (run.model.get_weights() for run in self.runs)
        return BatchNormState(
            config=self.config,
            preset=self.preset,
            view=self.view,
            mode=self.mode,
            selection=self.selection,
            step=self.step_count,
            plain=plain,
            batchnorm=batchnorm,
            curve=self.curve.state(),
        )

    def restore(self, state: BatchNormState) -> None:
        self.check_config(state.config)
        runs = [Run(state.config, batchnorm=False), Run(state.config, batchnorm=True)]
        curve = LossCurve(len(RUNS), self.settings.max_curve_points)
        try:
            for run, weights in zip(runs, (state.plain, state.batchnorm), strict=True):
                run.model.set_weights(weights)
            curve.load(state.curve)
        except ValueError as exc:
            raise LabError("bad_state", f"The state does not fit: {exc}", detail=str(exc)) from None
        self.check_value(
            max(
                float(np.abs(p).max())
                for run in runs
                for layer in run.model.layers
                for p in layer.params.values()
            ),
            "weight",
        )
        self.start(state.config)
        self.preset = state.preset
        self.runs, self.curve = runs, curve
        self.step_count = state.step
        self.view, self.mode = state.view, state.mode
        self.selection = self.clamped(state.selection)

    # --- the frame ----------------------------------------------------------------------

    def frame(self) -> BatchNormFrame:
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
            edges=[rounded(e) for e in edges],
            runs=runs,
            curve=Curve(
                steps=self.curve.steps,
                plain=rounded(self.curve.series_values(0)),
                batchnorm=rounded(self.curve.series_values(1)),
            ),
            formula=self.formula(probes[1].chosen),
            diverged=self.diverged_runs,
            note="note.batchnorm_term",
        )

    def modified(self) -> bool:
        """Trained since the example was loaded, or its settings changed (a restored state)."""
        if self.preset is None:
            return False
        return self.step_count > 0 or self.config != Config(**PRESETS[self.preset])

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
