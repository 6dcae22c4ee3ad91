"""The shipped 8x8 digits are exactly the set scikit-learn gave (the app no longer needs it)."""

import hashlib
from importlib import resources

import numpy as np

from neural_playground.engine.data.digits import load_digits

# sha256 of scikit-learn 1.9.1's load_digits(): its data as uint8 bytes, then its target as
# uint8 bytes (computed while scikit-learn was still installed, before it was dropped).
SKLEARN_SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"
SKLEARN_LABEL_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_the_digits_are_scikit_learns_pixel_for_pixel():
    pixels, labels = load_digits()
    assert pixels.shape == (1797, 64) and labels.shape == (1797,)
    assert pixels.dtype == np.uint8 and labels.dtype == np.uint8
    assert pixels.min() == 0 and pixels.max() == 16
    assert np.bincount(labels).tolist() == SKLEARN_LABEL_COUNTS
    digest = hashlib.sha256(pixels.tobytes() + labels.tobytes()).hexdigest()
    assert digest == SKLEARN_SHA256


def test_the_digits_are_read_once_and_cannot_be_changed_by_a_caller():
    pixels, labels = load_digits()
    assert load_digits()[0] is pixels
    assert not pixels.flags.writeable and not labels.flags.writeable


def test_the_licence_and_provenance_ship_beside_the_data():
    folder = resources.files("neural_playground.engine.data")
    text = folder.joinpath("DIGITS_LICENSE.txt").read_text()
    assert "BSD 3-Clause License" in text and "Optical Recognition of Handwritten Digits" in text
    assert folder.joinpath("digits.csv.gz").read_bytes()[:2] == b"\x1f\x8b"  # gzip
