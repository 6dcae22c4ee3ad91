"""B.5: batch normalization in deep networks."""

from neural_playground.app.labs.batchnorm.lab import BatchNormLab
from neural_playground.app.labs.common.lessons import Lesson, Section

LESSON = Lesson(
    lab=BatchNormLab,
    sections=(Section("B.5", "section.b5", "/batchnorm", place=5),),
    first_screen=("histograms", "summary-batchnorm"),
    settings=("batchnorm_max_layers", "max_curve_points"),
)
