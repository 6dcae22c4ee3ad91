"""Compact heatmaps for frames: a grid of engine values as one byte per cell, in base64.

A 100 x 100 decision surface as JSON numbers would be ~60 kB per frame; as bytes in base64
it is 13 kB (and the websocket's per-message deflate shrinks it further). One byte (256
levels) is finer than any colour scale can show. The page decodes a cell as
``lo + byte / 255 * (hi - lo)``; ``lo`` and ``hi`` travel with the map.
"""

import base64

import numpy as np
from pydantic import BaseModel


class Heatmap(BaseModel):
    """size x size cells, row 0 at the top (largest x2), column 0 at the left (smallest x1)."""

    size: int
    lo: float
    hi: float
    data: str  # base64 of size*size bytes


def encode_bytes(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype=np.uint8).tobytes()).decode()


def heatmap(values: np.ndarray, lo: float, hi: float) -> Heatmap:
    """Quantize a square grid of values (clipped to [lo, hi]) to one byte per cell."""
    values = np.asarray(values, dtype=np.float64)
    size = values.shape[0]
    if values.shape != (size, size):
        raise ValueError(f"a heatmap needs a square grid, got {values.shape}")
    if not hi > lo:
        raise ValueError(f"a heatmap needs hi > lo, got {lo} and {hi}")
    # The lab keeps weights finite, so this is a last guard: an overflow to +-inf shows as
    # the end of the scale and NaN as its middle, instead of an arbitrary byte.
    if not np.isfinite(values).all():
        values = np.nan_to_num(values, nan=(lo + hi) / 2, posinf=hi, neginf=lo)
    scaled = np.rint((np.clip(values, lo, hi) - lo) / (hi - lo) * 255.0)
    return Heatmap(size=size, lo=float(lo), hi=float(hi), data=encode_bytes(scaled))


def signed_heatmap(values: np.ndarray) -> Heatmap:
    """A map centred on 0 (sign matters): from -s to s, s = max(1, max |value|).

    The floor of 1 keeps a neuron that barely varies looking pale instead of stretching its
    tiny range over the whole colour scale.
    """
    scale = max(1.0, float(np.max(np.abs(values)))) if np.size(values) else 1.0
    return heatmap(values, -scale, scale)


def decode(map_: Heatmap) -> np.ndarray:
    """The map's cell values back as floats (to test what the page will draw)."""
    raw = np.frombuffer(base64.b64decode(map_.data), dtype=np.uint8).astype(np.float64)
    return (map_.lo + raw / 255.0 * (map_.hi - map_.lo)).reshape(map_.size, map_.size)
