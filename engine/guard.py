"""Has training blown up? One rule for every network the labs train.

Training has *diverged* when the loss is not a finite number, or when any parameter is
not finite or larger in magnitude than ``limit``:

    diverged  <=>  not isfinite(loss)  or  any |p| > limit (NaN and infinity included)

The magnitude limit matters: a network on its way to infinity can spend many steps with
weights of 1e40 or 1e200 and a loss that is still a (huge) finite number, and what a page
shows then is meaningless. The labs pass the server's ``NP_MAX_ABS_VALUE``, the bound every
weight a learner types or restores must respect, so training never makes a network that
could not have been typed in.

    params_within(model, limit)           every parameter finite and |p| <= limit
    arrays_within(arrays, limit)          the same for bare arrays
    diverged(loss, model, limit)          the whole rule, after one training step
    with divergence_guard(layers, limit)  a burst of steps, back to the last good one if it blows up
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import numpy as np

from neural_playground.engine.layers.base import Layer
from neural_playground.engine.model import Sequential

#: What the checks accept as "the parameters": a model, its layers, or one dict
#: name -> array per layer (e.g. an update computed but not written into the layers yet).
Params = Sequential | Iterable[Layer] | Iterable[Mapping[str, np.ndarray]]


def _param_dicts(params: Params) -> Iterator[Mapping[str, np.ndarray]]:
    layers = params.layers if isinstance(params, Sequential) else params
    for layer in layers:
        yield layer.params if isinstance(layer, Layer) else layer


def params_within(params: Params, limit: float) -> bool:
    """True when every parameter is finite and at most ``limit`` in magnitude.

    ``limit`` must be a positive finite number (``|inf| <= inf`` would let infinity in).
    """
    return arrays_within((p for layer in _param_dicts(params) for p in layer.values()), limit)


def arrays_within(arrays: Iterable[np.ndarray], limit: float) -> bool:
    """``params_within`` for bare arrays (a burst's next weights, before they are kept)."""
    if not (math.isfinite(limit) and limit > 0):
        raise ValueError(f"limit must be a positive finite number, got {limit}")
    # Called after every training step, so cheap on small arrays: when the sum of squares is
    # at most limit^2, every |p| is (a float sum of non-negative terms is never below its
    # largest term). Only otherwise (large values, or NaN and infinity, for which every
    # comparison is False) the extremes decide.
    bound = limit * limit
    for p in arrays:
        if not np.vdot(p, p) <= bound and not (-limit <= p.min() and p.max() <= limit):
            return False
    return True


def diverged(loss: float, params: Params, limit: float) -> bool:
    """True when a step's loss is not finite or left a parameter non-finite or beyond
    ``limit``: the step must be undone and training stopped."""
    return not (math.isfinite(loss) and params_within(params, limit))


@contextmanager
def divergence_guard(layers: Iterable[Layer], limit: float) -> Iterator[Guard]:
    """Run a training burst, calling ``guard.check(loss)`` after each step; if it diverges (a
    loss reported is not finite, or a parameter is not finite or beyond ``limit``), put the
    weights back as they were after the last good step and report it through
    ``guard.diverged``. The caller stops at the first failed check and counts only the steps
    that passed, so the step count and the weights kept always agree.

    Overflow warnings are silenced inside: a diverging run is an expected outcome that the
    page explains, not an error.
    """
    guard = Guard(layers, limit)
    with np.errstate(all="ignore"):
        try:
            yield guard
        finally:
            # Also catches steps taken after the last check (or a burst that never checked).
            if guard.diverged or not params_within(guard.layers, limit):
                guard.diverged = True
                guard.put_back()


class Guard:
    """Inside a ``divergence_guard`` burst: ``check`` after each step keeps the weights of the
    last good step (a copy: the networks here are small) or marks the burst as diverged."""

    diverged = False

    def __init__(self, layers: Iterable[Layer], limit: float) -> None:
        self.layers = list(layers)
        self.limit = limit
        self.good = self._copy()

    def _copy(self) -> list[dict[str, np.ndarray]]:
        return [{k: p.copy() for k, p in layer.params.items()} for layer in self.layers]

    def check(self, *values: float) -> bool:
        """True while every value is finite and the parameters within the limit (the weights
        are then kept as the last good ones); otherwise marks the burst as diverged."""
        if all(np.isfinite(v) for v in values) and params_within(self.layers, self.limit):
            self.good = self._copy()
            return True
        self.diverged = True
        return False

    def put_back(self) -> None:
        """The weights of the last good step (those before the burst if none was good)."""
        for layer, params in zip(self.layers, self.good, strict=True):
            for key, value in params.items():
                layer.params[key][...] = value
