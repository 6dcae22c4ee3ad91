"""What the B.3 page draws: the frame model, and `BackpropRendering`, the part of
`BackpropLab` that renders it: the loss table, the loss and metrics now, and the book's
worked example (its stages and one gradient step, with the engine's numbers)."""

from __future__ import annotations

import copy
from typing import Literal

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.backprop.presets import (
    BOOK_STAGES,
    BOOK_X,
    BOOK_Y,
    PROBLEMS,
)
from neural_playground.app.labs.common.base import CHANGES, Parts
from neural_playground.app.labs.common.batch_network import (
    ForwardLayer,
    LayerWeights,
    build_model,
    forward_view,
)
from neural_playground.app.labs.common.stepthrough_frame import (
    LossView,
    StepThroughView,
    TrainingView,
    loss_view,
)
from neural_playground.app.labs.common.training import (
    check_loss_fits,
    check_targets,
)
from neural_playground.app.protocol import LabError
from neural_playground.engine import metrics
from neural_playground.engine.losses import evaluate, loss_terms
from neural_playground.engine.optimizers import Optimizer
from neural_playground.engine.stepthrough import step_through

CLASSIFICATION = ("binary", "multiclass", "multilabel")


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


class BackpropRendering:
    """The part of `BackpropLab` that renders the frame, with the book's worked example."""

    def frame(self, parts: Parts = CHANGES) -> BackpropFrame:
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
        elif self.problem.name in CLASSIFICATION and np.isin(self.y, (0, 1)).all():
            # One yes/no decision per output; a target the learner set to 0.5 is no class.
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
