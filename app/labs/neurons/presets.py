"""The book's worked examples for B.1 and B.2, as network states the neurons lab can load.

Weights are given per Dense layer as `w[i][j]`: from neuron i of the layer before to neuron j.
`note` is a catalog key for a gentle remark where the book's own arithmetic slips.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NetworkPreset:
    name: str
    input_names: tuple[str, ...]  # catalog keys
    inputs: tuple[float, ...]
    activations: tuple[str, ...]  # one per Dense layer
    weights: tuple[tuple[tuple[float, ...], ...], ...]  # per layer: (n_in, n_out)
    biases: tuple[tuple[float, ...], ...] = field(default=())
    note: str | None = None
    # Training (B.3): the wanted output for these inputs, the loss and the learning rate.
    # The book's own B.3 example aims at 3; a probability output aims at the label 1.
    target: tuple[float, ...] = (3.0,)
    loss: str = "mse"
    learning_rate: float = 0.01

    @property
    def hidden(self) -> list[int]:
        return [len(w[0]) for w in self.weights[:-1]]


BOOK_INPUTS = ("input.g1", "input.g2", "input.g3")
ONES_3X3 = ((1.0, 1.0, 1.0),) * 3
# B-2: the first hidden node B1 gets the book's weights 1, 0.5, 0.3 (column 0);
# the other two keep the plain sum so the difference is visible side by side.
WEIGHTED_3X3 = ((1.0, 1.0, 1.0), (0.5, 1.0, 1.0), (0.3, 1.0, 1.0))
OUT_ONES = ((1.0,), (1.0,), (1.0,))
# B.1's first hidden layer: illustrative hand-set weights, not fitted to data.
STROKE_HIDDEN = ((0.04, 0.01, -0.02), (0.01, 0.02, 0.005), (0.03, -0.01, 0.04))
STROKE_HIDDEN_BIASES = (-3.0, -4.0, -1.0)


def b2_network(name: str, activation: str, hidden_weights, note: str | None = None):
    """B.2's network: inputs G1, G2, G3 = 1, -2, 3 into three hidden nodes (`hidden_weights`,
    with `activation`) that the output node adds up."""
    return NetworkPreset(
        name=name,
        input_names=BOOK_INPUTS,
        inputs=(1.0, -2.0, 3.0),
        activations=(activation, "linear"),
        weights=(hidden_weights, OUT_ONES),
        note=note,
    )


def b1_network(name: str, activations: tuple[str, ...], weights, biases):
    """B.1's stroke network: one patient's age, mean glucose and BMI through the first hidden
    layer, then the later layers (`weights`, `biases`) to a sigmoid read as a probability."""
    return NetworkPreset(
        name=name,
        input_names=("input.age", "input.glucose", "input.bmi"),
        inputs=(67.0, 228.7, 36.6),
        activations=activations,
        weights=(STROKE_HIDDEN, *weights),
        biases=(STROKE_HIDDEN_BIASES, *biases),
        target=(1.0,),  # a stroke (1) or not (0)
        loss="binary_crossentropy",
        learning_rate=0.0001,
    )


PRESETS: dict[str, NetworkPreset] = {
    p.name: p
    for p in (
        # B.2, before weights: every node is the plain sum of the one before it.
        b2_network("b2_plain_sum", "linear", ONES_3X3, note="note.b2_plain_sum"),
        # B.2, figure B-2: weights 1, 0.5, 0.3 give B1 = 0.9.
        b2_network("b2_weighted", "linear", WEIGHTED_3X3),
        # B.2, figure B-3: ReLU on the hidden layer; f(0.9) = 0.9 passes ("on").
        b2_network("b2_relu", "relu", WEIGHTED_3X3),
        # The "off" switch: a weight of 1.5 on G2 makes B1's sum negative, ReLU gives 0.
        b2_network("b2_relu_off", "relu", ((1.0, 1.0, 1.0), (1.5, 1.0, 1.0), (0.3, 1.0, 1.0))),
        # B.1, figure B-1: age, mean glucose and BMI -> stroke (1) or not (0).
        b1_network("b1_stroke", ("relu", "sigmoid"), [((0.8,), (0.6,), (-0.5,))], [(-2.0,)]),
        # B.1, multi-layer: the same inputs through two hidden layers (a "deep" model).
        b1_network(
            "b1_deep",
            ("relu", "relu", "sigmoid"),
            [((0.5, -0.3, 0.2), (0.4, 0.6, -0.2), (-0.3, 0.2, 0.7)), ((0.9,), (0.7,), (-0.6,))],
            [(0.0, -0.2, 0.1), (-1.5,)],
        ),
    )
}

DEFAULT_PRESET = "b2_weighted"
