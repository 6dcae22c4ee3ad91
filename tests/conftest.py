"""Shared fixtures: an app built from explicit settings, and a TestClient on it."""

import os

import anyio
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from neural_playground.app.labs import LABS
from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.liveserver import redis_available, redis_process, running_redis
from tests.trainable_lab import TrainableLab

# Labs run in the server process in tests (fast to start); tests that want lab processes
# say so (Settings(lab_processes=True)), as the browser tests' live server does.
os.environ.setdefault("NP_LAB_PROCESSES", "false")
# TestClient asks for the made-up host "testserver": allowed like a deployment's own domain.
# Tests of the default list pass `allowed_hosts=""` themselves (tests/app/test_security.py).
os.environ.setdefault("NP_ALLOWED_HOSTS", "testserver")

#: How long a TestClient websocket waits for the server's next message before the test fails.
#: A guard against a hang, not a wait: tests wait on messages, and a message that never comes
#: (a broken server loop) would otherwise block the run forever with no trace of which test.
RECEIVE_GUARD_SECONDS = float(os.environ.get("NP_TEST_RECEIVE_GUARD_SECONDS", "300"))


async def _receive_within(stream, seconds: float):
    try:
        with anyio.fail_after(seconds):
            return await stream.receive()
    except TimeoutError:
        raise AssertionError(f"the server sent nothing for {seconds:.0f} s (a hang)") from None


def _bounded_receive(self: WebSocketTestSession):
    return self.portal.call(_receive_within, self._send_rx, RECEIVE_GUARD_SECONDS)


WebSocketTestSession.receive = _bounded_receive

#: Every real lab plus the test-only trainable one (tests/trainable_lab.py).
LABS_FOR_TESTS = {**LABS, TrainableLab.name: TrainableLab}


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def lab(request, settings: Settings):
    """A fresh lab of the lesson a test module is about, from the registry: the lesson is the
    module's name after `test_` (`test_rnn_lab.py`, `test_neurons_training.py`)."""
    lesson = request.module.__name__.rpartition(".")[2].split("_")[1]
    return LABS[lesson](settings)


@pytest.fixture
def client(settings: Settings):
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def lab_client(settings: Settings):
    """A TestClient on an app that also serves the test-only "trainable" lab."""
    with TestClient(create_app(settings, labs=LABS_FOR_TESTS)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def redis_url():
    """A real redis-server for the module's tests (`make test` installs Debian's)."""
    if not redis_available():
        pytest.skip("redis-server is not installed (make test installs it)")
    with running_redis() as url:
        yield url


@pytest.fixture
def redis_server():
    """A redis-server of the test's own, to freeze (SIGSTOP), thaw and restart."""
    with redis_process() as process:
        yield process
