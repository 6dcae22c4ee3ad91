"""The play loop with a trainable lab: play, pause, step, budgets, divergence, disconnects."""

import asyncio
import threading

import pytest

from neural_playground.app.settings import Settings
from tests.wsutil import open_lab, play_until_diverged, receive_until, wait_for


def frames_until_status(ws, limit: int = 200) -> tuple[list[dict], dict]:
    frames = []
    for _ in range(limit):
        msg = ws.receive_json()
        if msg["type"] == "status":
            return frames, msg
        frames.append(msg)
    raise AssertionError("no status")


def test_play_streams_frames_of_a_training_lab_and_pause_stops_them(lab_client):
    with open_lab(lab_client, "trainable") as (ws, first):
        assert first["step"] == 0 and first["loss"] is None
        ws.send_json({"type": "set_speed", "steps_per_frame": 5})
        assert receive_until(ws, "status")["steps_per_frame"] == 5
        ws.send_json({"type": "play"})
        assert receive_until(ws, "status")["running"] is True
        steps = [receive_until(ws, "frame")["step"] for _ in range(4)]
        assert steps == sorted(steps) and steps[0] >= 5
        assert all(b - a == 5 for a, b in zip(steps, steps[1:], strict=False))
        ws.send_json({"type": "pause"})
        _, status = frames_until_status(ws)
        assert status["running"] is False and status["step"] >= steps[-1]
        # Nothing more streams after the pause: the next message answers our ping.
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}


def test_step_trains_in_slices_but_sends_one_frame(lab_client):
    with open_lab(lab_client, "trainable") as (ws, _):
        ws.send_json({"type": "step", "steps": 250})  # > 100 steps a frame: several slices
        frame = ws.receive_json()
        assert frame["type"] == "frame" and frame["step"] == 250
        assert frame["loss"] is not None and frame["loss"] >= 0
        assert ws.receive_json()["type"] == "status"


@pytest.mark.parametrize("settings", [Settings(max_steps_per_second=100)])
def test_the_step_budget_refuses_with_a_clear_message(lab_client):
    with open_lab(lab_client, "trainable") as (ws, _):
        ws.send_json({"type": "step", "steps": 1000})  # the saved-up burst allows one request
        assert receive_until(ws, "frame")["step"] == 1000
        ws.send_json({"type": "step", "steps": 1000})
        error = receive_until(ws, "error")
        assert error["code"] == "step_limit"
        assert error["params"]["limit"] == 100
        assert "100 steps a second" in error["message"]


def test_set_speed_is_capped_by_the_steps_per_second_limit(lab_client):
    with open_lab(lab_client, "trainable") as (ws, _):
        ws.send_json({"type": "set_speed", "steps_per_frame": 10_000})
        # 10000 steps/s over 20 frames/s
        assert receive_until(ws, "status")["steps_per_frame"] == 500


def test_divergence_stops_the_loop_and_no_nan_reaches_the_page(lab_client):
    with open_lab(lab_client, "trainable") as (ws, _):
        ws.send_json({"type": "set_learning_rate", "value": 1e5})
        assert receive_until(ws, "frame")["learning_rate"] == 1e5
        ws.send_json({"type": "set_speed", "steps_per_frame": 20})
        play_until_diverged(ws)
        ws.send_json({"type": "reset"})
        frame = receive_until(ws, "frame")
        assert frame["step"] == 0 and frame["learning_rate"] == 0.1
        assert receive_until(ws, "status")["diverged"] is False


def test_a_learning_rate_of_1e9_is_refused_with_its_limit(lab_client):
    with open_lab(lab_client, "trainable") as (ws, _):
        ws.send_json({"type": "set_learning_rate", "value": 1e9})
        error = receive_until(ws, "error")
        assert error["code"] == "value_too_large"
        assert error["params"] == {"what": "learning rate", "limit": 1e6}
        ws.send_json({"type": "step", "steps": 1})
        assert receive_until(ws, "frame")["learning_rate"] == 0.1


def play_tasks(client) -> list[str]:
    def names():
        return [t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith("play-")]

    return client.portal.call(names)


@pytest.mark.parametrize("settings", [Settings(resume_grace_seconds=0)])
def test_a_client_leaving_mid_training_frees_its_session(lab_client):
    runtime = lab_client.app.state.runtime
    threads_before = threading.active_count()
    with open_lab(lab_client, "trainable") as (ws, _):
        ws.send_json({"type": "play"})
        receive_until(ws, "frame")
        assert runtime.pool.players == 1
        assert len(play_tasks(lab_client)) == 1
    wait_for(lambda: len(runtime.sessions) == 0 and runtime.pool.players == 0)
    wait_for(lambda: not play_tasks(lab_client))
    assert len(runtime.sessions.parked) == 0
    assert threading.active_count() == threads_before
    # A call whose task was cancelled leaves the queue when a worker next looks at its lane.
    wait_for(lambda: runtime.pool.queued == 0)
