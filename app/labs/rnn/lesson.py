"""B.7: recurrent networks, unrolled in time."""

from app.labs.common.lessons import Lesson, Section
from app.labs.rnn.lab import RnnLab
from app.labs.rnn.presets import PRESETS
from app.labs.rnn.tour import STEPS

LESSON = Lesson(
    lab=RnnLab,
    sections=(Section("B.7", "section.b7", "/rnn", place=7),),
    tour_steps=STEPS,
    # The unrolled table starts there; it is tall.
    first_screen=("cursor-label", "prediction"),
    context={"presets": list(PRESETS)},
    settings=(
        "rnn_max_hidden",
        "rnn_max_length",
        "rnn_max_symbols",
        "rnn_max_steps_per_request",
    ),
)
