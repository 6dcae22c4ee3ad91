"""B.7: recurrent networks, unrolled in time."""

from neural_playground.app.labs.common.lessons import Lesson, Section
from neural_playground.app.labs.rnn.lab import RnnLab

LESSON = Lesson(
    lab=RnnLab,
    sections=(Section("B.7", "section.b7", "/rnn", place=7),),
    # The unrolled table starts there; it is tall.
    first_screen=("cursor-label", "prediction"),
    settings=("rnn_max_hidden", "rnn_max_length", "rnn_max_symbols", "rnn_max_steps_per_request"),
)
