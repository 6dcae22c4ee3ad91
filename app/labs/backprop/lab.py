"""B.3, "Loss functions and backpropagation": the book's 2-2-1 example and the loss table.

The learner picks a row of the book's tf.keras loss table (a kind of problem); the lab loads a
small network and batch for it and trains it with the step-through. For the book's own
example (regression to any value) the frame also carries the book's hand adjustment beside
what gradient descent really does, every number computed by the engine.
"""

from __future__ import annotations

import copy
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from app.labs.backprop.presets import (
    BOOK_STAGES,
    BOOK_X,
    BOOK_Y,
    DEFAULT_PROBLEM,
    PRESETS,
    PROBLEMS,
    Problem,
)
from app.labs.common.batch_network import (
    ForwardLayer,
    LayerWeights,
    build_model,
    forward_view,
    restore_model,
    weights_of,
)
from app.labs.common.stepthrough_frame import LossView, StepThroughView, TrainingView, loss_view
from app.labs.common.training import (
    TRAINING_COMMANDS,
    SetTarget,
    StepThroughLab,
    Trainer,
    TrainingSettings,
    check_loss_fits,
    check_targets,
)
from app.protocol import FiniteFloat, LabError, Message, command_adapter
from engine import metrics
from engine.losses import evaluate, loss_terms
from engine.optimizers import Optimizer
from engine.stepthrough import step_through

ProblemName = Literal[tuple(PROBLEMS)]  # type: ignore[valid-type]
StageName = Literal[tuple(BOOK_STAGES)]  # type: ignore[valid-type]
PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]
CLASSIFICATION = ("binary", "multiclass", "multilabel")

# --- commands -----------------------------------------------------------------------------


class SetProblem(Message):
    """Choose a row of the loss table: its network, batch and recommended loss."""

    type: Literal["set_problem"]
    problem: ProblemName


class LoadBookStage(Message):
    """Put the weights of one of the book's figures (B-4, B-5, B-6) into the 2-2-1 network."""

    type: Literal["load_book_stage"]
    stage: StageName


class LoadPreset(Message):
    """One of the book's figures: the 2-2-1 example afresh, with that stage's weights."""

    type: Literal["load_preset"]
    name: PresetName


class BackpropState(Message):
    problem: ProblemName
    preset: PresetName | None = None  # the figure last loaded, if any
    weights: list[LayerWeights] = Field(min_length=1, max_length=8)
    targets: list[list[FiniteFloat]] = Field(max_length=64)
    training: TrainingSettings


# --- the frame ----------------------------------------------------------------------------


class TableRow(BaseModel):
    problem: str
    losses: list[str]  # recommended, the first is the default
    output_activation: str


class Metrics(BaseModel):
    accuracy: float | None  # None for regression: there are no classes to count
    misclassification: float | None  # 1 - accuracy (book, B.3)
    mse: float


class BookStageView(BaseModel):
    name: str
    w1: list[list[float]]
    w2: list[list[float]]
    hidden: list[float]
    products: list[float]  # w2_j * hidden_j, the terms summed into the prediction
    prediction: float
    book_prediction: float  # what the book writes
    loss: float
    note: str | None


class GradientStepView(BaseModel):
    """One real gradient-descent step (SGD) from the book's start, at the current rate."""

    learning_rate: float
    dw1: list[list[float]]  # the gradients at the start
    dw2: list[list[float]]
    after: BookStageView  # the network after the step
    #: The learning rate that turns each output-weight gradient into the book's change
    #: (old - new) / gradient: [0.0125, 0.0125] says the book's step 1 is a gradient step.
    book_step1_learning_rates: list[float]


class BookView(BaseModel):
    stages: list[BookStageView]
    gradient_step: GradientStepView
    target: float


class BackpropFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: Literal["backprop"] = "backprop"
    problem: str
    preset: str | None  # the book's figure last loaded (None after choosing a table row)
    modified: bool  # the network, targets or settings differ from that figure since
    table: list[TableRow]
    x: list[list[float]]
    y: list[list[float]]
    layers: list[ForwardLayer]
    prediction: list[list[float]]
    loss_now: LossView | None  # the chosen loss on the batch, written out; None if it cannot apply
    metrics: Metrics
    training: TrainingView
    step_through: StepThroughView | None
    book: BookView | None  # only for the book's example (regression to any value)


