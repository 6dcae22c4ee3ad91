"""B.3+: the 2-D playground, which trains what B.3 and B.4 explain on points in the plane."""

from app.labs.common.lessons import Lesson, Section
from app.labs.playground.lab import PlaygroundLab
from app.labs.playground.presets import PRESETS
from app.labs.playground.tour import STEPS

LESSON = Lesson(
    lab=PlaygroundLab,
    sections=(Section("B.3+", "section.playground", "/playground", place=4.5),),
    tour_steps=STEPS,
    first_screen=("plot", "test-loss", "iteration"),
    context={"presets": list(PRESETS)},
    settings=("max_classes",),
)
