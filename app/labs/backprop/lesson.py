"""B.3: backpropagation, one phase at a time, with the book's numbers."""

from app.labs.backprop.lab import BackpropLab
from app.labs.backprop.presets import PRESETS
from app.labs.backprop.tour import STEPS
from app.labs.common.lessons import Lesson, Section

LESSON = Lesson(
    lab=BackpropLab,
    sections=(Section("B.3", "section.b3", "/backprop", place=3),),
    tour_steps=STEPS,
    first_screen=("network", "loss-now"),
    context={"presets": list(PRESETS)},
)
