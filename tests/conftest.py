"""Shared fixtures: an app built from explicit settings, and a TestClient on it."""

import pytest
from fastapi.testclient import TestClient

from app.labs import LABS
from app.main import create_app
from app.settings import Settings
from tests.trainable_lab import TrainableLab

#: Every real lab plus the test-only trainable one (tests/trainable_lab.py).
LABS_FOR_TESTS = {**LABS, TrainableLab.name: TrainableLab}


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def client(settings: Settings):
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def lab_client(settings: Settings):
    """A TestClient on an app that also serves the test-only "trainable" lab."""
    with TestClient(create_app(settings, labs=LABS_FOR_TESTS)) as test_client:
        yield test_client
