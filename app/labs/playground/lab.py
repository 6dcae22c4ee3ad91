"""The 2-D playground (B.3, B.4): a network learns to separate points in the plane, live.

TensorFlow Playground's page, computed by the engine: a dataset (generated, uploaded as CSV,
or clicked in), input features, hidden layers with an activation each, a loss that fits the
problem (binary and multi-class cross-entropy from logits, MSE for regression), an optimizer,
L1/L2 penalties, and frames with the decision surface, every neuron's own map and the loss
curves. Frames carry only what changed (see `PlaygroundFrame`).

Training goes through the shared step-through (`app.labs.common.training`): `step_phase` walks one
iteration on the next mini-batch (forward, loss with the penalty, backward, update), and
`step`/`play` run whole iterations, each on its own mini-batch. A single iteration is
recorded for the page; a burst while playing is not, so that its frames stay small.
"""

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, Field, create_model

from app.labs.common.base import sequential_weights
from app.labs.common.heatmaps import SentMaps
from app.labs.common.training import StepPhase, StepThroughLab, Trainer, TrainingSettings
from app.labs.neurons.lab import SetBias, SetWeight, edit_parameter
from app.labs.playground import frame as view
from app.labs.playground.data import PlaygroundData, Point, base_points, make_data
from app.labs.playground.presets import PRESETS
from app.labs.playground.spec import DataSpec, NetworkSpec, PlaygroundState, ViewSpec
from app.protocol import FiniteFloat, LabError, Message, command_adapter
from engine.datasets import (
    PROBLEMS,
    BatchSampler,
    CsvError,
    Dataset,
    from_points,
    parse_csv,
)
from engine.features import feature_matrix
from engine.losses import evaluate, loss_terms
from engine.metrics import accuracy, correct
from engine.model import Sequential, mlp
from engine.regularizers import Regularizer

#: The loss each problem trains with, and whether the network's outputs are logits.
LOSS_FOR_PROBLEM: dict[str, tuple[str, bool]] = {
    "binary": ("binary_crossentropy", True),
    "multiclass": ("categorical_crossentropy", True),
    "regression": ("mse", False),
}
#: Loss-curve points kept; beyond this, every other one is dropped (the curve's shape stays).
HISTORY_LIMIT = 1000


def mean_of(values: np.ndarray) -> float:
    """The mean, NaN for no values (a data set without test points)."""
    return float(np.mean(values)) if len(values) else math.nan


# --- commands -------------------------------------------------------------------------------


def partial_command(name: str, model: type[Message], doc: str) -> type[Message]:
    """A command changing some fields of `model`: the same fields and limits, each optional.

    The class is named after the command ("set_data" -> SetData) and must be bound to that
    name in this module: lab processes pickle commands, which finds classes by module and name.
    """

    def optional(info):
        kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        return (kind | None, None)

    fields = {key: optional(info) for key, info in model.model_fields.items()}
    class_name = "".join(part.title() for part in name.split("_"))
    command = create_model(
        class_name, __base__=Message, __module__=__name__, type=(Literal[name], ...), **fields
    )
    command.__doc__ = doc
    return command


SetData = partial_command(
    "set_data", DataSpec, "Change the dataset; the points are regenerated, training restarts."
)
SetNetwork = partial_command(
    "set_network",
    NetworkSpec,
    "Change the network or its training; features, layers and init_seed restart training.",
)
SetView = partial_command(
    "set_view", ViewSpec, "Show the test points or the output in steps (nothing is computed)."
)


class LoadPreset(Message):
    """One of the examples: its data, network and settings, fresh weights, step 0."""

    type: Literal["load_preset"]
    name: Literal[tuple(PRESETS)]  # type: ignore[valid-type]


class AddPoint(Message):
    """A point the learner clicked in; it joins the training set."""

    type: Literal["add_point"]
    x1: FiniteFloat
    x2: FiniteFloat
    label: FiniteFloat


