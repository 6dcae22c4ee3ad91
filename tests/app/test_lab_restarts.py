"""Fault injection: a lab process dies (killed, or stopped by the call timeout) under its
learners. Each affected session rebuilds its lab from its checkpoint in the new process,
says so once (`lab_restarted`), and its next reset, reload and commands all work."""

import os
import signal
import threading

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.conftest import LABS_FOR_TESTS
from tests.trainable_lab import BuggyLab, TrainableLab, TrainableState
from tests.wsutil import open_lab, receive_until, wait_for


@pytest.fixture
def client():
    """One lab process (every lab in it), a 5 s call timeout, checkpoints 20 times a second.

    The test labs' calls take milliseconds; the one stuck on purpose is stopped after 5 s,
    which a loaded machine's slowest real call stays far below."""
    settings = Settings(
        lab_processes=True,
        lab_workers=1,
        lab_call_timeout_seconds=5,
        checkpoint_seconds=0.05,
    )
    labs = {**LABS_FOR_TESTS, BuggyLab.name: BuggyLab}
    with TestClient(create_app(settings, labs=labs)) as test_client:
        yield test_client


def kill_lab_process(client) -> None:
    process = client.app.state.runtime.host.processes[0].process
    os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=60)


def only_session(client):
    sessions = list(client.app.state.runtime.sessions.sessions.values())
    assert len(sessions) == 1
    return sessions[0]


def until_restarted(ws, limit: int = 500) -> dict:
    """Messages up to the `lab_restarted` error; no other error on the way."""
    for _ in range(limit):
        msg = ws.receive_json()
        if msg["type"] == "error":
            assert msg["code"] == "lab_restarted", msg
            return msg
    raise AssertionError("no lab_restarted")


def test_a_lab_process_killed_mid_training_is_rebuilt_from_its_checkpoint(client):
    with open_lab(client, "trainable") as (ws, _):
        session = only_session(client)
        hello_token = session.resume_token
        ws.send_json({"type": "set_learning_rate", "value": 0.05})
        assert receive_until(ws, "frame")["learning_rate"] == 0.05
        ws.send_json({"type": "play"})
        assert receive_until(ws, "status")["running"] is True
        receive_until(ws, "frame")
        wait_for(lambda: session.workspace.saved is not None and not session.workspace.dirty)
        kill_lab_process(client)
        restarted = until_restarted(ws)
        assert restarted["params"]["restored"] is True
        frame = receive_until(ws, "frame")
        assert frame["learning_rate"] == 0.05  # its checkpoint, not a fresh lab
        assert receive_until(ws, "status")["running"] is False
        ws.send_json({"type": "reset"})
        assert receive_until(ws, "frame")["step"] == 0
        assert receive_until(ws, "status")["running"] is False
        ws.send_json({"type": "step", "steps": 2})
        assert receive_until(ws, "frame")["step"] == 2
    # A reload takes the rebuilt lab back.
    with open_lab(client, "trainable") as (ws, _):
        ws.send_json({"type": "resume", "token": hello_token})
        assert receive_until(ws, "resumed")["restored"] is True
        assert receive_until(ws, "frame")["step"] == 2
        ws.send_json({"type": "step", "steps": 1})
        assert receive_until(ws, "frame")["step"] == 3


def test_a_reload_after_the_process_died_resumes_a_rebuilt_lab(client):
    with open_lab(client, "trainable") as (ws, _):
        token = only_session(client).resume_token
        ws.send_json({"type": "set_learning_rate", "value": 0.25})
        assert receive_until(ws, "frame")["learning_rate"] == 0.25
    runtime = client.app.state.runtime
    wait_for(lambda: len(runtime.sessions.parked) == 1)
    kill_lab_process(client)  # while the tab reloads
    with open_lab(client, "trainable") as (ws, _):
        ws.send_json({"type": "resume", "token": token})
        assert receive_until(ws, "resumed")["restored"] is True
        assert until_restarted(ws)["params"]["restored"] is True
        assert receive_until(ws, "frame")["learning_rate"] == 0.25  # kept when it was parked
        assert receive_until(ws, "status")["running"] is False
        ws.send_json({"type": "step", "steps": 1})
        assert receive_until(ws, "frame")["step"] == 1
        ws.send_json({"type": "reset"})
        assert receive_until(ws, "frame")["learning_rate"] == 0.1


