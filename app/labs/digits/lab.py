"""B.6, second part: a small convolutional network learns real handwriting (the 1,797 8x8
digits) while the learner watches, beside a dense network of about as many parameters.

Both networks start from one seed, see the same mini-batches in the same order and take the
same kind of optimizer step; the frame shows the conv network's learned filters, the feature
maps of one digit (from the test set, or drawn by the learner), both networks' curves on the
training batches and the held-out digits, the conv network's confusion matrix and the test
digits it still gets wrong. Every number comes from the engine (`engine.convnet`).
"""

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.common.configured import Configured
from neural_playground.app.labs.common.curve import LossCurve
from neural_playground.app.labs.digits.commands import (
    ClearDrawing,
    Config,
    Configure,
    DigitsState,
    LoadPreset,
    Paint,
    Select,
)
from neural_playground.app.labs.digits.data import digit_sets
from neural_playground.app.labs.digits.frame import DigitsRendering
from neural_playground.app.labs.digits.presets import DEFAULT_PRESET, PRESETS
from neural_playground.app.protocol import LabError, command_adapter
from neural_playground.engine.convnet import (
    Classifier,
    ConvNetSpec,
    batch_indices,
    conv_network,
    dense_network,
    dense_width_like,
    stages,
)
from neural_playground.engine.data.digits import SIDE
from neural_playground.engine.guard import divergence_guard

RUNS = ("conv", "dense")
#: Steps between two points of the curves: each point is the training batches' mean loss and
#: accuracy since the last point, and both networks measured on all the test digits.
EVAL_EVERY = 10
SERIES = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")


def spec_of(config: Config) -> ConvNetSpec:
    return ConvNetSpec(
        blocks=config.blocks,
        filters=config.filters,
        kernel=config.kernel,
        stride=config.stride,
        padding=config.padding,
        relu=config.relu,
        pool=config.pool,
    )


def check_fits(config: Config) -> None:
    """Every window must fit what reaches it (8x8 shrinks fast: two blocks of stride 2...)."""
    try:
        stages(spec_of(config))
    except ValueError as exc:
        raise LabError(
            "does_not_fit",
            f"These settings shrink the 8x8 digit to nothing: {exc}",
            detail=str(exc),
        ) from None


class DigitsLab(DigitsRendering, Configured, Lab):
    name = "digits"
    trainable = True
    commands = command_adapter(Configure, Select, Paint, ClearDrawing, LoadPreset)
    State = DigitsState

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.data = digit_sets()
        self.curve = LossCurve(len(RUNS) * len(SERIES), settings.max_curve_points)
        self.selected = 0
        self.drawing: np.ndarray | None = None  # (64,) ink 0..16, when the learner draws
        self.preset: str | None = DEFAULT_PRESET
        self.start(Config(**PRESETS[DEFAULT_PRESET]))

    # --- set-up -------------------------------------------------------------------------

    def start(self, config: Config) -> None:
        """Fresh weights for both networks from `config.seed`; training starts at step 0."""
        check_fits(config)
        self.config = config
        conv = conv_network(spec_of(config), seed=config.seed)
        self.hidden = dense_width_like(conv.n_params)
        dense = dense_network(self.hidden, seed=config.seed)
        self.runs = [
            Classifier(model, config.optimizer, config.learning_rate) for model in (conv, dense)
        ]
        self.step_count = 0
        self.diverged = False
        self.curve.clear()
        self.pending = np.zeros((len(RUNS), 2))  # batch loss and accuracy sums since a point
        self.forget_measures()

    def handle(self, command: BaseModel) -> None:
        match command:
            case Configure():
                self.configure(command)
            case LoadPreset(name=name):
                self.start(Config(**PRESETS[name]))
                self.preset = name
            case Select(index=index):
                self.require_index(index, len(self.data.test), "index")
                self.selected, self.drawing = index, None
            case Paint(cells=cells, value=value):
                if self.drawing is None:
                    self.drawing = self.data.pixels[self.data.test[self.selected]].astype(int)
                for r, c in cells:
                    self.drawing[r * SIDE + c] = value
            case ClearDrawing():
                self.drawing = np.zeros(SIDE * SIDE, dtype=int)
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    # --- training -----------------------------------------------------------------------

    def train(self, steps: int) -> None:
        data, runs = self.data, self.runs
        layers = [layer for run in runs for layer in run.model.layers]
        with divergence_guard(layers, self.settings.max_abs_value) as guard:
            for _ in range(steps):
                rows = data.train[
                    batch_indices(
                        self.step_count, len(data.train), self.config.batch_size, self.config.seed
                    )
                ]
                labels = data.labels[rows]
                losses = [runs[0].step(data.x(rows), labels), runs[1].step(data.flat(rows), labels)]
                if not guard.check(*losses):
                    break
                for k, (run, loss) in enumerate(zip(runs, losses, strict=True)):
                    logits = run.model.layers[-1].cache["a"]  # this batch, before the update
                    self.pending[k] += (loss, np.mean(np.argmax(logits, axis=1) == labels))
                self.step_count += 1
                self.forget_measures()
                if self.step_count % EVAL_EVERY == 0:
                    self.add_curve_point()  # its test measures serve the frame that follows
        if guard.diverged:
            self.diverged = True
            self.forget_measures()  # the weights were put back
            for run in runs:
                run.optimizer.reset()

    def add_curve_point(self) -> None:
        train = self.pending / EVAL_EVERY
        self.pending[:] = 0.0
        tests = [self.measure(k) for k in range(len(RUNS))]
        self.curve.add(
            self.step_count,
            [
                value
                for k, test in enumerate(tests)
                for value in (train[k, 0], test.loss, train[k, 1], test.accuracy)
            ],
        )

    # --- whole state --------------------------------------------------------------------

    def weights(self) -> dict[str, np.ndarray]:
        return {
            f"{name}.layer{k}.{key}": value.copy()
            for name, run in zip(RUNS, self.runs, strict=True)
            for k, layer in enumerate(run.model.layers)
            for key, value in layer.params.items()
        }

    def snapshot(self) -> DigitsState:
        conv, dense = (run.model.get_weights() for run in self.runs)
        return DigitsState(
            config=self.config,
            preset=self.preset,
            step=self.step_count,
            selected=self.selected,
            drawing=None if self.drawing is None else self.drawing.tolist(),
            conv=conv,
            dense=dense,
            curve=self.curve.state(),
        )

    def restore(self, state: DigitsState) -> None:
        self.require_index(state.selected, len(self.data.test), "selected")
        saved = self.snapshot()
        self.start(state.config)
        try:
            for run, weights in zip(self.runs, (state.conv, state.dense), strict=True):
                run.model.set_weights(weights)
                for layer in run.model.layers:
                    for value in layer.params.values():
                        self.check_value(float(np.abs(value).max(initial=0.0)), "weight")
            self.curve.load(state.curve)
        except (ValueError, LabError) as exc:
            self.restore(saved)
            if isinstance(exc, LabError):
                raise
            raise LabError("bad_state", f"The state does not fit: {exc}", detail=str(exc)) from None
        self.preset, self.step_count, self.selected = state.preset, state.step, state.selected
        self.drawing = None if state.drawing is None else np.array(state.drawing, dtype=int)
        self.forget_measures()
