"""B.8: the GAN, reached from the autoencoder's page (B.8 has one card on the map)."""

from neural_playground.app.labs.autoencoder.lesson import GENERATIVE_LIMITS
from neural_playground.app.labs.common.lessons import Lesson
from neural_playground.app.labs.gan.lab import GanLab

LESSON = Lesson(
    lab=GanLab,
    first_screen=("plane", "readings"),
    page_settings=GENERATIVE_LIMITS,
    settings=(
        "gan_heatmap_cells",
        "slow_motion_seconds",
        "gan_equilibrium_warmup",
        "gan_equilibrium_patience",
    ),
)
