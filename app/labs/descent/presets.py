"""B.4's networks: the book's loss w^2 (figures B-8, B-9), the B.3 network, and a bowl.

Each preset is a network without biases, one batch, the weights its views start on, and
the range the one-weight view starts with.
"""

from dataclasses import dataclass

from neural_playground.app.labs.backprop.presets import BOOK_W1, BOOK_W2, BOOK_X, BOOK_Y, Matrix

# A weight: (layer, "w" or "b", index in the array).
Coord = tuple[int, str, tuple[int, ...]]


@dataclass(frozen=True)
class DescentPreset:
    name: str
    activations: tuple[str, ...]
    weights: tuple[Matrix, ...]
    x: Matrix
    y: Matrix
    selected: tuple[Coord, ...]  # the weights the views start on (one or two)
    view_range: tuple[float, float]  # the range the views start with (each chosen weight)
    learning_rate: float
    marks: tuple[float, ...] = ()  # weights where the book draws the slope


# A straight line through the origin fitted to four points whose two inputs have very
# different scales: the loss is a long, narrow bowl, where a large step zigzags.
BOWL_X: Matrix = ((3.0, 0.5), (-2.0, 0.3), (1.0, -0.4), (-3.0, 0.2))
BOWL_Y: Matrix = tuple((1.0 * a - 2.0 * b,) for a, b in BOWL_X)  # the best weights: 1 and -2

PRESETS: dict[str, DescentPreset] = {
    p.name: p
    for p in (
        # One input 1, one weight w, target 0, MSE: the loss is (w*1 - 0)^2 = w^2 and its
        # slope 2w, so at w = 3, 2, 1, 0, -1 the slopes are 6, 4, 2, 0, -2.
        DescentPreset(
            name="b4_parabola",
            activations=("linear",),
            weights=(((3.0,),),),
            x=((1.0,),),
            y=((0.0,),),
            selected=((0, "w", (0, 0)),),
            view_range=(-4.0, 4.0),
            learning_rate=0.1,
            marks=(3.0, 2.0, 1.0, 0.0, -1.0),
        ),
        DescentPreset(
            name="b3_network",
            activations=("linear", "linear"),
            weights=(BOOK_W1, BOOK_W2),
            x=BOOK_X,
            y=BOOK_Y,
            selected=((1, "w", (0, 0)), (1, "w", (1, 0))),
            view_range=(-1.0, 2.0),
            learning_rate=0.01,
        ),
        DescentPreset(
            name="bowl",
            activations=("linear",),
            weights=(((-2.0,), (2.0,)),),
            x=BOWL_X,
            y=BOWL_Y,
            selected=((0, "w", (0, 0)), (0, "w", (1, 0))),
            view_range=(-3.0, 3.0),
            learning_rate=0.05,
        ),
    )
}

DEFAULT_PRESET = "b4_parabola"
