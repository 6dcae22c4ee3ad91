"""What the digits page draws: the frame model, and `DigitsRendering`, the part of
`DigitsLab` that measures both networks (cached until the weights change) and renders the
filters, the shown digit's feature maps, the curves, the confusion matrix and the misses."""

from typing import Literal

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.base import CHANGES, Parts
from neural_playground.app.labs.common.numbers import finite_or_none, rounded
from neural_playground.app.labs.digits.commands import Config
from neural_playground.engine.activations import softmax
from neural_playground.engine.convnet import Evaluation, confusion
from neural_playground.engine.data.digits import MAX_INK, SIDE
from neural_playground.engine.layers import Activation, Conv2D, Flatten
from neural_playground.engine.layers.pooling import Pool2D

MAX_WRONG = 24  # misclassified test digits sent; the page says how many there are in all
CHART_DECIMALS = 4


class StageView(BaseModel):
    """The maps after one step of the conv network, for the digit shown."""

    kind: Literal["input", "conv", "pool"]
    block: int  # which convolution block (0 for the input)
    shape: tuple[int, int, int]  # channels, rows, columns
    maps: list[list[list[float]]]  # (channels, rows, cols), after ReLU for a "conv" stage
    scale: float  # the largest |value| of the stage: one shade scale for all its maps


class FilterBank(BaseModel):
    """One convolution layer's learned filters: weights (filters, channels, k, k), biases."""

    block: int
    weights: list[list[list[list[float]]]]
    biases: list[float]
    scale: float  # the largest |weight|, for shading


class RunView(BaseModel):
    name: Literal["conv", "dense"]
    params: int
    #: On the latest training batches (the curves' last point); None before the first point.
    train_loss: float | None
    train_accuracy: float | None
    test_loss: float | None
    test_accuracy: float
    probabilities: list[float]  # for the digit shown
    predicted: int


class InputView(BaseModel):
    source: Literal["test", "drawing"]
    index: int  # in the test set (the digit a drawing started from)
    label: int | None  # the true digit; None for a drawing
    pixels: list[int]  # 64 ink values 0..16, row by row


class WrongDigit(BaseModel):
    index: int  # in the test set
    label: int
    predicted: int
    pixels: list[int]


class Curves(BaseModel):
    steps: list[int]
    conv: dict[str, list[float]]  # train_loss, test_loss, train_accuracy, test_accuracy
    dense: dict[str, list[float]]


class DigitsFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: Literal["digits"] = "digits"
    preset: str | None
    config: Config
    step: int
    epoch: int
    n_train: int
    n_test: int
    max_ink: int
    side: int
    dense_hidden: int
    stages: list[StageView]
    filters: list[FilterBank]
    input: InputView
    runs: list[RunView]
    confusion: list[list[int]]  # conv network, test digits: row = true, column = predicted
    wrong: list[WrongDigit]
    wrong_count: int
    curves: Curves
    diverged: bool


