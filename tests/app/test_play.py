"""The play loop with a trainable lab: play, pause, step, budgets, divergence, disconnects."""

import asyncio
import math
import threading
from types import SimpleNamespace

import pytest

from app.labrun.labhost import LocalLab
from app.settings import Settings
from app.ws.limits import TokenBucket
from app.ws.session import WHOLE_FRAME_SECONDS, Session
from app.ws.workspace import TrainingCost, Workspace
from tests.trainable_lab import TrainableLab
from tests.wsutil import open_lab, receive_until, wait_for


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
        # 2000 steps/s over 20 frames/s
        assert receive_until(ws, "status")["steps_per_frame"] == 100


def test_divergence_stops_the_loop_and_no_nan_reaches_the_page(lab_client):
    with open_lab(lab_client, "trainable") as (ws, _):
        ws.send_json({"type": "set_learning_rate", "value": 1e5})
        assert receive_until(ws, "frame")["learning_rate"] == 1e5
        ws.send_json({"type": "set_speed", "steps_per_frame": 20})
        ws.send_json({"type": "play"})
        error = receive_until(ws, "error", limit=500)
        assert error["code"] == "diverged"
        status = receive_until(ws, "status")
        assert status == {**status, "running": False, "diverged": True}
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
    assert runtime.pool.queued == 0


def bare_session(players: int, step_seconds: float, frame_seconds: float) -> Session:
    """A session without a socket, to check the fair-share arithmetic on its own."""
    settings = Settings(lab_workers=2, frames_per_second=20, max_steps_per_second=2000)
    workspace = Workspace(lab=LocalLab(TrainableLab(settings)), steps=TokenBucket(2000))
    workspace.steps_per_frame = 100
    workspace.cost = TrainingCost(step_seconds=step_seconds, frame_seconds=frame_seconds)
    runtime = SimpleNamespace(
        settings=settings, metrics=None, pool=SimpleNamespace(workers=2, players=players)
    )
    return Session(None, workspace, runtime)


def test_a_full_room_shrinks_each_burst_to_its_fair_share():
    # With a worker to spare, the learner's speed is kept, however slow the steps are.
    assert bare_session(1, 1e-4, 1e-3).steps_for_next_frame() == 100
    assert bare_session(2, 1.0, 1e-3).steps_for_next_frame() == 100
    # 3 players: 2 workers / (3 x 20 frames/s) = 33 ms a frame, plenty for 100 steps of 0.1 ms.
    assert bare_session(3, 1e-4, 1e-3).steps_for_next_frame() == 100
    # 100 players: 1 ms a frame each; minus 0.5 ms for the frame leaves 5 steps.
    assert bare_session(100, 1e-4, 5e-4).steps_for_next_frame() == 5
    # Even when a frame alone is over the share, training still moves by one step.
    assert bare_session(100, 1e-4, 5e-3).steps_for_next_frame() == 1


def test_late_frames_halve_the_steps_and_frames_on_time_win_them_back():
    session = bare_session(3, 1e-4, 1e-3)  # more players than workers
    cost = session.workspace.cost
    for late, expected in [(True, 50), (True, 25), (True, 12), (False, 13), (False, 14)]:
        cost.pace(late, session.wanted_steps())
        assert session.steps_for_next_frame() == expected
    for _ in range(200):
        cost.pace(False, session.wanted_steps())
    assert session.steps_for_next_frame() == 100  # never above what the learner asked for
    for _ in range(20):
        cost.pace(True, session.wanted_steps())
    assert session.steps_for_next_frame() == 1  # and never below one step a frame


def test_a_slow_labs_step_request_is_cut_into_short_slices():
    session = bare_session(1, step_seconds=0.01, frame_seconds=1e-3)  # 10 ms a step
    calls = []

    async def run(lane, fn, interactive=True):
        calls.append(interactive)
        return fn()

    sent = []

    async def send_frame_text(text):
        sent.append(text)

    session.runtime.pool = SimpleNamespace(workers=2, players=1, run=run)
    session.metrics = SimpleNamespace(steps=SimpleNamespace(labels=lambda lab: NullCounter()))
    session.send_frame_text = send_frame_text
    asyncio.run(session.train_and_send(5))
    # 20 ms slices of 10 ms steps: 2 + 2 + 1 steps, one frame at the end.
    assert calls == [True, True, True]
    assert len(sent) == 1 and '"step":5' in sent[0]


class NullCounter:
    def inc(self, n: int = 1) -> None:
        pass


def test_a_full_room_sends_light_frames_between_whole_ones():
    # 100 players on 2 workers at 20 frames/s: a share of 1 ms of a worker per frame.
    session = bare_session(100, step_seconds=2e-4, frame_seconds=2.5e-3)
    cost = session.workspace.cost
    cost.light_seconds = 1e-4
    # One whole frame (2.5 ms) and k - 1 light ones (0.1 ms + a 0.2 ms step) fit in k ms
    # from k = 2.4 / 0.7 on: every 4th frame is whole.
    assert cost.whole_every(session.share()) == 4
    cost.record(0.0, 0, 2.5e-3)  # a whole frame was just sent
    kinds = []
    for _ in range(8):
        kinds.append(session.play_frame_kind())
        light = kinds[-1] == "light"
        cost.record(2e-4, 1, 1e-4 if light else 2.5e-3, light)
    assert kinds == ["light", "light", "light", "update"] * 2
    # A light frame leaves room for more steps than a whole one.
    assert session.steps_for_next_frame("light") == 4  # (1 - 0.1) / 0.2
    assert session.steps_for_next_frame("update") == 1


def test_maps_still_come_once_a_second_when_even_light_frames_do_not_fit():
    session = bare_session(100, step_seconds=2e-3, frame_seconds=5e-3)
    cost = session.workspace.cost
    assert cost.whole_every(session.share()) == math.inf
    cost.record(0.0, 0, 5e-3)
    assert session.play_frame_kind() == "light"
    cost.whole_at -= WHOLE_FRAME_SECONDS
    assert session.play_frame_kind() == "update"


def test_whole_frames_when_they_fit_and_room_pairs_while_teaching():
    assert bare_session(2, 1e-3, 50e-3).play_frame_kind() == "update"  # a worker each
    assert bare_session(3, 1e-4, 1e-3).play_frame_kind() == "update"  # 33 ms a frame: fits
    teaching = bare_session(100, 2e-4, 2.5e-3)
    teaching.workspace.room = "ABCDEF"
    # Never light while teaching: a student who skipped a frame is sent a whole one.
    assert teaching.play_frame_kind() == "room"