def loss_table() -> list[TableRow]:
    return [
        TableRow(problem=p.name, losses=list(p.losses), output_activation=p.activations[-1])
        for p in PROBLEMS.values()
    ]


class BackpropLab(StepThroughLab):
    name = "backprop"
    commands = command_adapter(SetProblem, LoadBookStage, LoadPreset, SetTarget, *TRAINING_COMMANDS)
    State = BackpropState

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.trainer = Trainer(settings)
        self._book: tuple[float | None, BookView | None] = (None, None)
        self.load(PROBLEMS[DEFAULT_PROBLEM])
        self.preset: str | None = "b4_start"  # the default problem is figure B-4

    # --- state --------------------------------------------------------------------------

    def load(self, problem: Problem) -> None:
        self.problem = problem
        self.model = build_model(problem.activations, self.preset_weights(problem))
        self.x = np.array(problem.x, dtype=float)
        self.y = np.array(problem.y, dtype=float)
        self.trainer.apply(
            TrainingSettings(loss=problem.losses[0], learning_rate=problem.learning_rate)
        )
        self.sync()

    @staticmethod
    def preset_weights(problem: Problem) -> list[LayerWeights]:
        return [
            LayerWeights(w=[list(r) for r in w], b=None if b is None else list(b))
            for w, b in zip(problem.weights, problem.biases, strict=True)
        ]

    def reset(self) -> None:
        if self.preset is not None:
            self.load_preset(self.preset)
        else:
            self.load(self.problem)

    def load_preset(self, name: str) -> None:
        self.load(PROBLEMS["regression"])
        self.set_stage(PRESETS[name])
        self.preset = name

    def set_stage(self, name: str) -> None:
        stage = BOOK_STAGES[name]
        self.model.set_weights([{"w": stage.w1}, {"w": stage.w2}])
        self.trainer.cancel()
        self.trainer.optimizer.reset()

    def modified(self) -> bool:
        """Whether the page still shows the figure `preset` as loaded."""
        if self.preset is None:
            return False
        stage, problem = BOOK_STAGES[PRESETS[self.preset]], PROBLEMS["regression"]
        settings = TrainingSettings(loss=problem.losses[0], learning_rate=problem.learning_rate)
        return not (
            self.problem is problem
            and all(
                np.array_equal(layer.params["w"], w)
                for layer, w in zip(self.model.layers, (stage.w1, stage.w2), strict=True)
            )
            and np.array_equal(self.y, problem.y)
            and self.trainer.settings_model() == settings
            and not self.trainer.walking
        )

    def batch(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x, self.y

    def handle(self, command: BaseModel) -> None:
        if self.handle_training(command):
            return
        match command:
            case SetProblem(problem=name):
                self.load(PROBLEMS[name])
                self.preset = None
            case LoadPreset(name=name):
                self.load_preset(name)
            case LoadBookStage(stage=name):
                if self.problem.name != "regression":
                    self.load(PROBLEMS["regression"])
                self.set_stage(name)
                self.preset = next(p for p, s in PRESETS.items() if s == name)
            case SetTarget(sample=sample, j=j, value=value):
                self.require_index(sample, self.y.shape[0], "sample")
                self.require_index(j, self.y.shape[1], "j")
                self.y[sample, j] = self.check_value(value, "target")
                self.trainer.cancel()
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    def snapshot(self) -> BackpropState:
        return BackpropState(
            problem=self.problem.name,
            preset=self.preset,
            weights=weights_of(self.model),
            targets=self.y.tolist(),
            training=self.trainer.settings_model(),
        )

    def restore(self, state: BackpropState) -> None:
        problem = PROBLEMS[state.problem]
        like = build_model(problem.activations, self.preset_weights(problem))
        model = restore_model(problem.activations, state.weights, like, self.settings.max_abs_value)
        targets = np.array(state.targets, dtype=float)
        if targets.shape != np.shape(problem.y):
            raise LabError("bad_state", "The targets do not fit the batch.", detail="targets")
        self.trainer.check_learning_rate(state.training.learning_rate)
        self.load(problem)
        self.model, self.y = model, targets
        self.trainer.apply(state.training)
        self.preset = state.preset if state.problem == "regression" else None
        self.sync()

    # --- the frame ----------------------------------------------------------------------

    def frame(self) -> BackpropFrame:
        out, layers = forward_view(self.model, self.x)
        return BackpropFrame(
            problem=self.problem.name,
            preset=self.preset,
            modified=self.modified(),
            table=loss_table(),
            x=self.x.tolist(),
            y=self.y.tolist(),
            layers=layers,
            prediction=out.tolist(),
            loss_now=self.loss_now(out),
            metrics=self.metrics(out),
            training=self.trainer.view(),
            step_through=self.trainer.step_through_view(),
            book=self.book() if self.problem.name == "regression" else None,
        )

    def loss_now(self, out: np.ndarray) -> LossView | None:
        """The chosen loss of the current prediction, with the pieces of its formula."""
        loss = self.trainer.loss
        try:
            check_loss_fits(self.model, loss)
            check_targets(loss, self.y)
        except LabError:
            return None
        parts = loss_terms(loss, out, self.y)
        _, dpred = evaluate(loss, out, self.y)
        if not (np.isfinite(parts["value"]) and np.all(np.isfinite(dpred))):
            return None
        return loss_view(loss, False, parts, dpred)

    def metrics(self, out: np.ndarray) -> Metrics:
        accuracy = None
        if self.problem.name == "multiclass":
            accuracy = metrics.accuracy(out, self.y)
        elif self.problem.name in CLASSIFICATION:  # one yes/no decision per output
            accuracy = metrics.accuracy(out.reshape(-1), self.y.reshape(-1))
        return Metrics(
            accuracy=accuracy,
            misclassification=None if accuracy is None else 1.0 - accuracy,
            mse=metrics.mse(out, self.y),
        )

    # --- the book's example -----------------------------------------------------------

    def book(self) -> BookView:
        """Computed once per learning rate: the book's stages and the gradient step from them."""
        lr = self.trainer.optimizer.learning_rate
        if self._book[0] != lr:
            self._book = (lr, self.compute_book(lr))
        return self._book[1]

    def compute_book(self, lr: float) -> BookView:
        x, y = np.array(BOOK_X), np.array(BOOK_Y)
        stages = []
        for stage in BOOK_STAGES.values():
            model = build_model(
                ("linear", "linear"), [LayerWeights(w=stage.w1), LayerWeights(w=stage.w2)]
            )
            stages.append(
                self.stage_view(stage.name, model, x, y, stage.note, stage.book_prediction)
            )
        start = build_model(
            ("linear", "linear"),
            [LayerWeights(w=BOOK_STAGES["start"].w1), LayerWeights(w=BOOK_STAGES["start"].w2)],
        )
        record = step_through(copy.deepcopy(start), x, y, "mse", Optimizer("sgd", learning_rate=lr))
        hidden, output = record.layers
        book_w2 = np.array(BOOK_STAGES["book_step1"].w2)
        after = self.stage_view(
            "gradient_step",
            build_model(
                ("linear", "linear"),
                [
                    LayerWeights(w=hidden.update["w"].new.tolist()),
                    LayerWeights(w=output.update["w"].new.tolist()),
                ],
            ),
            x,
            y,
        )
        return BookView(
            stages=stages,
            gradient_step=GradientStepView(
                learning_rate=lr,
                dw1=hidden.dw.tolist(),
                dw2=output.dw.tolist(),
                after=after,
                book_step1_learning_rates=((output.w - book_w2) / output.dw).ravel().tolist(),
            ),
            target=float(y[0, 0]),
        )

    @staticmethod
    def stage_view(name, model, x, y, note=None, book_prediction=None) -> BookStageView:
        out, layers = forward_view(model, x)
        hidden = np.array(layers[0].a[0])
        w2 = model.layers[1].params["w"][:, 0]
        prediction = float(out[0, 0])
        return BookStageView(
            name=name,
            w1=layers[0].w,
            w2=layers[1].w,
            hidden=hidden.tolist(),
            products=(w2 * hidden).tolist(),
            prediction=prediction,
            book_prediction=prediction if book_prediction is None else book_prediction,
            loss=metrics.mse(out, y),
            note=note,
        )
