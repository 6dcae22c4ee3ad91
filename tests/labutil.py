"""Helpers for the lab tests (tests/app/test_*_lab.py): what every lab promises alike."""

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel

from neural_playground.app.labs.common.base import Lab
from neural_playground.app.protocol import LabError


def command(lab: Lab | type[Lab], command_type: str, **fields: Any) -> BaseModel:
    """A command as the page sends it: JSON with its `type`, read by the lab's adapter."""
    return lab.commands.validate_json(json.dumps({"type": command_type, **fields}))


def send(lab: Lab, command_type: str, **fields: Any) -> BaseModel:
    """Handle `command(lab, command_type, **fields)`; the frame the page gets next."""
    lab.handle(command(lab, command_type, **fields))
    return lab.frame()


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


def burst_stops_at_the_last_good_step(
    make_lab: Callable[[], Lab], params: Callable[[Lab], list], most: int
) -> tuple[Lab, int]:
    """A lab (from `make_lab`) that diverges within `most` steps, trained in one burst of
    `most`, ends where a reference taking one step at a time does: after its last good step,
    with that step's count and `params`. The burst's lab and its good steps (some, fewer
    than `most`), for the lesson's own checks."""
    reference = make_lab()
    good, last_good = 0, params(reference)
    while good < most:
        reference.train(1)
        if reference.diverged:
            break
        good += 1
        last_good = params(reference)
    assert 0 < good < most  # it does diverge, after some good steps
    lab = make_lab()
    lab.train(most)
    assert lab.diverged and lab.step_count == good
    assert all(np.array_equal(a, b) for a, b in zip(params(lab), last_good, strict=True))
    return lab, good
