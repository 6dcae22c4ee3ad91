"""Compact heatmaps for frames: a grid of engine values as one byte per cell, in base64.

A 100 x 100 decision surface as JSON numbers would be ~60 kB per frame; as bytes in base64
it is 13 kB, and deflated first (`encoding` "deflate", zlib's format) about 4.5 kB: a smooth
surface compresses well, and the websocket's own compression is off (it costs the server
CPU for every learner; this is done once per frame, also for a whole room). One byte (256
levels) is finer than any colour scale can show. The page decodes a cell as
``lo + byte / 255 * (hi - lo)``; ``lo`` and ``hi`` travel with the map.
"""

import base64
import zlib
from typing import Literal

import numpy as np
from pydantic import BaseModel


class Heatmap(BaseModel):
    """size x size cells, row 0 at the top (largest x2), column 0 at the left (smallest x1)."""

    size: int
    lo: float
    hi: float
    data: str  # base64 of size*size bytes, deflated first if `encoding` says so
    encoding: Literal["bytes", "deflate"] = "bytes"


#: Deflate maps from this many cells up (small maps gain little and cost the page a wait).
DEFLATE_FROM_CELLS = 2500
DEFLATE_LEVEL = 6  # 10,000 cells: about 0.2 ms; level 1 saves 15 % less


def cell_bytes(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype=np.uint8).tobytes()


def encode_bytes(values: np.ndarray) -> str:
    return base64.b64encode(cell_bytes(values)).decode()


def quantize(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A square grid of values (clipped to [lo, hi]) as one byte per cell (uint8)."""
    values = np.asarray(values, dtype=np.float64)
    size = values.shape[0]
    if values.shape != (size, size):
        raise ValueError(f"a heatmap needs a square grid, got {values.shape}")
    return levels(values, np.float64(lo), np.float64(hi))


def levels(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Values as bytes, each on its scale: `lo` and `hi` broadcast against `values` (one
    scale for a map, or one per map along the last axis of a stack of maps)."""
    if not np.all(hi > lo):
        raise ValueError(f"a heatmap needs hi > lo, got {lo} and {hi}")
    values = np.asarray(values, dtype=np.float64)
    # The lab keeps weights finite, so this is a last guard: an overflow to +-inf shows as
    # the end of the scale (clipped) and NaN as its middle, instead of an arbitrary byte.
    if not np.isfinite(values).all():
        values = np.where(np.isnan(values), (lo + hi) / 2, values)
    return np.rint((np.clip(values, lo, hi) - lo) / (hi - lo) * 255.0).astype(np.uint8)


def from_bytes(cells: np.ndarray, lo: float, hi: float) -> Heatmap:
    size, lo, hi = cells.shape[0], float(lo), float(hi)
    if cells.size < DEFLATE_FROM_CELLS:
        return Heatmap(size=size, lo=lo, hi=hi, data=encode_bytes(cells))
    data = base64.b64encode(zlib.compress(cell_bytes(cells), DEFLATE_LEVEL)).decode()
    return Heatmap(size=size, lo=lo, hi=hi, data=data, encoding="deflate")


def cells_of(map_: Heatmap) -> np.ndarray:
    """The map's bytes, size x size, as the page reads them."""
    raw = base64.b64decode(map_.data)
    if map_.encoding == "deflate":
        raw = zlib.decompress(raw)
    return np.frombuffer(raw, dtype=np.uint8).reshape(map_.size, map_.size)


def heatmap(values: np.ndarray, lo: float, hi: float) -> Heatmap:
    """Quantize a square grid of values (clipped to [lo, hi]) to one byte per cell."""
    return from_bytes(quantize(values, lo, hi), lo, hi)


class SentMaps:
    """The maps last sent to a page, so that a frame can leave out those that look the same.

    "The same": the same scale and no cell more than `tolerance` levels (of 255) away, which
    no colour scale shows. Comparing with what was last *sent* (not last computed) lets a slow
    drift through as soon as it adds up.
    """

    def __init__(self) -> None:
        self.sent: dict[object, tuple[np.ndarray, float, float]] = {}
        #: What the maps last computed were computed from (see `playground_frame.map_inputs`):
        #: while it stays the same, so would every map, and none is computed again.
        self.source: object = None

    def clear(self) -> None:
        """The page has no map (a new page, new shapes): the next frame sends every one."""
        self.sent.clear()
        self.source = None

    def forget(self, key: object) -> None:
        """The page no longer keeps this map: the next one is sent whatever it looks like
        (so the next frame computes the maps again, even if nothing else changed)."""
        self.sent.pop(key, None)
        self.source = None

    def unchanged(self, key: object, cells: np.ndarray, lo: float, hi: float, tolerance=1) -> bool:
        previous = self.sent.get(key)
        same = (
            previous is not None
            and previous[1:] == (lo, hi)
            and previous[0].shape == cells.shape
            and int(np.max(np.abs(previous[0].astype(np.int16) - cells))) <= tolerance
        )
        if not same:
            self.sent[key] = (cells, lo, hi)
        return same

    def heatmap(self, key: object, values: np.ndarray, lo: float, hi: float) -> Heatmap | None:
        """The map, or None when the page already shows it."""
        return self.heatmap_of(key, quantize(values, lo, hi), lo, hi)

    def heatmap_of(self, key: object, cells: np.ndarray, lo: float, hi: float) -> Heatmap | None:
        """The map of quantized `cells`, or None when the page already shows it."""
        return None if self.unchanged(key, cells, lo, hi) else from_bytes(cells, lo, hi)


def decode(map_: Heatmap) -> np.ndarray:
    """The map's cell values back as floats (to test what the page will draw)."""
    raw = cells_of(map_).astype(np.float64)
    return map_.lo + raw / 255.0 * (map_.hi - map_.lo)
