"""B.8: the GAN, reached from the autoencoder's page (B.8 has one card on the map)."""

from app.labs.autoencoder.lesson import GENERATIVE_LIMITS
from app.labs.common.lessons import Lesson
from app.labs.gan.lab import GanLab
from app.labs.gan.presets import PRESETS
from app.labs.gan.tour import STEPS

LESSON = Lesson(
    lab=GanLab,
    tour_steps=STEPS,
    first_screen=("plane", "readings"),
    context={"presets": list(PRESETS)},
    page_settings=GENERATIVE_LIMITS,
    settings=(
        "gan_heatmap_cells",
        "slow_motion_seconds",
        "gan_equilibrium_warmup",
        "gan_equilibrium_patience",
    ),
)
