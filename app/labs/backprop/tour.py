"""The tour of B.3, following the book's argument: what a loss function measures and which
one the table picks, then the 2-2-1 example adjusted by hand (figures B-4 to B-7, with
gentle notes on the book's two slips), then the same adjustment computed by backpropagation
and gradient descent, repeated until the prediction settles."""

from app.labs.common.tours import TourStep

START = {"type": "load_preset", "name": "b4_start"}
PHASE = {"type": "step_phase"}

STEPS = (
    # The table's first row: a classifier, its loss and its accuracy.
    TourStep(
        key="loss_table",
        section="B.3",
        commands=({"type": "set_problem", "problem": "binary"},),
        highlight=("loss-table", "loss-now", "metrics"),
    ),
    # Figure B-4: inputs 2 and 1, hidden 4 and 2, prediction 5 against 3; MSE 4.
    TourStep(
        key="book_example",
        section="B.3",
        commands=(START,),
        highlight=("node-1-0", "loss-now", "batch"),
    ),
    # Figure B-5: output weights 0.8 and 0.4 give 3.2 + 0.8 = 4 (the book: 0.32 + 0.8).
    TourStep(
        key="output_weights",
        section="B.3",
        commands=({"type": "load_preset", "name": "b5_output_weights"},),
        highlight=("edge-1-0-0", "edge-1-1-0", "book-book_step1", "book-notes"),
    ),
    # Figures B-6, B-7: hidden outputs 3.3 and 1.7, prediction 3.32 (the book: 3.4).
    TourStep(
        key="first_layer",
        section="B.3",
        commands=({"type": "load_preset", "name": "b6_first_layer"},),
        highlight=("node-0-0", "node-0-1", "book-book_step2", "book-notes"),
    ),
    # Backpropagation computes the blame: dL/dw = 16 and 8 for the output weights.
    TourStep(
        key="gradients",
        section="B.3",
        commands=(START, PHASE, PHASE, PHASE, PHASE),
        highlight=("edge-grad-1-0-0", "edge-grad-1-1-0", "st-explain"),
    ),
    # One gradient step at 0.0125: 1 -> 0.8, 0.5 -> 0.4 (the book's step 1), ŷ 5 -> 3.75.
    TourStep(
        key="update",
        section="B.3",
        commands=(START, PHASE, PHASE, PHASE, PHASE, PHASE, PHASE),
        highlight=("edge-1-0-0", "edge-1-1-0", "st-update-text", "book-gradient_step"),
    ),
    # The book's step 3: repeat. Five iterations bring the prediction to 3.046.
    TourStep(
        key="repeat",
        section="B.3",
        commands=(START, {"type": "step", "steps": 5}),
        highlight=("node-1-0", "loss-now", "st-step"),
    ),
    # No commands: the learner keeps the network and plays.
    TourStep(key="your_turn", section="B.3", highlight=("loss-table",)),
)
