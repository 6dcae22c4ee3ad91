"""The tour of B.1-B.2, following the book's argument: a plain sum, then weights, then the
activation function as an on/off switch, then the stroke example and a deeper network."""

from neural_playground.app.labs.common.tours import preset, section_steps

B1 = "node-0-0"  # the hidden node the book follows

step = section_steps("B.2")

STEPS = (
    # B1 = B2 = B3 = 1 - 2 + 3 = 2, R1 = 6 (the page notes the book's "B1 + B2").
    step("plain_sum", preset("b2_plain_sum"), highlight=(B1, "output-value")),
    # Figure B-2: B1 = 1x1 + 0.5x(-2) + 0.3x3 = 0.9.
    step(
        "weights",
        preset("b2_weighted"),
        highlight=("edge-0-0-0", "edge-0-1-0", "edge-0-2-0", B1),
    ),
    # A weight of 0 stops a signal: B1 = 1 + 0 + 0.9 = 1.9.
    step(
        "weight_zero",
        preset("b2_weighted"),
        {"type": "set_weight", "layer": 0, "i": 1, "j": 0, "value": 0},
        highlight=("edge-0-1-0", B1),
    ),
    # Figure B-3: ReLU passes f(0.9) = 0.9: the switch is on.
    step("relu_on", preset("b2_relu"), highlight=(B1, "activation-0")),
    # Weight 1.5 on G2: the sum is -0.1, ReLU gives 0: the switch is off.
    step("relu_off", preset("b2_relu_off"), highlight=("edge-0-1-0", B1)),
    # Figure B-1: age, glucose and BMI to a probability of a stroke.
    step(
        "stroke",
        preset("b1_stroke"),
        highlight=("output-value", "output-decision"),
        section="B.1",
    ),
    # Two hidden layers: a multi-layer network, a deep learning model.
    step(
        "deep",
        preset("b1_deep"),
        highlight=("arch-kind", "node-1-0", "node-1-1", "node-1-2"),
        section="B.1",
    ),
    # No commands: the learner keeps the network and plays.
    step("your_turn", section="B.1"),
)
