"""The batch-normalization lab over a real websocket: its commands, training, and errors."""

import json

import pytest

from neural_playground.app.settings import Settings
from tests.wsutil import (
    ask,
    assert_error,
    open_lab,
    play_until_diverged,
    receive_until,
    step_then_play,
)


def test_greeting_frame_carries_histograms_curves_and_the_formula(client):
    with open_lab(client, "batchnorm") as (_, frame):
        assert frame["lab"] == "batchnorm"
        assert frame["config"]["depth"] == 8
        assert [run["name"] for run in frame["runs"]] == ["plain", "batchnorm"]
        assert len(frame["edges"]) == 8
        assert sum(frame["runs"][1]["layers"][0]["counts"]) == 512 * 8
        assert frame["runs"][1]["layers"][5]["mean"] == pytest.approx(0.0, abs=1e-9)
        assert frame["formula"]["mode"] == "train"
        assert frame["note"] == "note.batchnorm_term"
        assert frame["curve"] == {"steps": [], "plain": [], "batchnorm": []}


def test_step_trains_both_runs_and_play_streams_until_paused(client):
    with open_lab(client, "batchnorm") as (session, first):
        frame = step_then_play(session, 20, steps_per_frame=5)
        assert frame["curve"]["steps"][-1] == 20
        assert frame["runs"][1]["layers"][0]["counts"] != first["runs"][1]["layers"][0]["counts"]


def test_mode_view_selection_and_configure(client):
    with open_lab(client, "batchnorm") as (session, _):
        train = ask(session, {"type": "step", "steps": 30})
        ev = ask(session, {"type": "set_mode", "mode": "eval"})
        assert ev["mode"] == "eval"
        assert ev["formula"]["u"] == ev["formula"]["running_mean"]
        assert ev["formula"]["batch_mean"] == train["formula"]["u"]
        session.send_json({"type": "set_view", "view": "post"})
        assert receive_until(session, "frame")["edges"][0] == pytest.approx(
            [k / 24 for k in range(25)], abs=1e-6
        )
        formula = ask(
            session, {"type": "select", "layer": 3, "neuron": 1, "batch": 2, "sample": 4}
        )["formula"]
        assert (formula["layer"], formula["neuron"], formula["batch"], formula["sample"]) == (
            3,
            1,
            2,
            4,
        )
        frame = ask(session, {"type": "configure", "depth": 6, "activation": "relu"})
        assert frame["step"] == 0
        assert len(frame["runs"][0]["layers"]) == 6
        assert frame["config"]["activation"] == "relu"


@pytest.mark.parametrize(
    ("message", "code", "fragment"),
    [
        ({"type": "configure", "depth": 11}, "too_many_layers", "10 hidden layers"),
        ({"type": "configure", "width": 9}, "neurons_per_layer", "8 neurons"),
        ({"type": "configure", "depth": 0}, "invalid_message", "greater than"),
        ({"type": "configure", "activation": "softmax"}, "invalid_message", "activation"),
        ({"type": "configure", "batch_size": 33}, "invalid_message", "batch_size"),
        ({"type": "configure", "learning_rate": 0}, "invalid_message", "learning_rate"),
        ({"type": "configure", "learning_rate": 100}, "invalid_message", "learning_rate"),
        ({"type": "configure", "weight_scale": 9}, "invalid_message", "weight_scale"),
        ({"type": "set_mode", "mode": "test"}, "invalid_message", "mode"),
        ({"type": "set_view", "view": "raw"}, "invalid_message", "view"),
        ({"type": "select", "layer": 8}, "bad_index", "layer = 8"),
        ({"type": "select", "sample": 32}, "bad_index", "sample = 32"),
        ({"type": "set_state", "state": {"plain": []}}, "bad_state", "batchnorm"),
    ],
)
def test_bad_commands_get_a_clear_error_and_the_session_lives_on(client, message, code, fragment):
    with open_lab(client, "batchnorm") as (session, _):
        assert_error(session, message, code, fragment)
        session.send_json({"type": "step", "steps": 1})
        assert receive_until(session, "frame")["step"] == 1


def test_nan_in_a_command_is_refused_at_the_door(client):
    with open_lab(client, "batchnorm") as (session, _):
        session.send_text('{"type": "configure", "learning_rate": NaN}')
        assert receive_until(session, "error")["code"] == "invalid_message"


def test_state_round_trips_through_get_state_and_set_state(client):
    with open_lab(client, "batchnorm") as (session, _):
        session.send_json({"type": "configure", "depth": 6, "seed": 4})
        session.send_json({"type": "step", "steps": 25})
        before = ask(session, {"type": "set_mode", "mode": "eval"})
        while before["mode"] != "eval":
            before = receive_until(session, "frame")
        state = ask(session, {"type": "get_state"}, "state")
        assert state["lab"] == "batchnorm"
        assert len(json.dumps(state["state"])) < Settings().max_message_bytes
    with open_lab(client, "batchnorm") as (session, first):
        assert first["config"]["depth"] == 8
        session.send_json({"type": "set_state", "state": state["state"]})
        assert receive_until(session, "frame") == before
        assert receive_until(session, "status")["step"] == 25


def test_divergence_is_reported_and_no_nan_reaches_the_client(client):
    with open_lab(client, "batchnorm") as (session, _):
        session.send_json(
            {
                "type": "configure",
                "activation": "relu",
                "depth": 10,
                "weight_scale": 5,
                "learning_rate": 3,
                "seed": 1,
            }
        )
        receive_until(session, "frame")
        session.send_json({"type": "set_speed", "steps_per_frame": 10})
        frames, _ = play_until_diverged(session)
        assert frames[-1]["diverged"] == ["plain"]
        frame = ask(session, {"type": "reset"})
        assert frame["step"] == 0 and frame["diverged"] == []
