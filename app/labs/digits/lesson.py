"""B.6, second part: a small CNN learns real handwritten digits, beside a dense network."""

from neural_playground.app.labs.common.lessons import Lesson, Section
from neural_playground.app.labs.digits.lab import DigitsLab

LESSON = Lesson(
    lab=DigitsLab,
    sections=(Section("B.6+", "section.b6_digits", "/digits", place=6.5),),
    first_screen=("feature-maps", "accuracy"),
    settings=("max_curve_points",),
)
