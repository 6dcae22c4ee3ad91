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

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.base import CHANGES, Parts, sequential_weights
from neural_playground.app.labs.common.heatmaps import SentMaps
from neural_playground.app.labs.common.training import (
    StepPhase,
    StepThroughLab,
    Trainer,
    TrainingSettings,
)
from neural_playground.app.labs.neurons.commands import SetBias, SetWeight
from neural_playground.app.labs.neurons.lab import edit_parameter
from neural_playground.app.labs.playground import frame as view
from neural_playground.app.labs.playground.commands import (
    AddPoint,
    ClearPoints,
    Inspect,
    LoadCsv,
    LoadPreset,
    SetData,
    SetNetwork,
    SetView,
)
from neural_playground.app.labs.playground.data import PlaygroundData, Point, base_points, make_data
from neural_playground.app.labs.playground.presets import PRESETS
from neural_playground.app.labs.playground.spec import DataSpec, NetworkSpec, PlaygroundState
from neural_playground.app.labs.playground.training import PlaygroundTraining
from neural_playground.app.protocol import LabError, command_adapter
from neural_playground.engine.data.datasets import (
    BatchSampler,
    CsvError,
    Dataset,
    from_points,
    parse_csv,
)
from neural_playground.engine.data.features import feature_matrix
from neural_playground.engine.model import Sequential, mlp
from neural_playground.engine.regularizers import Regularizer

#: The loss each problem trains with, and whether the network's outputs are logits.
LOSS_FOR_PROBLEM: dict[str, tuple[str, bool]] = {
    "binary": ("binary_crossentropy", True),
    "multiclass": ("categorical_crossentropy", True),
    "regression": ("mse", False),
}


# Changing these fields builds a fresh network (new shapes or new initial weights).
REBUILDING_FIELDS = {"features", "hidden", "init_seed"}


class PlaygroundLab(PlaygroundTraining, StepThroughLab):
    name = "playground"
    partial_frames = True
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
        self.last_frame: view.PlaygroundFrame | None = None  # a room's followers get it whole
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
            self.maps_due = view.map_inputs(self) != before  # see `frame`

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

    def frame(self, parts: Parts = CHANGES) -> view.PlaygroundFrame:
        """The frame `parts` asks for (see `Parts`): what changed since the last frame, the
        parts the page lacks in full; or, for a room's followers, the last frame whole."""
        if parts.follower and self.last_frame is not None:
            return view.whole_frame(self, self.last_frame, parts.without)
        self.changed |= parts.whole & view.FULL
        # A cheap frame still shows what a command changed on the maps (a new weight, the
        # neuron pointed at); a new learning rate or a clicked point leaves them out.
        due = self.maps_due
        # Weights within the magnitude limit can still overflow a deep net's grid values;
        # the views turn non-finite values into None or the end of a colour scale.
        with np.errstate(over="ignore", invalid="ignore"):
            frame = view.build_frame(
                self,
                maps="maps" not in parts.stale or due,
                fresh="metrics" not in parts.stale or due,
                without=parts.without,
            )
        self.changed.clear()
        self.maps_due = False
        self.history_sent = len(self.history)
        self.last_frame = frame
        return frame
