"""B.4: gradient descent on loss landscapes."""

from app.labs.common.lessons import Lesson, Section
from app.labs.descent.lab import DescentLab
from app.labs.descent.tour import STEPS

LESSON = Lesson(
    lab=DescentLab,
    sections=(Section("B.4", "section.b4", "/descent", place=4),),
    tour_steps=STEPS,
    first_screen=("curve-plot", "point"),
    settings=("max_trail_points", "landscape_grid"),
)
