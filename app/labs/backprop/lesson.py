"""B.3: backpropagation, one phase at a time, with the book's numbers."""

from neural_playground.app.labs.backprop.lab import BackpropLab
from neural_playground.app.labs.common.lessons import Lesson, Section

LESSON = Lesson(
    lab=BackpropLab,
    sections=(Section("B.3", "section.b3", "/backprop", place=3),),
    first_screen=("network", "loss-now"),
)
