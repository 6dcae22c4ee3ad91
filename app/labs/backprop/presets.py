"""B.3's networks: the book's 2-2-1 example, and one small problem per row of the loss table.

The book's table (tf.keras losses, after Chollet, "Deep Learning with Python"):

    problem type                         loss
    binary classification                binary_crossentropy
    single-label multi-class             categorical_crossentropy
    multi-label multi-class              binary_crossentropy
    regression to any value              mse
    regression to values between 0 and 1 mse or binary_crossentropy

Weights are per Dense layer `w[i][j]` (from neuron i before to neuron j); `b` None means the
layer has no bias (the book's example has none).
"""

from dataclasses import dataclass

Matrix = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Problem:
    name: str
    losses: tuple[str, ...]  # the table's recommendation, first one used by default
    activations: tuple[str, ...]  # one per Dense layer
    weights: tuple[Matrix, ...]
    biases: tuple[tuple[float, ...] | None, ...]
    x: Matrix
    y: Matrix
    learning_rate: float

    @property
    def sizes(self) -> list[int]:
        return [len(self.weights[0]), *(len(w[0]) for w in self.weights)]


# Four points of two features, shared by the classification rows so they are easy to compare.
FOUR_X: Matrix = ((2.0, 1.0), (1.0, 3.0), (-1.0, -2.0), (3.0, -1.0))
HIDDEN_2X3: Matrix = ((0.5, -0.4, 0.3), (-0.3, 0.6, 0.2))
HIDDEN_2X2: Matrix = ((0.5, -0.4), (-0.3, 0.6))

# B.3, figure B-4: inputs 2 and 1; first-layer weights chosen so the hidden outputs are
# 4 = 2*1 + 1*2 and 2 = 2*0.5 + 1*1 (the text gives only these outputs); output weights
# 1 and 0.5, so the prediction is 1*4 + 0.5*2 = 5 against the target 3. No activation.
BOOK_W1: Matrix = ((1.0, 0.5), (2.0, 1.0))
BOOK_W2: Matrix = ((1.0,), (0.5,))
BOOK_X: Matrix = ((2.0, 1.0),)
BOOK_Y: Matrix = ((3.0,),)


def sigmoid_output_problem(name: str, losses: tuple[str, ...], y: Matrix) -> Problem:
    """The 2-2-1 network with a sigmoid output on the four points: the binary row and the
    row of values between 0 and 1 share it, only their targets (and losses) differ."""
    return Problem(
        name=name,
        losses=losses,
        activations=("tanh", "sigmoid"),
        weights=(HIDDEN_2X2, ((0.8,), (-0.6,))),
        biases=((0.0, 0.0), (0.0,)),
        x=FOUR_X,
        y=y,
        learning_rate=0.5,
    )


PROBLEMS: dict[str, Problem] = {
    p.name: p
    for p in (
        sigmoid_output_problem(
            "binary", ("binary_crossentropy",), ((1.0,), (0.0,), (0.0,), (1.0,))
        ),
        Problem(
            name="multiclass",
            losses=("categorical_crossentropy",),
            activations=("tanh", "softmax"),
            weights=(HIDDEN_2X3, ((0.4, -0.2, 0.1), (-0.3, 0.5, 0.2), (0.2, 0.1, -0.4))),
            biases=((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
            x=FOUR_X,
            y=((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (1.0, 0.0, 0.0)),
            learning_rate=0.5,
        ),
        Problem(
            name="multilabel",
            losses=("binary_crossentropy",),
            activations=("tanh", "sigmoid"),
            weights=(HIDDEN_2X3, ((0.4, -0.2), (-0.3, 0.5), (0.2, 0.1))),
            biases=((0.0, 0.0, 0.0), (0.0, 0.0)),
            x=FOUR_X,
            y=((1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (0.0, 0.0)),
            learning_rate=0.5,
        ),
        Problem(
            name="regression",
            losses=("mse",),
            activations=("linear", "linear"),
            weights=(BOOK_W1, BOOK_W2),
            biases=(None, None),
            x=BOOK_X,
            y=BOOK_Y,
            # With 0.0125 one gradient step moves the output weights 1 -> 0.8 and 0.5 -> 0.4,
            # exactly the book's hand-picked adjustment (the gradients are 16 and 8).
            learning_rate=0.0125,
        ),
        sigmoid_output_problem(
            "regression01", ("mse", "binary_crossentropy"), ((0.9,), (0.2,), (0.1,), (0.7,))
        ),
    )
}

DEFAULT_PROBLEM = "regression"


@dataclass(frozen=True)
class BookStage:
    """The book's hand adjustment of the 2-2-1 network, one figure at a time."""

    name: str
    w1: Matrix
    w2: Matrix
    note: str | None  # catalog key of a remark on the book's arithmetic
    book_prediction: float  # what the book writes


BOOK_STAGES: dict[str, BookStage] = {
    s.name: s
    for s in (
        BookStage("start", BOOK_W1, BOOK_W2, None, 5.0),  # figure B-4
        # Figure B-5: output weights lowered by hand, 1 -> 0.8 and 0.5 -> 0.4. The book
        # writes 0.8 x 4 + 0.4 x 2 = 0.32 + 0.8 = 4: the sum is right, 0.8 x 4 is 3.2.
        BookStage("book_step1", BOOK_W1, ((0.8,), (0.4,)), "note.b3_product_slip", 4.0),
        # Figures B-6 and B-7: all four first-layer weights changed a little so the hidden
        # outputs become 3.3 = 2*0.9 + 1*1.5 and 1.7 = 2*0.45 + 1*0.8 (the figure's own
        # weights are not in the text). The book reads 3.4; 0.8*3.3 + 0.4*1.7 is 3.32.
        BookStage(
            "book_step2", ((0.9, 0.45), (1.5, 0.8)), ((0.8,), (0.4,)), "note.b3_final_slip", 3.4
        ),
    )
}

#: The book's figures as presets (`load_preset`, `?preset=NAME`): the 2-2-1 example with the
#: weights of one stage, fresh from its start (targets and learning rate as loaded).
PRESETS: dict[str, str] = {
    "b4_start": "start",  # figure B-4: prediction 5 against the target 3
    "b5_output_weights": "book_step1",  # figure B-5: output weights by hand, prediction 4
    "b6_first_layer": "book_step2",  # figures B-6, B-7: first layer by hand, 3.32 (book: 3.4)
}
