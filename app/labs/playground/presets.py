"""The playground's examples: each sets the data, the features, the layers and how they train,
so that one idea of B.1, B.3 and B.4 shows on points in the plane.

The book calls a network with one hidden layer a single-layer network (단일 신경망) and one
with two or more a multi-layer network, a deep learning model (B.1). The first examples have
no hidden layer at all: the output neuron alone, which can only draw a straight line.

A preset is a whole setting without weights: the network starts from the fresh weights of its
`init_seed` at step 0, and the points come from the data's seed, so every example (and every
tour step that trains it) gives the same numbers each time. The numbers are checked in
tests/app/test_playground_presets.py.
"""

from dataclasses import dataclass, field

from neural_playground.app.labs.playground.spec import DataSpec, NetworkSpec, ViewSpec

#: Every input feature: the big network of the overfitting examples.
ALL_FEATURES = ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"]


@dataclass(frozen=True)
class PlaygroundPreset:
    data: DataSpec
    network: NetworkSpec
    view: ViewSpec = field(default_factory=ViewSpec)


def no_hidden_layer(features: list[str], learning_rate: float = 0.03) -> NetworkSpec:
    """The output neuron alone: sigmoid(w·features + b) draws one straight border."""
    return NetworkSpec(features=features, hidden=[], activations=[], learning_rate=learning_rate)


def overfitting_data() -> DataSpec:
    # 40 training points (20 %) of a noisy circle: few enough for a big network to learn
    # each one by heart, the other 160 show how it does on points it has not seen.
    return DataSpec(kind="circle", n_points=200, noise=30, train_ratio=20)


def big_network(**changes) -> NetworkSpec:
    return NetworkSpec(
        features=ALL_FEATURES,
        hidden=[8, 8, 8],
        activations=["tanh"] * 3,
        learning_rate=0.03,
        optimizer="adam",
        **changes,
    )


PRESETS: dict[str, PlaygroundPreset] = {
    # Two round clouds: one straight line separates them; 100 % within 50 steps.
    "gauss_line": PlaygroundPreset(
        data=DataSpec(kind="gauss", n_points=200), network=no_hidden_layer(["x1", "x2"])
    ),
    # The same network on the circle: no straight line can, it stays near 50-60 %.
    "circle_line": PlaygroundPreset(
        data=DataSpec(kind="circle", n_points=200), network=no_hidden_layer(["x1", "x2"])
    ),
    # X₁² and X₂² as inputs: the border x1² + x2² = r² is a straight line in them.
    "circle_squares": PlaygroundPreset(
        data=DataSpec(kind="circle", n_points=200), network=no_hidden_layer(["x1_sq", "x2_sq"])
    ),
    # One hidden layer of 4 tanh neurons (the book's single-layer network): each draws a
    # line, the output combines them into a closed border.
    "circle_hidden": PlaygroundPreset(
        data=DataSpec(kind="circle", n_points=200),
        network=NetworkSpec(hidden=[4], activations=["tanh"], learning_rate=0.3),
    ),
    # XOR: the product X₁X₂ is positive exactly where the class is 1.
    "xor_product": PlaygroundPreset(
        data=DataSpec(kind="xor", n_points=200), network=no_hidden_layer(["x1", "x2", "x1_x2"])
    ),
    # The spiral: sin features and three hidden layers (a deep learning model), with Adam.
    "spiral_deep": PlaygroundPreset(
        data=DataSpec(kind="spiral", n_points=300),
        network=NetworkSpec(
            features=["x1", "x2", "sin_x1", "sin_x2"],
            hidden=[8, 8, 8],
            activations=["tanh"] * 3,
            learning_rate=0.01,
            optimizer="adam",
        ),
    ),
    # Regression on the plane with η = 3: every step overshoots further; it diverges within
    # a few steps (η = 0.01 fits it).
    "too_large_rate": PlaygroundPreset(
        data=DataSpec(kind="plane", n_points=200), network=no_hidden_layer(["x1", "x2"], 3.0)
    ),
    # A big network on few noisy points: the training loss falls to 0, the test loss does not.
    "overfitting": PlaygroundPreset(
        data=overfitting_data(), network=big_network(), view=ViewSpec(show_test=True)
    ),
    # The same with an L2 penalty (0.03 · Σw²): smoother borders, a lower test loss.
    "regularized": PlaygroundPreset(
        data=overfitting_data(),
        network=big_network(regularization="l2", regularization_rate=0.03),
        view=ViewSpec(show_test=True),
    ),
    # Three classes: one output per class, softmax and categorical cross-entropy.
    "three_classes": PlaygroundPreset(
        data=DataSpec(kind="multi_gauss", n_points=300, classes=3),
        network=NetworkSpec(hidden=[4], activations=["tanh"]),
    ),
}
