"""The tour of B.4, following the book's argument: the loss drawn as a function of one weight
(figure B-8, the loss w²), its slope at w = 3, 2, 1, 0 and −1 (figure B-9), the rule that
follows (lower w where the slope is positive, raise it where negative), then what the
learning rate does to the steps, two weights at once, and the B.3 network again."""

from neural_playground.app.labs.common.tours import preset, section_steps

PARABOLA = preset("b4_parabola")
W = {"layer": 0, "param": "w", "index": [0, 0]}


def at(value: float) -> dict:
    return {"type": "set_weight", "weight": W, "value": value}


def rate(value: float) -> dict:
    return {"type": "set_learning_rate", "value": value}


def steps(n: int) -> dict:
    return {"type": "step", "steps": n}


step = section_steps("B.4")

STEPS = (
    # Figure B-8: one input 1, target 0: L(w) = w², at w = 3 the loss is 9.
    step("loss_curve", PARABOLA, highlight=("curve-plot", "point")),
    # Figure B-9: the slope 2w flattens on the way down: 6, 4, 2 at w = 3, 2, 1.
    step("slope", PARABOLA, at(1), highlight=("curve-plot", "point")),
    # The bottom: slope 0 at w = 0, the loss at its minimum.
    step("bottom", PARABOLA, at(0), highlight=("point",)),
    # Past the bottom the slope is negative: −2 at w = −1, raise w.
    step("negative", PARABOLA, at(-1), highlight=("point",)),
    # Gradient descent at η = 0.1: each step multiplies w by 0.8; after 4, w = 1.229.
    step("descend", PARABOLA, steps(4), highlight=("behaviour", "st-update-text")),
    # η = 0.01: w shrinks by only 2 % a step (crawling).
    step("small_rate", PARABOLA, rate(0.01), steps(5), highlight=("behaviour", "st-lr")),
    # η = 0.9: w jumps across the valley, multiplied by −0.8 each step (oscillating).
    step("oscillate", PARABOLA, rate(0.9), steps(5), highlight=("behaviour", "st-lr")),
    # η = 1.1: multiplied by −1.2 each step, the loss grows (diverging).
    step("too_large", PARABOLA, rate(1.1), steps(5), highlight=("behaviour", "st-lr")),
    # Two weights: the loss is a surface; a long, narrow bowl where descent crawls.
    step("two_weights", preset("bowl"), steps(20), highlight=("surface-plot", "behaviour")),
    # The B.3 network: its two output weights, the same descent on a real network.
    step("b3_network", preset("b3_network"), steps(10), highlight=("surface-plot", "point")),
    step("your_turn", highlight=("network",)),
)
