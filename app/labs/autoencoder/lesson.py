"""B.8: the autoencoder (its page links to the GAN's)."""

from app.labs.autoencoder.lab import AutoencoderLab
from app.labs.autoencoder.presets import PRESETS
from app.labs.autoencoder.tour import STEPS
from app.labs.common.lessons import Lesson, Section

#: The B.8 pages' controls show this server's limits (the GAN's page too).
GENERATIVE_LIMITS = {
    "max_latent": "max_latent",
    "max_width": "max_generative_width",
    "max_points": "max_drawn_points",
}

LESSON = Lesson(
    lab=AutoencoderLab,
    sections=(Section("B.8", "section.b8", "/autoencoder", place=8),),
    tour_steps=STEPS,
    first_screen=("originals", "reconstructions"),
    context={"presets": list(PRESETS)},
    page_settings=GENERATIVE_LIMITS,
    settings=("max_generative_width", "max_latent", "max_drawn_points"),
)
