"""B.3+: the 2-D playground, which trains what B.3 and B.4 explain on points in the plane."""

from neural_playground.app.labs.common.lessons import Lesson, Section
from neural_playground.app.labs.playground.lab import PlaygroundLab

LESSON = Lesson(
    lab=PlaygroundLab,
    sections=(Section("B.3+", "section.playground", "/playground", place=4.5),),
    first_screen=("plot", "test-loss", "iteration"),
    settings=("max_classes",),
)
