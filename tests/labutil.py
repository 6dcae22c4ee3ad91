"""Helpers for the lab tests (tests/app/test_*_lab.py): what every lab promises alike."""

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from app.labs.common.base import Lab
from app.protocol import LabError


def refused(
    lab: Lab, command: BaseModel, code: str, view: Callable[[Lab], Any] = Lab.frame
) -> LabError:
    """`command` is refused with the error `code`, and what `view` shows (by default the
    frame) is as before: a refused command changes nothing."""
    before = view(lab)
    with pytest.raises(LabError) as info:
        lab.handle(command)
    assert info.value.code == code
    assert view(lab) == before
    return info.value


def restored(lab: Lab) -> Lab:
    """A new lab of `lab`'s kind restored from its snapshot, after the trip through JSON that
    a saved file or a shared link makes."""
    other = type(lab)(lab.settings)
    other.restore(type(lab).State.model_validate_json(lab.snapshot().model_dump_json()))
    return other


def train_until_diverged(lab: Lab, steps: int, rounds: int) -> None:
    """Train `steps` at a time, at most `rounds` times, stopping once the lab has diverged:
    it must have."""
    for _ in range(rounds):
        lab.train(steps)
        if lab.diverged:
            break
    assert lab.diverged


def steps_before_divergence(lab: Lab, params: Callable[[Lab], list], most: int) -> tuple[int, list]:
    """Train one step at a time, up to `most`: how many good steps `lab` takes before it
    diverges (some, and fewer than `most`), and its `params` after the last good one. The
    reference for a lab that takes those steps in one burst."""
    good, last_good = 0, params(lab)
    while good < most:
        lab.train(1)
        if lab.diverged:
            break
        good += 1
        last_good = params(lab)
    assert 0 < good < most  # it does diverge, after some good steps
    return good, last_good
