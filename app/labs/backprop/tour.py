"""The tour of B.3, following the book's argument: what a loss function measures and which
one the table picks, then the 2-2-1 example adjusted by hand (figures B-4 to B-7, with
gentle notes on the book's two slips), then the same adjustment computed by backpropagation
and gradient descent, repeated until the prediction settles."""

from neural_playground.app.labs.common.tours import preset, section_steps

START = preset("b4_start")
PHASE = {"type": "step_phase"}

step = section_steps("B.3")

STEPS = (
    # The table's first row: a classifier, its loss and its accuracy.
    step(
        "loss_table",
        {"type": "set_problem", "problem": "binary"},
        highlight=("loss-table", "loss-now", "metrics"),
    ),
    # Figure B-4: inputs 2 and 1, hidden 4 and 2, prediction 5 against 3; MSE 4.
    step("book_example", START, highlight=("node-1-0", "loss-now", "batch")),
    # Figure B-5: output weights 0.8 and 0.4 give 3.2 + 0.8 = 4 (the book: 0.32 + 0.8).
    step(
        "output_weights",
        preset("b5_output_weights"),
        highlight=("edge-1-0-0", "edge-1-1-0", "node-1-0", "loss-now"),
    ),
    # Figures B-6, B-7: hidden outputs 3.3 and 1.7, prediction 3.32 (the book: 3.4).
    step(
        "first_layer",
        preset("b6_first_layer"),
        highlight=("node-0-0", "node-0-1", "node-1-0", "loss-now"),
    ),
    # Backpropagation computes the blame: dL/dw = 16 and 8 for the output weights.
    step(
        "gradients",
        START,
        PHASE,
        PHASE,
        PHASE,
        PHASE,
        highlight=("edge-grad-1-0-0", "edge-grad-1-1-0", "st-explain"),
    ),
    # One gradient step at 0.0125: 1 -> 0.8, 0.5 -> 0.4 (the book's step 1), ŷ 5 -> 3.75.
    step(
        "update",
        START,
        PHASE,
        PHASE,
        PHASE,
        PHASE,
        PHASE,
        PHASE,
        highlight=("edge-1-0-0", "edge-1-1-0", "st-update-text"),
    ),
    # The book's step 3: repeat. Five iterations bring the prediction to 3.046.
    step(
        "repeat",
        START,
        {"type": "step", "steps": 5},
        highlight=("node-1-0", "loss-now", "st-step"),
    ),
    # No commands: the learner keeps the network and plays.
    step("your_turn", highlight=("loss-table",)),
)
