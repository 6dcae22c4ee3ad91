"""The playground's settings and whole state as data: what a shared link or a file holds.

Separate from the lab so that the frame (`playground_frame`) can show the same models the
commands change, without importing the lab.
"""

from typing import Literal

from pydantic import Field

from neural_playground.app.labs.neurons.commands import DenseWeights
from neural_playground.app.protocol import FiniteFloat, Message
from neural_playground.engine.data.datasets import DATASET_NAMES, PROBLEMS
from neural_playground.engine.data.features import FEATURE_NAMES
from neural_playground.engine.optimizers import OPTIMIZER_NAMES
from neural_playground.engine.regularizers import REGULARIZER_NAMES

DatasetKind = Literal[(*DATASET_NAMES, "custom")]  # type: ignore[valid-type]
FeatureName = Literal[FEATURE_NAMES]  # type: ignore[valid-type]
#: Hidden-layer activations on offer: step has no gradient and softmax belongs to outputs.
HiddenActivation = Literal["tanh", "relu", "sigmoid", "linear", "leaky_relu"]
OptimizerName = Literal[OPTIMIZER_NAMES]  # type: ignore[valid-type]
RegularizationName = Literal[REGULARIZER_NAMES]  # type: ignore[valid-type]
Problem = Literal[PROBLEMS]  # type: ignore[valid-type]
PointIn = tuple[FiniteFloat, FiniteFloat, FiniteFloat]

# Static upper bounds for the models; the settings' (smaller) limits are checked by the lab.
MANY = 100_000


class DataSpec(Message):
    """Which points: a generator and its knobs (TensorFlow Playground's ranges), or "custom"."""

    kind: DatasetKind = "circle"
    n_points: int = Field(500, ge=2, le=MANY)
    noise: float = Field(0.0, ge=0, le=50)  # percent, as TensorFlow Playground shows it
    train_ratio: float = Field(50.0, ge=10, le=90)  # percent of the points that train
    classes: int = Field(3, ge=3, le=8)  # for the multi-class generators
    seed: int = Field(0, ge=0, le=2**32 - 1)


class NetworkSpec(Message):
    """The network and how it trains."""

    features: list[FeatureName] = Field(default_factory=lambda: ["x1", "x2"], min_length=1)
    hidden: list[int] = Field(default_factory=lambda: [4, 2], max_length=64)
    activations: list[HiddenActivation] = Field(
        default_factory=lambda: ["tanh", "tanh"], max_length=64
    )
    learning_rate: FiniteFloat = Field(0.03, gt=0)
    optimizer: OptimizerName = "sgd"
    batch_size: int = Field(10, ge=1, le=MANY)
    regularization: RegularizationName = "none"
    regularization_rate: FiniteFloat = Field(0.0, ge=0)
    init_seed: int = Field(0, ge=0, le=2**32 - 1)


class ViewSpec(Message):
    """How the page shows the plane: the test points too, and the output in steps."""

    show_test: bool = False
    discretize: bool = False


class PlaygroundState(Message):
    """Everything to rebuild the page exactly: data, network, weights, settings.

    Generated points are not listed: (kind, n_points, noise, seed) regenerate them exactly,
    which keeps shared links short. `points` are the uploaded ones (kind "custom"), `added`
    the ones clicked in.
    """

    version: Literal[1] = 1
    data: DataSpec = Field(default_factory=DataSpec)
    problem: Problem | None = None  # of the uploaded points; generated kinds imply theirs
    points: list[PointIn] = Field(default_factory=list, max_length=MANY)
    added: list[PointIn] = Field(default_factory=list, max_length=MANY)
    network: NetworkSpec = Field(default_factory=NetworkSpec)
    step: int = Field(0, ge=0)
    weights: list[DenseWeights] | None = None  # None: fresh ones from network.init_seed
    view: ViewSpec = Field(default_factory=ViewSpec)
    #: The example last loaded (app/labs/playground/presets.py), None after a weight was
    #: edited; the frame says whether the page still shows it as loaded.
    preset: str | None = Field(None, max_length=64)