class ClearPoints(Message):
    """Remove every clicked-in point."""

    type: Literal["clear_points"]


class LoadCsv(Message):
    """The learner's own points: lines of x1, x2, label (checked line by line)."""

    type: Literal["load_csv"]
    text: str = Field(max_length=10_000_000)
    problem: Literal[("auto", *PROBLEMS)] = "auto"  # type: ignore[valid-type]


class Inspect(Message):
    """Show one neuron's map at full size (layer -1: an input feature); layer None: none."""

    type: Literal["inspect"]
    layer: int | None = Field(None, ge=-1)
    j: int = Field(0, ge=0)


# Changing these fields builds a fresh network (new shapes or new initial weights).
REBUILDING_FIELDS = {"features", "hidden", "init_seed"}

# --- the lab ------------------------------------------------------------------------------


class PlaygroundLab(StepThroughLab):
    name = "playground"
    commands = command_adapter(
        SetData,
        SetNetwork,
        AddPoint,
        ClearPoints,
        LoadCsv,
        Inspect,
        SetWeight,
        SetBias,
        StepPhase,
        SetView,
        LoadPreset,
    )
    State = PlaygroundState

    def __init__(self, settings) -> None:
        super().__init__(settings)
        # Loss, optimizer and penalty follow the data and `network` (configure_training).
        self.trainer = Trainer(settings)
        self.inspected: tuple[int, int] | None = None
        self.history: list[tuple[int, float, float | None]] = []
        self.history_sent = 0
        #: Parts the next frame must carry in full: "config", "data", "history" (the whole
        #: curve) and "maps" (every map: new shapes or a new page); all four: a full frame.
        self.changed: set[str] = set()
        self.metrics_cache: tuple[int, dict] | None = None  # (step, metrics)
        self.sent_maps = SentMaps()  # what the page already shows
        self.maps_due = False  # the last command changed what the maps show
        self.unmeasured = 0  # bursts played since the losses were last measured
        self.preset: str | None = None  # the example last loaded
        # TensorFlow Playground's 500 points, unless the host allows fewer.
        default_points = min(DataSpec().n_points, settings.max_data_points)
        self.restore(PlaygroundState(data=DataSpec(n_points=default_points)))

    # --- building -------------------------------------------------------------------------

    def restore(self, state: PlaygroundState) -> None:
        """Build everything from a state; on any error, nothing has changed."""
        if state.preset is not None and state.preset not in PRESETS:
            raise LabError("bad_state", f"There is no example {state.preset!r}.")
        custom = self.custom_dataset(state) if state.data.kind == "custom" else None
        base, extent = base_points(
            state.data.kind,
            state.data.n_points,
            state.data.noise / 100,
            state.data.seed,
            state.data.classes,
            custom,
            self.settings,
        )
        data = make_data(
            base, extent, state.data.train_ratio / 100, state.data.seed, state.added, self.settings
        )
        model = self.build_model(state.network, data)
        if state.weights is not None:
            for value in (v for d in state.weights for v in [*np.ravel(d.w), *d.b]):
                self.check_value(value, "weight")
            try:
                model.set_weights([d.model_dump() for d in state.weights])
            except ValueError as exc:
                raise LabError(
                    "bad_state", f"The weights do not fit: {exc}", detail=str(exc)
                ) from None
        self.spec, self.custom, self.added = state.data, custom, list(state.added)
        self.network, self.view = state.network, state.view
        self.preset = state.preset
        self.install(data, model)
        self.trainer.steps = state.step
        self.after_reset()

    def custom_dataset(self, state: PlaygroundState) -> Dataset:
        if not state.points or state.problem is None:
            raise LabError("no_custom_data", "Upload a CSV file first to use your own points.")
        if len(state.points) > self.settings.max_data_points:
            raise LabError(
                "too_many_points",
                f"This server allows at most {self.settings.max_data_points} points.",
                limit=self.settings.max_data_points,
            )
        s = self.settings
        try:
            return from_points(
                np.array(state.points), s.max_abs_value, state.problem, s.max_classes
            )
        except CsvError as exc:
            raise LabError(exc.code, exc.message, **exc.params) from None

    def parse(self, text: str, problem: str | None) -> Dataset:
        s = self.settings
        try:
            return parse_csv(text, s.max_data_points, s.max_abs_value, problem, s.max_classes)
        except CsvError as exc:
            raise LabError(exc.code, exc.message, **exc.params) from None

    def check_network(self, network: NetworkSpec) -> None:
        self.check_architecture(network.hidden)
        if len(network.activations) != len(network.hidden):
            raise LabError(
                "bad_activations",
                "Give one activation per hidden layer.",
                layers=len(network.hidden),
            )
        if len(set(network.features)) != len(network.features):
            raise LabError("bad_features", "Each input feature can be used only once.")
        self.trainer.check_learning_rate(network.learning_rate)
        self.check_value(network.regularization_rate, "regularization rate")

    def build_model(self, network: NetworkSpec, data: PlaygroundData) -> Sequential:
        self.check_network(network)
        outputs = data.classes if data.problem == "multiclass" else 1
        sizes = [len(network.features), *network.hidden, outputs]
        # The output layer is linear: the losses take logits (stable), the views apply
        # sigmoid/softmax themselves.
        return mlp(sizes, [*network.activations, "linear"], seed=network.init_seed)

    def install(self, data: PlaygroundData, model: Sequential) -> None:
        """Make `data` and `model` current, with the training machinery around them."""
        self.data = data
        self.model = model
        self.train_features = feature_matrix(data.train_x, self.network.features)
        self.test_features = feature_matrix(data.test_x, self.network.features)
        self.loss_name, self.from_logits = LOSS_FOR_PROBLEM[data.problem]
        self.train_targets = self.targets(data.train_y)
        self.test_targets = self.targets(data.test_y)
        # Training points then test points, for metrics in one pass.
        self.all_features = np.concatenate([self.train_features, self.test_features])
        self.all_targets = np.concatenate([self.train_targets, self.test_targets])
        self.configure_training()

    def configure_training(self, keep_momentum: bool = False) -> None:
        """Loss, optimizer, penalty and batch order from the data and the network spec.

        The optimizer starts afresh, unless `keep_momentum` and its rule is unchanged (a new
        learning rate keeps the momentum going). Any walk in progress is cancelled.
        """
        net, trainer = self.network, self.trainer
        state = trainer.optimizer.state if net.optimizer == trainer.optimizer.name else None
        steps = trainer.steps
        trainer.apply(
            TrainingSettings(
                loss=self.loss_name, optimizer=net.optimizer, learning_rate=net.learning_rate
            )
        )
        trainer.steps = steps
        if keep_momentum and state is not None:
            trainer.optimizer.state = state
        trainer.from_logits = self.from_logits
        trainer.regularizer = (
            None
            if net.regularization == "none" or net.regularization_rate == 0
            else Regularizer(net.regularization, net.regularization_rate)
        )
        batch = min(net.batch_size, len(self.data.train_y))
        self.sampler = BatchSampler(len(self.data.train_y), batch, net.init_seed)
        self.sync()

    @property
    def optimizer(self):
        return self.trainer.optimizer

    @property
    def regularizer(self) -> Regularizer | None:
        return self.trainer.regularizer

    def targets(self, labels: np.ndarray) -> np.ndarray:
        """Labels as the loss wants them: class indices (N,) for multi-class, else (N, 1)."""
        return labels.astype(int) if self.data.problem == "multiclass" else labels[:, None]

    def after_reset(self) -> None:
        """Training restarts from the current weights: fresh curve, fresh optimizer."""
        self.metrics_cache = None
        self.configure_training()
        self.history = []
        self.record()
        self.changed |= view.FULL

    # --- commands --------------------------------------------------------------------------

    def reset(self) -> None:
        """Fresh weights from the init seed, step 0; data and settings stay."""
        self.model = self.build_model(self.network, self.data)
        self.trainer.steps = 0
        self.after_reset()

    def handle(self, command: BaseModel) -> None:
        before = view.map_inputs(self)
        try:
            self.carry_out(command)
        finally:
            # A light frame still shows what the command changed on the maps (a new weight,
            # the neuron pointed at); a new learning rate or a clicked point leaves them out.
            self.maps_due = view.map_inputs(self) != before

    def carry_out(self, command: BaseModel) -> None:
        self.metrics_cache = None  # any command may change the points or the weights
        if isinstance(command, StepPhase):
            self.guarded(lambda: self.handle_training(command))
            return
        match command:
            case SetData():
                self.change_data(command)
            case SetNetwork():
                self.change_network(command)
            case AddPoint(x1=x1, x2=x2, label=label):
                self.set_added([*self.added, (x1, x2, label)])
            case ClearPoints():
                self.set_added([])
            case LoadCsv(text=text, problem=problem):
                dataset = self.parse(text, None if problem == "auto" else problem)
                points = np.column_stack([dataset.x, dataset.y]).tolist()
                self.restore(
                    self.snapshot().model_copy(
                        update={
                            "data": self.spec.model_copy(update={"kind": "custom"}),
                            "points": [tuple(p) for p in points],
                            "problem": dataset.problem,
                            "added": [],
                            "weights": None,
                            "step": 0,
                        }
                    )
                )
            case Inspect(layer=layer, j=j):
                self.inspect(layer, j)
            case LoadPreset(name=name):
                self.load_preset(name)
            case SetView():
                changes = command.model_dump(exclude={"type"}, exclude_none=True)
                self.view = self.view.model_copy(update=changes)
            case SetWeight() | SetBias():
                edit_parameter(self, self.model, command)
                self.trainer.cancel()  # the walk in progress no longer matches the network
                self.preset = None  # the example's weights are gone
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    def preset_state(self, name: str) -> PlaygroundState:
        """The example as a whole state: its settings, fresh weights, step 0. Its points are
        capped by this server's limit (the same capped setting every time it is loaded)."""
        preset = PRESETS[name]
        n_points = min(preset.data.n_points, self.settings.max_data_points)
        return PlaygroundState(
            data=preset.data.model_copy(update={"n_points": n_points}),
            network=preset.network,
            view=preset.view,
            preset=name,
        )

    def load_preset(self, name: str) -> None:
        self.inspected = None
        self.restore(self.preset_state(name))

    def modified(self) -> bool:
        """Trained, given points or changed since the example was loaded."""
        if self.preset is None:
            return False
        loaded = self.preset_state(self.preset)
        return (
            self.step_count > 0
            or bool(self.added)
            or self.spec != loaded.data
            or self.network != loaded.network
        )

    def change_data(self, command: BaseModel) -> None:
        changes = command.model_dump(exclude={"type"}, exclude_none=True)
        spec = self.spec.model_copy(update=changes)
        # Clicked points only make sense for the same kind of problem (same labels).
        same_kind = spec.kind == self.spec.kind and spec.classes == self.spec.classes
        self.restore(
            self.snapshot().model_copy(
                update={
                    "data": spec,
                    "added": self.added if same_kind else [],
                    "weights": None,
                    "step": 0,
                }
            )
        )

    def change_network(self, command: BaseModel) -> None:
        changes = command.model_dump(exclude={"type"}, exclude_none=True)
        if "hidden" in changes and "activations" not in changes:
            # New layers take the activation of the last existing one.
            last = (self.network.activations or ["tanh"])[-1]
            acts = self.network.activations[: len(changes["hidden"])]
            changes["activations"] = acts + [last] * (len(changes["hidden"]) - len(acts))
        network = NetworkSpec.model_validate({**self.network.model_dump(), **changes})
        if REBUILDING_FIELDS & changes.keys():
            self.restore(
                self.snapshot().model_copy(update={"network": network, "weights": None, "step": 0})
            )
            return
        self.check_network(network)
        if network.activations != self.network.activations:
            for layer, activation in zip(self.model.layers, network.activations, strict=False):
                layer.activation = activation
        self.network = network
        self.configure_training(keep_momentum=True)
        self.changed.add("config")

    def set_added(self, added: list[Point]) -> None:
        base, extent = self.current_base()
        data = make_data(
            base, extent, self.spec.train_ratio / 100, self.spec.seed, added, self.settings
        )
        self.added = list(added)
        self.install(data, self.model)
        self.changed.add("data")

    def current_base(self) -> tuple[Dataset, float]:
        s = self.spec
        return base_points(
            s.kind, s.n_points, s.noise / 100, s.seed, s.classes, self.custom, self.settings
        )

    def inspect(self, layer: int | None, j: int) -> None:
        # The page keeps one inspected map: a new choice gets its map whatever was sent before.
        self.sent_maps.forget("inspected")
        if layer is None:
            self.inspected = None
            return
        if layer == -1:
            self.require_index(j, len(self.network.features), "j")
        else:
            self.require_index(j, self.dense(layer).params["b"].shape[0], "j")
        self.inspected = (layer, j)

    def dense(self, layer: int):
        self.require_index(layer, len(self.model.layers), "layer")
        return self.model.layers[layer]

    # --- training ---------------------------------------------------------------------------

    def training_batch(self, step: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Features (B, F) and targets of the batch that step `step` (default: next) trains on."""
        idx = self.sampler.indices(self.trainer.steps if step is None else step)
        return self.train_features[idx], self.train_targets[idx]

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
        if not measure:
            self.unmeasured += 1
            return
        self.unmeasured = 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            healthy = self.record()
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
        scores = 1.0 / (1.0 + np.exp(-logits)) if self.data.problem == "binary" else logits
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
        logits = self.model.predict(self.all_features)
        terms = loss_terms(self.loss_name, logits, self.all_targets, self.from_logits)["terms"]
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

    # --- whole state ------------------------------------------------------------------------

    def snapshot(self) -> PlaygroundState:
        custom = self.custom
        return PlaygroundState(
            data=self.spec,
            problem=custom.problem if custom is not None else None,
            points=np.column_stack([custom.x, custom.y]).tolist() if custom is not None else [],
            added=list(self.added),
            network=self.network,
            step=self.step_count,
            weights=self.model.get_weights(),
            view=self.view,
            preset=self.preset,
        )

    def weights(self) -> dict[str, np.ndarray]:
        return sequential_weights(self.model)

    # --- the frame ----------------------------------------------------------------------------

    def frame(self, maps: bool = True) -> view.PlaygroundFrame:
        """What changed since the last frame (see `playground_frame`)."""
        # Weights within the magnitude limit can still overflow a deep net's grid values;
        # the views turn non-finite values into None or the end of a colour scale.
        with np.errstate(over="ignore", invalid="ignore"):
            frame = view.build_frame(self, maps)
        self.changed.clear()
        self.maps_due = False
        self.history_sent = len(self.history)
        return frame

    def full_frame(self) -> view.PlaygroundFrame:
        """Everything, for a page that shows nothing yet; the stream goes on from it."""
        self.changed |= view.FULL
        return self.frame()

    def whole_frame(self, frame: view.PlaygroundFrame) -> view.PlaygroundFrame:
        return view.whole_frame(self, frame)

    def light_frame(self) -> view.PlaygroundFrame:
        """The numbers without the maps (they cost most of a frame), for a crowded server;
        after a command that changed what the maps show, with them."""
        return self.frame(maps=self.maps_due)
