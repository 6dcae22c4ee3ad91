"""The examples of the GAN page (B.8): figure B-26's GAN, each as changes to the lab's
default state (seed 0, fresh weights, untrained)."""

from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    # Figure B-26 on the plane: G turns 2-D noise into points that should lie on a ring.
    "b26_ring": {"data": "ring"},
    # Three separate clusters: can G cover them all?
    "b26_mixture": {"data": "mixture"},
    # Figure B-26 with images: G draws 8x8 digits from 8 numbers of noise.
    "b26_digits": {"data": "digits"},
}
