"""Labs in lab processes (the server's default): the same protocol, errors and frames."""

import os
import signal

import pytest
from fastapi.testclient import TestClient

from neural_playground.app.labrun.labcalls import RenderFrame
from neural_playground.app.labrun.labhost import LabCrash, RemoteLab
from neural_playground.app.labs import LABS
from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.conftest import LABS_FOR_TESTS
from tests.trainable_lab import BuggyLab
from tests.wsutil import open_lab, receive_until, wait_for


def lab_process_client(call_timeout: float):
    settings = Settings(lab_processes=True, lab_workers=2, lab_call_timeout_seconds=call_timeout)
    labs = {**LABS_FOR_TESTS, BuggyLab.name: BuggyLab}
    return TestClient(create_app(settings, labs=labs))


@pytest.fixture(scope="module")
def client():
    # The server's own stuck-call timeout: on a loaded machine a lab's first frame (the
    # autoencoder loading its images) took more than a short test timeout, and was killed.
    with lab_process_client(Settings().lab_call_timeout_seconds) as test_client:
        yield test_client


@pytest.fixture
def impatient_client():
    """Stuck calls stopped after 5 s: only for a test that gets stuck on purpose, on a lab
    whose other calls take milliseconds."""
    with lab_process_client(5) as test_client:
        yield test_client


def test_labs_live_in_two_processes_and_answer_as_before(client):
    runtime = client.app.state.runtime
    assert [p.process.is_alive() for p in runtime.host.processes] == [True, True]
    with open_lab(client, "neurons") as (a, first), open_lab(client, "neurons") as (b, _):
        assert first["output"] == pytest.approx(4.9)
        a.send_json({"type": "set_weight", "layer": 1, "i": 0, "j": 0, "value": 2.0})
        assert receive_until(a, "frame")["output"] == pytest.approx(5.8)
        b.send_json({"type": "set_weight", "layer": 9, "i": 0, "j": 0, "value": 1.0})
        assert receive_until(b, "error")["code"] == "bad_index"  # a LabError crosses over
        homes = {s.workspace.lane.home for s in runtime.sessions.sessions.values()}
        assert homes == {0, 1}  # one lab in each process
        assert all(isinstance(s.lab, RemoteLab) for s in runtime.sessions.sessions.values())


def test_training_streams_and_divergence_is_reported(client):
    with open_lab(client, "trainable") as (ws, _):
        ws.send_json({"type": "play"})
        assert receive_until(ws, "status")["running"] is True
        steps = [receive_until(ws, "frame")["step"] for _ in range(3)]
        assert steps == sorted(steps) and steps[0] >= 1
        ws.send_json({"type": "set_learning_rate", "value": 1e5})
        assert receive_until(ws, "error", limit=500)["code"] == "diverged"
        assert receive_until(ws, "status", limit=500)["diverged"] is True
        ws.send_json({"type": "reset"})
        assert receive_until(ws, "frame", limit=500)["step"] == 0
        assert receive_until(ws, "status", limit=500)["diverged"] is False


def test_a_bug_in_a_lab_costs_one_answer_not_the_session(client):
    with open_lab(client, "buggy") as (ws, _):
        ws.send_json({"type": "set_learning_rate", "value": 0.5})
        assert receive_until(ws, "error")["code"] == "internal_error"
        ws.send_json({"type": "set_learning_rate", "value": 0.25})
        assert receive_until(ws, "frame")["learning_rate"] == 0.25
        # A bug while training stops the training, says so, and the page goes on.
        ws.send_json({"type": "set_learning_rate", "value": 0.75})
        ws.send_json({"type": "play"})
        assert receive_until(ws, "error")["code"] == "internal_error"
        assert receive_until(ws, "status")["running"] is False
        ws.send_json({"type": "set_learning_rate", "value": 0.1})
        assert receive_until(ws, "frame")["learning_rate"] == 0.1
        ws.send_json({"type": "step", "steps": 2})
        assert receive_until(ws, "frame")["step"] == 2


def test_a_killed_lab_process_is_replaced(client):
    runtime = client.app.state.runtime
    with open_lab(client, "neurons") as (ws, _):
        session = next(iter(runtime.sessions.sessions.values()))
        process = runtime.host.processes[session.workspace.lane.home]
        os.kill(process.process.pid, signal.SIGKILL)
        process.process.join(timeout=60)
        ws.send_json({"type": "set_input", "i": 0, "value": 2.0})
        assert receive_until(ws, "error")["code"] == "lab_restarted"  # rebuilt in the new one
        assert receive_until(ws, "frame")["output"] == pytest.approx(4.9)
    with open_lab(client, "neurons") as (ws, first):  # a new process serves new sessions
        assert first["output"] == pytest.approx(4.9)
        ws.send_json({"type": "set_input", "i": 0, "value": 2.0})
        assert receive_until(ws, "frame")["inputs"][0] == 2.0


def test_a_dropped_workspace_frees_its_lab_in_the_process():
    settings = Settings(lab_processes=True, lab_workers=1, resume_grace_seconds=0)
    with TestClient(create_app(settings)) as client:
        runtime = client.app.state.runtime
        process = runtime.host.processes[0]
        with open_lab(client, "neurons"):
            pass

        def first_lab_is_gone() -> bool:
            ask = runtime.pool.run  # on the process's own worker, after the pending close
            try:
                client.portal.call(
                    ask, runtime.pool.new_lane(), lambda: process.request(1, RenderFrame())
                )
            except LabCrash:
                return True
            return False

        wait_for(first_lab_is_gone)


def test_a_lab_stuck_in_a_loop_is_stopped_and_its_process_replaced(impatient_client):
    client = impatient_client
    with open_lab(client, "buggy") as (ws, _):
        ws.send_json({"type": "set_learning_rate", "value": 0.125})
        assert receive_until(ws, "frame")["learning_rate"] == 0.125
        ws.send_json({"type": "step", "steps": 1})
        assert receive_until(ws, "error")["code"] == "lab_restarted"
    with open_lab(client, "buggy") as (ws, _):
        ws.send_json({"type": "step", "steps": 1})
        assert receive_until(ws, "frame")["step"] == 1


@pytest.mark.parametrize("lab", sorted(LABS))
def test_every_lab_works_from_a_lab_process(client, lab):
    """Commands, states and frames cross the pipe: a lab whose classes cannot be pickled
    (defined inside a function, say) fails here rather than in a workshop."""
    with open_lab(client, lab) as (ws, first):
        ws.send_json({"type": "get_state"})
        state = receive_until(ws, "state")["state"]
        ws.send_json({"type": "set_state", "state": state})
        assert receive_until(ws, "frame", limit=50) == first | {"type": "frame"}
        ws.send_json({"type": "reset"})
        assert receive_until(ws, "frame", limit=50)["type"] == "frame"
