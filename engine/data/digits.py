"""The 1,797 handwritten digits of 8x8 pixels (UCI "optdigits", as scikit-learn ships them).

``digits.csv.gz`` beside this module is scikit-learn's own copy of the file, byte for byte
(``sklearn/datasets/data/digits.csv.gz``, scikit-learn 1.9.1), under scikit-learn's BSD
3-Clause licence (``DIGITS_LICENSE.txt``, which also says where the data came from). It is
the test set of the UCI "Optical Recognition of Handwritten Digits" data (E. Alpaydin,
C. Kaynak, 1998): 32x32 bitmaps of 13 writers counted in 4x4 blocks, so every pixel is an
integer 0..16. One row per image: 64 pixels row by row, then the digit.

Shipped with the engine (found with ``importlib.resources``, so an installed package finds
it too), which spares the app scikit-learn and SciPy for 57 kB of data.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

import numpy as np

SIDE = 8
N_DIGITS = 1797
MAX_INK = 16  # each pixel counts the inked dots of a 4x4 block
DATA_FILE = "digits.csv.gz"


@cache
def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Pixels (1797, 64) uint8 in 0..16, row-major 8x8, and labels (1797,) uint8 in 0..9.

    Read once per process; both arrays are read-only (callers share them).
    """
    with resources.files(__package__).joinpath(DATA_FILE).open("rb") as raw:
        text = gzip.decompress(raw.read()).decode("ascii")
    table = np.loadtxt(text.splitlines(), delimiter=",", dtype=np.uint8)
    pixels, labels = table[:, :-1].copy(), table[:, -1].copy()
    pixels.setflags(write=False)
    labels.setflags(write=False)
    return pixels, labels