class DigitsRendering:
    """The part of `DigitsLab` that measures both networks and renders the frame."""

    def forget_measures(self) -> None:
        """The weights changed: measures are taken again when next asked."""
        self._measures: dict[int, Evaluation] = {}

    def measure(self, run: int) -> Evaluation:
        """Network `run` on every test digit (cached for the current weights). The training
        digits are not measured whole: five times as many, they would slow every frame; the
        curves' batches say how training goes."""
        if run not in self._measures:
            rows = self.data.test
            x = self.data.x(rows) if run == 0 else self.data.flat(rows)
            self._measures[run] = self.runs[run].evaluate(x, self.data.labels[rows])
        return self._measures[run]

    def shown_pixels(self) -> np.ndarray:
        if self.drawing is not None:
            return self.drawing
        return self.data.pixels[self.data.test[self.selected]].astype(int)

    def frame(self, parts: Parts = CHANGES) -> DigitsFrame:
        with np.errstate(all="ignore"):
            return self.render()

    def render(self) -> DigitsFrame:
        pixels = self.shown_pixels()
        image = (pixels / MAX_INK).reshape(1, 1, SIDE, SIDE)
        conv, dense = (run.model for run in self.runs)
        outputs = conv.layer_outputs(image)
        test = self.measure(0)
        label = self.data.labels[self.data.test]
        wrong = np.flatnonzero(test.predicted != label)
        index = self.data.test[self.selected]
        return DigitsFrame(
            preset=self.preset,
            config=self.config,
            step=self.step_count,
            epoch=self.step_count * self.config.batch_size // len(self.data.train),
            n_train=len(self.data.train),
            n_test=len(self.data.test),
            max_ink=MAX_INK,
            side=SIDE,
            dense_hidden=self.hidden,
            stages=self.stage_views(image, outputs),
            filters=[
                FilterBank(
                    block=k,
                    weights=rounded(layer.params["w"], CHART_DECIMALS),
                    biases=rounded(layer.params["b"], CHART_DECIMALS),
                    scale=round(float(np.abs(layer.params["w"]).max()), CHART_DECIMALS),
                )
                for k, layer in enumerate(la for la in conv.layers if isinstance(la, Conv2D))
            ],
            input=InputView(
                source="test" if self.drawing is None else "drawing",
                index=self.selected,
                label=None if self.drawing is not None else int(self.data.labels[index]),
                pixels=pixels.tolist(),
            ),
            runs=[
                self.run_view(0, softmax(outputs[-1])[0]),
                self.run_view(1, softmax(dense.predict(image.reshape(1, -1)))[0]),
            ],
            confusion=confusion(test.predicted, label).tolist(),
            wrong=[
                WrongDigit(
                    index=int(i),
                    label=int(label[i]),
                    predicted=int(test.predicted[i]),
                    pixels=self.data.pixels[self.data.test[i]].tolist(),
                )
                for i in wrong[:MAX_WRONG]
            ],
            wrong_count=len(wrong),
            curves=self.curves(),
            diverged=self.diverged,
        )

    def stage_views(self, image: np.ndarray, outputs: list[np.ndarray]) -> list[StageView]:
        """The input, then per block its feature maps (after ReLU, if on) and pooled maps."""
        views = [StageView(kind="input", block=0, shape=(1, SIDE, SIDE),
                           maps=rounded(image[0]), scale=1.0)]  # fmt: skip
        layers = self.runs[0].model.layers
        block = -1
        for k, layer in enumerate(layers):
            if isinstance(layer, Flatten):
                break
            if isinstance(layer, Conv2D):
                block += 1
            last_of_conv = isinstance(layer, Activation) or (
                isinstance(layer, Conv2D) and not isinstance(layers[k + 1], Activation)
            )
            if last_of_conv or isinstance(layer, Pool2D):
                maps = outputs[k][0]
                views.append(
                    StageView(
                        kind="pool" if isinstance(layer, Pool2D) else "conv",
                        block=block,
                        shape=maps.shape,
                        maps=rounded(maps),
                        scale=round(float(np.abs(maps).max()), CHART_DECIMALS),
                    )
                )
        return views

    def run_view(self, k: int, probabilities: np.ndarray) -> RunView:
        test = self.measure(k)
        last = self.curve.values[-1][4 * k : 4 * k + 4] if self.curve.values else [None] * 4
        return RunView(
            name=("conv", "dense")[k],
            params=self.runs[k].model.n_params,
            train_loss=None if last[0] is None else finite_or_none(last[0]),
            train_accuracy=last[2],
            test_loss=finite_or_none(test.loss),
            test_accuracy=test.accuracy,
            probabilities=rounded(probabilities),
            predicted=int(np.argmax(probabilities)),
        )

    def curves(self) -> Curves:
        names = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
        values = np.asarray(self.curve.values).reshape(-1, 2, len(names))
        series = [
            {name: rounded(values[:, k, j], CHART_DECIMALS) for j, name in enumerate(names)}
            for k in range(2)
        ]
        return Curves(steps=self.curve.steps, conv=series[0], dense=series[1])
