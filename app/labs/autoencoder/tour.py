"""The tour of B.8.1, following the book's argument: an autoencoder compresses its input
into a small code and rebuilds it (figure B-25); what the code holds; why the copy comes out
blurred; and how the same network learns to remove noise. The GAN's tour continues B.8."""

from app.labs.common.tours import TourStep

TRAIN = {"type": "step", "steps": 300}


def preset(name: str) -> dict:
    return {"type": "load_preset", "name": name}


STEPS = (
    # Figure B-25: 64 -> 32 -> 2 -> 32 -> 64, untrained: the copies are noise.
    TourStep(
        key="structure",
        section="B.8",
        commands=(preset("b25_compress"),),
        highlight=("shape", "originals", "reconstructions"),
    ),
    # 300 steps: the copies become digits, a little blurred.
    TourStep(
        key="reconstruct",
        section="B.8",
        commands=(preset("b25_compress"), TRAIN),
        highlight=("reconstructions", "loss-chart", "blur"),
    ),
    # The code: every image is a point of the plane; a point decodes into an image.
    TourStep(
        key="code",
        section="B.8",
        commands=(preset("b25_compress"), TRAIN, {"type": "decode", "x": 0.0, "y": 0.0}),
        highlight=("latent", "probe", "probe-text"),
    ),
    # A code of 16 numbers: less squeezed, sharper copies.
    TourStep(
        key="wide_code",
        section="B.8",
        commands=(preset("b25_wide_code"), TRAIN),
        highlight=("blur", "reconstructions"),
    ),
    # Denoising: noisy inputs, clean copies.
    TourStep(
        key="denoise",
        section="B.8",
        commands=(preset("b25_denoise"), TRAIN),
        highlight=("inputs", "reconstructions"),
    ),
    TourStep(key="your_turn", section="B.8", highlight=("draw-pad", "to-gan")),
)
