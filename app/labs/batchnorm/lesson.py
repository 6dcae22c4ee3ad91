"""B.5: batch normalization in deep networks."""

from app.labs.batchnorm.lab import BatchNormLab
from app.labs.batchnorm.presets import PRESETS
from app.labs.batchnorm.tour import STEPS
from app.labs.common.lessons import Lesson, Section

LESSON = Lesson(
    lab=BatchNormLab,
    sections=(Section("B.5", "section.b5", "/batchnorm", place=5),),
    tour_steps=STEPS,
    first_screen=("histograms", "summary-batchnorm"),
    context={"presets": list(PRESETS)},
    settings=("batchnorm_max_layers", "max_curve_points"),
)
