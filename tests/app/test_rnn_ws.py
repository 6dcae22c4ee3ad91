"""The recurrent-networks lab over real websocket messages."""

import pytest

from tests.wsutil import ask, open_lab, play_frames, play_until_diverged, receive_until


def test_session_opens_on_the_books_example(client):
    with open_lab(client, "rnn") as (_, frame):
        assert frame["lab"] == "rnn"
        assert frame["unroll"]["tokens"] == ["word.resident", "word.registration"]
        assert frame["note"] == "note.rnn_jumin"
        assert set(frame["bptt"]) == {"rnn", "lstm", "gru"}
        assert frame["limits"] == {
            "max_hidden": 16,
            "max_length": 40,
            "max_symbols": 6,
            "min_length": 2,
        }


def test_step_trains_all_three_networks_and_reports_the_gradient_per_step(client):
    with open_lab(client, "rnn") as (ws, _):
        before = ask(ws, {"type": "set_task", "task": "memory"})
        assert before["step"] == 0 and len(before["bptt"]["lstm"]["grad_norm"]) == 11
        frame = ask(ws, {"type": "step", "steps": 3})
        status = receive_until(ws, "status")
        assert frame["step"] == 3 and status["step"] == 3
        assert frame["history"]["steps"] == [1, 2, 3]
        for cell in ("rnn", "lstm", "gru"):
            assert frame["cells"][cell]["measured_steps"] == 3
            assert frame["bptt"][cell]["grad_norm"] != before["bptt"][cell]["grad_norm"]
        assert frame["unroll"]["gates"]["f"] != before["unroll"]["gates"]["f"]


def test_play_streams_frames_until_paused(client):
    with open_lab(client, "rnn") as (ws, _):
        steps, _ = play_frames(ws, 3)
        assert steps[-1] >= 3


def test_clipping_over_the_socket(client):
    with open_lab(client, "rnn") as (ws, _):
        for message in (
            {"type": "set_task", "task": "memory"},
            {"type": "set_length", "length": 20},
            {"type": "set_recurrent_scale", "scale": 4},
        ):
            frame = ask(ws, message)
        assert max(frame["bptt"]["rnn"]["grad_norm"]) > 1
        frame = ask(ws, {"type": "set_clip", "clip": 0.5})
        assert frame["settings"]["clip"] == 0.5
        assert max(frame["bptt"]["rnn"]["grad_norm"]) <= 0.5 + 1e-9
        assert any(frame["bptt"]["rnn"]["clipped"])


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "set_hidden", "hidden": 99}, "rnn_hidden"),
        ({"type": "set_length", "length": 3}, "rnn_fixed_length"),
        ({"type": "set_sample", "index": 7}, "rnn_sample"),
        ({"type": "focus", "step": 2, "unit": 0}, "rnn_step"),
        ({"type": "set_task", "task": "poetry"}, "invalid_message"),
        ({"type": "set_clip", "clip": -1}, "invalid_message"),
        ({"type": "set_recurrent_scale", "scale": 100}, "invalid_message"),
        ({"type": "set_optimizer", "name": "adam", "learning_rate": 0}, "invalid_message"),
    ],
)
def test_bad_commands_are_explained_and_the_session_lives_on(client, message, code):
    with open_lab(client, "rnn") as (ws, _):
        ws.send_json(message)
        assert receive_until(ws, "error")["code"] == code
        ws.send_json({"type": "set_cell", "cell": "gru"})
        assert receive_until(ws, "frame")["settings"]["cell"] == "gru"


def test_divergence_stops_training_and_never_sends_nan(client):
    with open_lab(client, "rnn") as (ws, _):
        for message in (
            {"type": "set_task", "task": "series"},
            {"type": "set_recurrent_scale", "scale": 5},
            {"type": "set_optimizer", "name": "sgd", "learning_rate": 10},
        ):
            ask(ws, message)
        ask(ws, {"type": "set_speed", "steps_per_frame": 20}, "status")
        frames, _ = play_until_diverged(ws)
        assert frames[-1]["diverged"] in ("rnn", "lstm", "gru")


