"""B.4: gradient descent on loss landscapes."""

from neural_playground.app.labs.common.lessons import Lesson, Section
from neural_playground.app.labs.descent.lab import DescentLab

LESSON = Lesson(
    lab=DescentLab,
    sections=(Section("B.4", "section.b4", "/descent", place=4),),
    first_screen=("curve-plot", "point"),
    settings=("max_trail_points", "landscape_grid"),
)
