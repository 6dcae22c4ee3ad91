"""B.8: the autoencoder (its page links to the GAN's)."""

from neural_playground.app.labs.autoencoder.lab import AutoencoderLab
from neural_playground.app.labs.common.lessons import Lesson, Section

#: The B.8 pages' controls show this server's limits (the GAN's page too).
GENERATIVE_LIMITS = {
    "max_latent": "max_latent",
    "max_width": "max_generative_width",
    "max_points": "max_drawn_points",
}

LESSON = Lesson(
    lab=AutoencoderLab,
    sections=(Section("B.8", "section.b8", "/autoencoder", place=8),),
    first_screen=("originals", "reconstructions"),
    page_settings=GENERATIVE_LIMITS,
    settings=("max_generative_width", "max_latent", "max_drawn_points"),
)
