"""The examples of the autoencoder page (B.8): figure B-25's autoencoder, each as changes to
the lab's default state (seed 0, fresh weights, untrained)."""

from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    # Figure B-25: 8x8 digits, 64 -> 32 -> 2 -> 32 -> 64: a code of two numbers (the default).
    "b25_compress": {},
    # A wider code, 16 numbers: less squeezed, sharper reconstructions.
    "b25_wide_code": {"bottleneck": 16},
    # Denoising: the encoder sees the digits with noise, the decoder must give them clean.
    "b25_denoise": {"noise": 0.3},
}
