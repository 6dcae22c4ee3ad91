"""A training curve that stays small however long training runs.

Each point is the mean of `stride` consecutive records; when the curve reaches twice its
`limit`, neighbouring points are merged and the stride doubles. So a frame always carries
at most 2 * limit points per series, and the early part of a long run is still there.
"""

from collections.abc import Sequence


class History:
    def __init__(self, keys: Sequence[str], limit: int = 150) -> None:
        self.keys = tuple(keys)
        self.limit = limit
        self.clear()

    def clear(self) -> None:
        self.steps: list[int] = []
        self.series: dict[str, list[float]] = {k: [] for k in self.keys}
        self.stride = 1
        self._sums = dict.fromkeys(self.keys, 0.0)
        self._count = 0

    def add(self, step: int, **values: float) -> None:
        """Record one value per key at `step` (callers record only finite values)."""
        for key in self.keys:
            self._sums[key] += values[key]
        self._count += 1
        if self._count < self.stride:
            return
        self.steps.append(step)
        for key in self.keys:
            self.series[key].append(self._sums[key] / self._count)
        self._sums = dict.fromkeys(self.keys, 0.0)
        self._count = 0
        if len(self.steps) >= 2 * self.limit:
            self._merge_pairs()

    def _merge_pairs(self) -> None:
        self.steps = self.steps[1::2]  # each merged point sits at the end of its window
        for key in self.keys:
            s = self.series[key]
            self.series[key] = [(a + b) / 2 for a, b in zip(s[::2], s[1::2], strict=False)]
        self.stride *= 2

    def to_dict(self, digits: int = 4) -> dict[str, list]:
        return {
            "step": list(self.steps),
            **{k: [round(v, digits) for v in s] for k, s in self.series.items()},
        }
