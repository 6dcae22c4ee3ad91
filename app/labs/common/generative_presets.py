"""The examples of the generative pages (B.8): figure B-25's autoencoder and figure B-26's
GAN, each as changes to its lab's default state (seed 0, fresh weights, untrained).
"""

from typing import Any

AUTOENCODER_PRESETS: dict[str, dict[str, Any]] = {
    # Figure B-25: 8x8 digits, 64 -> 32 -> 2 -> 32 -> 64: a code of two numbers (the default).
    "b25_compress": {},
    # A wider code, 16 numbers: less squeezed, sharper reconstructions.
    "b25_wide_code": {"bottleneck": 16},
    # Denoising: the encoder sees the digits with noise, the decoder must give them clean.
    "b25_denoise": {"noise": 0.3},
}

GAN_PRESETS: dict[str, dict[str, Any]] = {
    # Figure B-26 on the plane: G turns 2-D noise into points that should lie on a ring.
    "b26_ring": {"data": "ring"},
    # Three separate clusters: can G cover them all?
    "b26_mixture": {"data": "mixture"},
    # Figure B-26 with images: G draws 8x8 digits from 8 numbers of noise.
    "b26_digits": {"data": "digits"},
}
