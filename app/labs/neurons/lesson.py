"""B.1-B.2: neurons, weights and activations on a small network you can edit."""

from neural_playground.app.labs.common.lessons import Lesson, Section
from neural_playground.app.labs.neurons.lab import NeuronsLab

LESSON = Lesson(
    lab=NeuronsLab,
    sections=(
        Section("B.1", "section.b1", "/neurons?preset=b1_stroke", place=1),
        Section("B.2", "section.b2", "/neurons?preset=b2_weighted", place=2),
    ),
    first_screen=("network", "output-value"),
)
