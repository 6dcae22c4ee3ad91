"""The tour of B.7, following the book's argument: a network with a memory of what came
before (figure B-22, the book's next word), the same network unrolled through time (B-23)
and trained by backpropagation through time, whose gradient vanishes or explodes on the way
back, then the LSTM's gates and long-term memory (B-24) and the slimmer GRU."""

from neural_playground.app.labs.common.tours import preset, section_steps

step = section_steps("B.7")

STEPS = (
    # B-22: "resident" + "registration" -> ?; the input and the memory of the last step.
    step("sequences", preset("b22_next_word"), highlight=("unroll", "task-hint", "note")),
    # After 20 training steps (a request's most on this page) the plain RNN says "number".
    step(
        "next_word",
        preset("b22_next_word"),
        {"type": "step", "steps": 20},
        highlight=("prediction", "probabilities", "loss-chart"),
    ),
    # B-23: unrolled over a 10-day price window (its input row), the same weights at every step.
    step("unrolled", preset("b23_unrolled"), highlight=("unroll", "equation")),
    # BPTT over 30 steps: step 0 gets 0.00353 of the last step's gradient (vanishing).
    step("vanishing", preset("b7_vanishing"), highlight=("bptt-chart", "bptt-summary")),
    # Recurrent weights three times as strong: 813 times (exploding).
    step("exploding", preset("b7_exploding"), highlight=("bptt-chart", "bptt-summary", "scale")),
    # Clipping caps every step's gradient at 1.
    step(
        "clipping",
        preset("b7_exploding"),
        {"type": "set_clip", "clip": 1.0},
        highlight=("bptt-chart", "clip-on"),
    ),
    # B-24: the LSTM's three gates and its cell state carry the symbol for 20 steps.
    step("lstm", preset("b24_lstm"), highlight=("gates", "equation", "bptt-summary")),
    # The GRU: two gates, fewer parameters than the LSTM.
    step("gru", preset("b7_gru"), highlight=("gates", "compare")),
    step("your_turn", highlight=("task",)),
)
