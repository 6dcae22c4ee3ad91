"""B.1-B.2: neurons, weights and activations on a small network you can edit."""

from app.labs.common.lessons import Lesson, Section
from app.labs.neurons.lab import NeuronsLab
from app.labs.neurons.presets import PRESETS
from app.labs.neurons.tour import STEPS

LESSON = Lesson(
    lab=NeuronsLab,
    sections=(
        Section("B.1", "section.b1", "/neurons?preset=b1_stroke", place=1),
        Section("B.2", "section.b2", "/neurons?preset=b2_weighted", place=2),
    ),
    tour_steps=STEPS,
    first_screen=("network", "output-value"),
    context={"presets": list(PRESETS)},
)
