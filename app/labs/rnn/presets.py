"""The examples of the recurrent-networks lab (B.7): the book's figures B-22 to B-24 and the
gradient problems its text describes, each as changes to the lab's default settings (seed 0,
8 hidden units, untrained).
"""

from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    # B-22: a recurrent network takes the current input and its own past; the book's
    # "resident" + "registration" -> "number".
    "b22_next_word": {"task": "words", "cell": "rnn"},
    # B-23: the same network unrolled through time, one column per day of a price window.
    "b23_unrolled": {"task": "series", "cell": "rnn", "length": 10},
    # Backpropagation through 30 steps: the plain RNN's gradient vanishes on the way back...
    "b7_vanishing": {"task": "series", "cell": "rnn", "length": 30},
    # ... or, with recurrent weights three times as strong, explodes.
    "b7_exploding": {"task": "series", "cell": "rnn", "length": 30, "recurrent_scale": 3.0},
    # B-24: the LSTM's gates and long-term memory, on a symbol to remember for 20 steps.
    "b24_lstm": {"task": "memory", "cell": "lstm", "length": 20},
    # The GRU: the LSTM slimmed down to two gates.
    "b7_gru": {"task": "memory", "cell": "gru", "length": 20},
}
