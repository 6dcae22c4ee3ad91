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