def test_state_round_trip_over_the_socket(client):
    with open_lab(client, "rnn") as (ws, _):
        ask(ws, {"type": "set_task", "task": "memory"})
        trained = ask(ws, {"type": "step", "steps": 4})
        state = ask(ws, {"type": "get_state"}, "state")
        assert state["lab"] == "rnn" and set(state["state"]["weights"]) == {"rnn", "lstm", "gru"}
    with open_lab(client, "rnn") as (ws, first):
        assert first["step"] == 0
        restored = ask(ws, {"type": "set_state", "state": state["state"]})
        assert restored["step"] == 4
        assert restored["unroll"] == trained["unroll"]
        assert restored["equation"] == trained["equation"]
        assert restored["history"] == trained["history"]


def test_a_state_from_another_page_is_refused(client):
    with open_lab(client, "rnn") as (ws, _):
        error = ask(ws, {"type": "set_state", "state": {"preset": "b2_weighted"}}, "error")
        assert error["code"] == "bad_state"


def heavy_memory_task(ws) -> None:
    """The page's costliest setting: the memory task, 16 hidden units, 40 steps to remember."""
    for command in (
        {"type": "set_task", "task": "memory"},
        {"type": "set_hidden", "hidden": 16},
        {"type": "set_length", "length": 40},
    ):
        ask(ws, command)


def test_a_long_step_is_capped_at_the_pages_limit(client):
    with open_lab(client, "rnn") as (ws, _):
        heavy_memory_task(ws)
        ws.send_json({"type": "step", "steps": 1000})  # NP_RNN_MAX_STEPS_PER_REQUEST is 20
        assert receive_until(ws, "frame")["step"] == 20
        assert receive_until(ws, "status")["step"] == 20


def test_a_pause_sent_after_a_long_step_stops_it_at_once(client):
    """The step trains in slices while the session reads on: the pause is answered first,
    the rest of the step is dropped, and the ping queued behind the step keeps its place
    (answers stay in order) and is answered next."""
    with open_lab(client, "rnn") as (ws, _):
        heavy_memory_task(ws)
        ws.send_json({"type": "step", "steps": 20})
        ws.send_json({"type": "ping"})
        ws.send_json({"type": "pause"})
        status = ws.receive_json()  # no frame of 20 steps before it
        assert status["type"] == "status" and status["running"] is False
        assert status["step"] < 20
        assert ws.receive_json() == {"type": "pong"}
        ws.send_json({"type": "ping"})  # nothing else came: the step was dropped
        assert ws.receive_json() == {"type": "pong"}
        ws.send_json({"type": "step", "steps": 2})
        assert receive_until(ws, "frame")["step"] >= status["step"] + 2  # it trains on


def test_commands_sent_during_a_long_step_wait_their_turn(client):
    with open_lab(client, "rnn") as (ws, _):
        heavy_memory_task(ws)
        ws.send_json({"type": "step", "steps": 20})
        ws.send_json({"type": "set_hidden", "hidden": 8})
        ws.send_json({"type": "ping"})
        messages = [ws.receive_json()]
        while messages[-1]["type"] != "pong":
            messages.append(ws.receive_json())
        assert [m["type"] for m in messages] == ["frame", "status", "frame", "pong"]
        assert messages[0]["step"] == 20 and messages[1]["step"] == 20
        assert messages[2]["step"] == 0  # a new size starts over, after the 20 steps


def test_hello_tells_the_pages_own_step_cap(client):
    with client.websocket_connect("/ws/rnn") as ws:
        assert ws.receive_json()["limits"]["max_steps_per_request"] == 20


def test_play_keeps_the_pages_step_cap_per_frame(client):
    with open_lab(client, "rnn") as (ws, _):
        ask(ws, {"type": "set_speed", "steps_per_frame": 100}, "status")
        ws.send_json({"type": "play"})
        steps = [receive_until(ws, "frame")["step"] for _ in range(3)]
        ws.send_json({"type": "pause"})
        assert steps[0] <= 20 and all(b - a <= 20 for a, b in zip(steps, steps[1:], strict=False))
