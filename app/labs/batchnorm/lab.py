"""B.5, "Batch normalization": one deep network trained twice, without and with BatchNorm.

Both runs start from the same Dense weights (one generator, same seed), see the same
data in the same order of mini-batches and take the same SGD steps; the only difference
is a BatchNorm layer between each hidden Dense layer and its activation. Each frame
pushes the whole data set through both networks, one fixed batch at a time, and sends
per-layer histograms (bin counts, not raw values) of what enters or leaves each
activation, both runs' loss curves, and the book's formula for one chosen neuron and
batch with the engine's numbers. In eval mode the same pass uses the running statistics.
"""

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.batchnorm.commands import (
    BatchNormState,
    Config,
    Configure,
    LoadPreset,
    Mode,
    Select,
    Selection,
    SetMode,
    SetView,
    View,
)
from neural_playground.app.labs.batchnorm.frame import BatchNormRendering
from neural_playground.app.labs.batchnorm.networks import (
    N_POINTS,
    NOISE,
    RUNS,
    Run,
)
from neural_playground.app.labs.batchnorm.presets import DEFAULT_PRESET, PRESETS
from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.common.configured import Configured
from neural_playground.app.labs.common.curve import LossCurve
from neural_playground.app.protocol import LabError, command_adapter
from neural_playground.engine.data.disc_datasets import make_dataset
from neural_playground.engine.guard import diverged


class BatchNormLab(BatchNormRendering, Configured, Lab):
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

    def handle(self, command: BaseModel) -> None:
        match command:
            case Configure():
                self.configure(command)
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
                    if diverged(loss, run.model, self.settings.max_abs_value)
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
        self.start(state.config)
        self.preset = state.preset
        self.runs, self.curve = runs, curve
        self.step_count = state.step
        self.view, self.mode = state.view, state.mode
        self.selection = self.clamped(state.selection)