def test_a_stuck_call_stops_the_process_and_every_learner_on_it_goes_on(client):
    with open_lab(client, "trainable") as (other, _), open_lab(client, "buggy") as (ws, _):
        other.send_json({"type": "set_learning_rate", "value": 0.5})
        assert receive_until(other, "frame")["learning_rate"] == 0.5
        sessions = client.app.state.runtime.sessions.sessions.values()
        beside = next(s for s in sessions if s.lab_name == "trainable").workspace
        wait_for(lambda: beside.saved is not None and not beside.dirty)  # its checkpoint
        ws.send_json({"type": "step", "steps": 1})  # stuck: stopped by the 5 s call timeout
        ws.send_json({"type": "set_learning_rate", "value": 0.125})
        assert receive_until(ws, "frame")["step"] == 1
        ws.send_json({"type": "step", "steps": 1})
        assert until_restarted(ws)["params"]["restored"] in (True, False)
        assert receive_until(ws, "frame")["type"] == "frame"
        ws.send_json({"type": "reset"})
        assert receive_until(ws, "frame")["step"] == 0
        ws.send_json({"type": "step", "steps": 1})
        assert receive_until(ws, "frame")["step"] == 1
        # The learner beside it: its next command rebuilds its lab, then is carried out.
        other.send_json({"type": "reset"})
        assert until_restarted(other)["params"]["restored"] is True
        assert receive_until(other, "frame")["learning_rate"] == 0.5  # its checkpoint
        assert receive_until(other, "status")["running"] is False
        assert receive_until(other, "frame")["learning_rate"] == 0.1  # then the reset


def test_a_connection_placed_on_a_dead_process_is_greeted_by_its_replacement(client):
    with open_lab(client, "trainable"):
        pass
    kill_lab_process(client)  # nobody has noticed yet
    with open_lab(client, "trainable") as (ws, first):
        assert first["step"] == 0
        ws.send_json({"type": "step", "steps": 1})
        assert receive_until(ws, "frame")["step"] == 1


def test_a_lab_that_cannot_start_gets_a_clean_close(client, monkeypatch):
    runtime = client.app.state.runtime

    async def broken(lab_class):
        raise RuntimeError("no lab process")

    monkeypatch.setattr(runtime, "new_workspace", broken)
    with client.websocket_connect("/ws/trainable") as ws:
        assert ws.receive_json()["code"] == "lab_unavailable"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1011


def test_a_teachers_rebuilt_lab_is_what_the_room_forks(client):
    with open_lab(client, "trainable") as (teacher, _):
        teacher.send_json({"type": "open_room"})
        code = receive_until(teacher, "room")["code"]
        kill_lab_process(client)
        teacher.send_json({"type": "set_learning_rate", "value": 0.25})
        until_restarted(teacher)
        receive_until(teacher, "status")  # after the rebuilt lab's frame
        assert receive_until(teacher, "frame")["learning_rate"] == 0.25  # the command, then
        with open_lab(client, "trainable") as (student, _):
            student.send_json({"type": "follow", "code": code})
            assert receive_until(student, "room")["role"] == "student"
            receive_until(student, "frame")  # the teacher's, shown to its students
            student.send_json({"type": "fork"})  # the teacher's state, from its rebuilt lab
            answer = student.receive_json()
            while answer["type"] not in ("room", "error"):
                answer = student.receive_json()
            assert answer["type"] == "room" and answer["role"] == "none", answer
            assert receive_until(student, "frame")["learning_rate"] == 0.25


class HeldSnapshotLab(TrainableLab):
    """Once armed, its next snapshot (a checkpoint's) waits for the test, then fails as in
    a lab process that died under it."""

    name = "held"
    armed = False
    entered = released = threading.Event()  # each test sets its own

    def snapshot(self) -> TrainableState:
        if HeldSnapshotLab.armed:
            HeldSnapshotLab.armed = False
            self.entered.set()
            assert self.released.wait(120)
            raise RuntimeError("the lab process died")
        return super().snapshot()


def test_a_tab_closed_while_its_checkpoint_is_taken_parks_its_last_state():
    """main cleared `dirty` when a checkpoint's snapshot started: a tab closed before it came
    back was parked without a snapshot of its own, and when the process died meanwhile (the
    snapshot lost) a reload got a lab rebuilt from the start. The loaded-machine flake of
    the test above, made certain: the checkpoint's snapshot is held until the park decided."""
    settings = Settings(checkpoint_seconds=0.05)
    with TestClient(create_app(settings, labs={"held": HeldSnapshotLab})) as client:
        runtime = client.app.state.runtime
        with open_lab(client, "held") as (ws, _):
            workspace = only_session(client).workspace
            token = only_session(client).resume_token
            HeldSnapshotLab.entered, HeldSnapshotLab.released = threading.Event(), threading.Event()
            HeldSnapshotLab.armed = True
            ws.send_json({"type": "set_learning_rate", "value": 0.25})
            assert receive_until(ws, "frame")["learning_rate"] == 0.25
            assert HeldSnapshotLab.entered.wait(120)  # the checkpoint's snapshot, held

            def release_once_parking_decided() -> None:
                # Parked already (no snapshot of its own), or its own snapshot queued.
                wait_for(lambda: token in runtime.sessions.parked or workspace.lane.pending())
                HeldSnapshotLab.released.set()

            releaser = threading.Thread(target=release_once_parking_decided)
            releaser.start()
        releaser.join()
        wait_for(lambda: token in runtime.sessions.parked)
        assert workspace.saved is not None and workspace.saved.learning_rate == 0.25
        assert not workspace.dirty
