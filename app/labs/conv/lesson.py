"""B.6: convolution and pooling, window by window."""

from neural_playground.app.labs.common.lessons import Lesson, Section
from neural_playground.app.labs.conv.lab import ConvLab
from neural_playground.app.labs.conv.presets import FIGURES

LESSON = Lesson(
    lab=ConvLab,
    sections=(Section("B.6", "section.b6", "/conv", place=6),),
    first_screen=("conv-rows", "arithmetic"),
    context={"figures": list(FIGURES)},
    settings=(
        "conv_max_stride",
        "conv_max_padding",
        "conv_max_kernel_value",
        "conv_head_steps",
        "conv_head_cache",
    ),
)
