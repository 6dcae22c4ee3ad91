"""The lock files pin every dependency pyproject.toml names, within its bounds, and agree.

`make` and the Dockerfile install from them; after changing a dependency, `make lock`.
"""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(name: str) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / name).read_text(), re.MULTILINE)
    return {canonicalize_name(package): version for package, version in found}


def unpinned(requirements: list[str], locked: dict[str, str]) -> list[str]:
    """Each requirement the lock misses, or pins outside its bounds."""
    wrong = []
    for text in requirements:
        requirement = Requirement(text)
        version = locked.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            wrong.append(f"{text} (locked: {version})")
    return wrong


def test_the_runtime_lock_pins_every_dependency():
    assert not unpinned(PROJECT["dependencies"], pins("requirements.lock"))


def test_the_test_lock_pins_the_test_tools_and_the_same_runtime_versions():
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    assert not unpinned(PROJECT["optional-dependencies"]["test"], test)
    assert {name: test.get(name) for name in runtime} == runtime
