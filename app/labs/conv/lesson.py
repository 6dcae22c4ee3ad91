"""B.6: convolution and pooling, window by window."""

from app.labs.common.lessons import Lesson, Section
from app.labs.conv.lab import ConvLab
from app.labs.conv.presets import FIGURES
from app.labs.conv.tour import STEPS

LESSON = Lesson(
    lab=ConvLab,
    sections=(Section("B.6", "section.b6", "/conv", place=6),),
    tour_steps=STEPS,
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
