"""What every saved state must pass before a lab restores it, whichever lab and whichever way
it came: `set_state` (a shared link, a file), a room's teacher, a parked session resumed from
Redis, the weights export.

A state comes from outside: its model (`Lab.State`) checks the types, and pydantic refuses NaN
and infinity, but a model cannot know the server's magnitude limit, nor that a list of rows is
a matrix. So, for every lab alike:

- every number in it (weights, biases, batch norm's gamma and beta, targets, inputs, points,
  kernels...) is at most `NP_MAX_ABS_VALUE` in magnitude: the bound every value a learner
  types must respect, and the one training never crosses (`engine/guard.py`), so any state
  the server made passes. Numbers the network's work measured are marked in the State:
  `READINGS` (loss curves, never fed back into a network) need only be finite, `Statistics`
  (batch norm's running mean and variance, which are) are bounded by the limit squared;
- every whole number (a step count, a seed) is at most `MAX_WHOLE`;
- every nested list of lists is rectangular (no ragged rows).

What is left (an array of the wrong length for the lab's network) is the lab's own `restore`
to refuse; `restore_saved` turns what a lab missed into the same refusal. All are `LabError`
`bad_state`, never an internal error.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from neural_playground.app.labs.common.base import Lab
from neural_playground.app.protocol import LabError, describe_validation_error

log = logging.getLogger(__name__)
T = TypeVar("T")

#: The largest whole number (step count, seed, size) a state may hold: a thousand steps a
#: second for thirty years, and small enough that a step times a batch size stays within
#: NumPy's 64-bit integers (a step of 2**63 broke the playground's batch order).
MAX_WHOLE = 10**12


class Readings:
    """Marks a field of a State (`Annotated[CurveState, READINGS]`) whose numbers are
    measurements such as losses: finite, of any size (a network on its way to diverging
    has huge losses with weights still within the limit)."""


READINGS = Readings()


@dataclass(frozen=True)
class Statistics:
    """Marks a field of a State holding layers' weights dicts whose entries named `keys` are
    statistics of what the network computed, not values a learner sets (batch norm's running
    mean and variance): bounded by the limit squared, a variance of values within the limit.
    Training keeps the weights, not these, within the limit: a healthy tanh network at a
    learning rate of 10 has running variances of 3e6 with weights of 1.4e3."""

    keys: frozenset[str]


def bad_state(detail: str) -> LabError:
    return LabError("bad_state", f"That saved state does not fit: {detail}", detail=detail)


def read_state(State: type[BaseModel], data: object, limit: float) -> BaseModel:
    """`data` as a `State`, if it passes its model and `check_numbers`; else `bad_state`."""
    try:
        state = State.model_validate(data)
    except ValidationError as exc:
        raise bad_state(describe_validation_error(exc)) from None
    check_numbers(state, limit)
    return state


def check_numbers(state: BaseModel, limit: float) -> None:
    """Every number of `state` within `limit` (finite, |x| <= limit) and every list of lists
    rectangular, but for fields marked `READINGS` or `Statistics`; `bad_state` naming the
    first culprit."""
    _check_model(state, _Bounds(limit), "")


@dataclass(frozen=True)
class _Bounds:
    """The bound of the numbers below a point of the state: None, finite is enough; and the
    keys of entries that are statistics."""

    limit: float | None
    statistics: frozenset[str] = frozenset()

    def of(self, field: FieldInfo) -> "_Bounds":
        for marker in field.metadata:
            if isinstance(marker, Readings):
                return _Bounds(None)
            if isinstance(marker, Statistics):
                return _Bounds(self.limit, marker.keys)
        return self

    def at(self, key: str) -> "_Bounds":
        if key in self.statistics and self.limit is not None:
            return _Bounds(self.limit**2)
        return self


def _check_model(model: BaseModel, bounds: _Bounds, where: str) -> None:
    for name, field in type(model).model_fields.items():
        _check(getattr(model, name), bounds.of(field), f"{where}{name}")


def _check(value: Any, bounds: _Bounds, where: str) -> None:
    """Lists of numbers are checked as one NumPy array (a playground's 100,000 points at C
    speed); models, dicts and lists of them item by item."""
    if isinstance(value, BaseModel):
        _check_model(value, bounds, f"{where}.")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(item, bounds.at(key), f"{where}.{key}")
    elif isinstance(value, list | tuple):
        try:
            array = np.asarray(value)
        except ValueError:  # NumPy: "inhomogeneous shape"
            raise bad_state(f"{where}: rows of different lengths where all must match.") from None
        if array.dtype == object:
            for index, item in enumerate(value):
                _check(item, bounds, f"{where}.{index}")
        elif array.dtype.kind == "f":
            _check_numbers(array, bounds.limit, where)
        elif array.dtype.kind in "iu":
            _check_numbers(array, MAX_WHOLE, where)
    elif isinstance(value, float):
        _check_numbers(np.asarray(value), bounds.limit, where)
    elif isinstance(value, int) and abs(value) > MAX_WHOLE:  # beyond int64 too: no array
        raise bad_state(f"{where}: {value:.3g} is not between -{MAX_WHOLE:g} and {MAX_WHOLE:g}.")


def _check_numbers(array: np.ndarray, limit: float | None, where: str) -> None:
    # |x| <= limit is False for NaN and infinity too: one comparison.
    fits = np.isfinite(array) if limit is None else np.abs(array) <= limit
    if not fits.all():
        index = tuple(int(i) for i in np.argwhere(~fits)[0])
        culprit = ".".join([where, *map(str, index)])
        bound = "finite" if limit is None else f"between -{limit:g} and {limit:g}"
        raise bad_state(f"{culprit}: {array[index]:g} is not {bound}.")


def restore_saved(lab: Lab, state: BaseModel, use: Callable[[Lab], T]) -> T:
    """`lab.restore(state)` for a state from outside, checked by `read_state`, then what
    `use(lab)` makes of it (the frame, the weights). Whatever refuses it, the lab is put back
    as it was: the lab's own `LabError` (raised by some labs once half the state was in),
    or its network refusing the state after all or failing to show it (an array of another
    length that its `restore` did not check: NumPy's ValueError or IndexError), which is
    refused as `bad_state`, like every other misfit."""
    previous = lab.snapshot()
    try:
        lab.restore(state)
        return use(lab)
    except LabError:
        lab.restore(previous)
        raise
    except (ValueError, IndexError) as exc:
        log.warning("a saved state the lab did not check", exc_info=True)
        lab.restore(previous)
        raise bad_state(str(exc)) from None
