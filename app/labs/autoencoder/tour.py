"""The tour of B.8.1, following the book's argument: an autoencoder compresses its input
into a small code and rebuilds it (figure B-25); what the code holds; why the copy comes out
blurred; and how the same network learns to remove noise. The GAN's tour continues B.8."""

from neural_playground.app.labs.common.tours import preset, section_steps

TRAIN = {"type": "step", "steps": 300}

step = section_steps("B.8")

STEPS = (
    # Figure B-25: 64 -> 32 -> 2 -> 32 -> 64, untrained: the copies are noise.
    step("structure", preset("b25_compress"), highlight=("shape", "originals", "reconstructions")),
    # 300 steps: the copies become digits, a little blurred.
    step(
        "reconstruct",
        preset("b25_compress"),
        TRAIN,
        highlight=("reconstructions", "blur"),
    ),
    # The code: every image is a point of the plane; a point decodes into an image.
    step(
        "code",
        preset("b25_compress"),
        TRAIN,
        {"type": "decode", "x": 0.0, "y": 0.0},
        highlight=("latent", "probe", "probe-text"),
    ),
    # A code of 16 numbers: less squeezed, sharper copies.
    step("wide_code", preset("b25_wide_code"), TRAIN, highlight=("blur", "reconstructions")),
    # Denoising: noisy inputs, clean copies.
    step("denoise", preset("b25_denoise"), TRAIN, highlight=("inputs", "reconstructions")),
    step("your_turn", highlight=("draw-pad", "to-gan")),
)
