"""A loss curve that stays small however long training runs.

Each point is the mean loss over an interval of steps. When the curve would exceed its
limit, neighbouring points are merged in pairs (their means averaged, the later step kept)
and the interval doubles, so points stay evenly spaced and the page receives at most
`limit` of them (rounded down to an even number).
"""

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

from neural_playground.app.protocol import FiniteFloat


class CurveState(BaseModel):
    """The whole curve, for snapshots: points so far and the part-filled interval."""

    steps: list[int] = Field(default_factory=list, max_length=5_000)
    values: list[list[FiniteFloat]] = Field(default_factory=list, max_length=5_000)
    every: int = Field(1, ge=1)
    pending_sum: list[FiniteFloat] = Field(default_factory=list, max_length=16)
    pending_count: int = Field(0, ge=0)


class LossCurve:
    """Mean losses of several series (e.g. two runs) recorded every `every` steps."""

    def __init__(self, series: int, limit: int) -> None:
        self.series = series
        self.limit = max(2, limit - limit % 2)  # even, so points always merge in whole pairs
        self.clear()

    def clear(self) -> None:
        self.steps: list[int] = []
        self.values: list[list[float]] = []  # values[i][k]: series k at point i
        self.every = 1
        self.pending_sum = np.zeros(self.series)
        self.pending_count = 0

    def add(self, step: int, losses: Sequence[float]) -> None:
        """Record the losses of training step `step` (counted from 1)."""
        self.pending_sum += losses
        self.pending_count += 1
        if self.pending_count < self.every:
            return
        self.steps.append(step)
        self.values.append((self.pending_sum / self.pending_count).tolist())
        self.pending_sum[:] = 0.0
        self.pending_count = 0
        if len(self.steps) >= self.limit:
            self.halve()

    def halve(self) -> None:
        pairs = len(self.steps) // 2
        merged = np.asarray(self.values[: 2 * pairs]).reshape(pairs, 2, self.series).mean(axis=1)
        self.steps = self.steps[1 : 2 * pairs : 2]
        self.values = merged.tolist()
        self.every *= 2

    def series_values(self, k: int) -> list[float]:
        return [point[k] for point in self.values]

    def state(self) -> CurveState:
        return CurveState(
            steps=list(self.steps),
            values=[list(v) for v in self.values],
            every=self.every,
            pending_sum=self.pending_sum.tolist(),
            pending_count=self.pending_count,
        )

    def load(self, state: CurveState) -> None:
        """Take a validated state; ValueError if it does not fit this curve."""
        if len(state.steps) != len(state.values) or len(state.steps) >= self.limit:
            raise ValueError("the curve's steps and values do not match its limit")
        if any(len(v) != self.series for v in state.values) or len(state.pending_sum) not in (
            0,
            self.series,
        ):
            raise ValueError(f"each curve point needs {self.series} values")
        self.steps = list(state.steps)
        self.values = [list(v) for v in state.values]
        self.every = state.every
        self.pending_sum = np.array(state.pending_sum or [0.0] * self.series, dtype=float)
        self.pending_count = state.pending_count
