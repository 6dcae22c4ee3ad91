"""The autoencoder and GAN labs over the websocket: real messages, errors, play and stop."""

import json

import pytest

from neural_playground.app.settings import Settings
from tests.wsutil import assert_error, open_lab, play_until_diverged


def refuse_constant(name: str):
    raise AssertionError(f"{name} in a frame")


def assert_finite(value, where="frame") -> None:
    """No NaN/Infinity (refused at parse time) and no null inside any list of numbers."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert_finite(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            assert item is not None, f"null at {where}[{i}]"
            assert_finite(item, f"{where}[{i}]")


def receive(ws, wanted: str, limit: int = 50) -> dict:
    """Like receive_until, checking every frame on the way for non-finite numbers."""
    for _ in range(limit):
        msg = json.loads(ws.receive_text(), parse_constant=refuse_constant)
        if msg["type"] == "frame":
            assert_finite(msg)
        if msg["type"] == wanted:
            return msg
    raise AssertionError(f"no {wanted!r} message within {limit} messages")


# --- autoencoder -------------------------------------------------------------------------


def test_autoencoder_steps_decodes_and_reports(client):
    with open_lab(client, "autoencoder") as (ws, first):
        assert first["lab"] == "autoencoder" and len(first["originals"]) == 10
        ws.send_json({"type": "step", "steps": 40})
        frame = receive(ws, "frame")
        assert frame["step"] == 40 and frame["loss"] > 0
        assert receive(ws, "status")["step"] == 40
        ws.send_json({"type": "decode", "x": 0.25, "y": -0.5})
        frame = receive(ws, "frame")
        assert len(frame["probe"]["image"]) == 64 and frame["probe"]["x"] == 0.25
        ws.send_json({"type": "set_noise", "level": 0.4})
        assert receive(ws, "frame")["state"]["noise"] == 0.4


@pytest.mark.parametrize(
    ("message", "code", "fragment"),
    [
        ({"type": "set_architecture", "hidden": [32], "bottleneck": 40}, "latent_size", "1 to 16"),
        ({"type": "set_architecture", "hidden": [999], "bottleneck": 2}, "layer_width", "128"),
        (
            {"type": "set_optimizer", "optimizer": {"name": "adam", "learning_rate": 1e6}},
            "bad_learning_rate",
            "at most 10",
        ),
        (
            {"type": "set_optimizer", "optimizer": {"name": "adam", "learning_rate": -1}},
            "invalid_message",
            "greater than 0",
        ),
        (
            {"type": "set_optimizer", "optimizer": {"name": "lbfgs", "learning_rate": 0.1}},
            "invalid_message",
            "name",
        ),
        ({"type": "set_drawing", "pixels": [1] * 10}, "bad_drawing", "64 pixels"),
        ({"type": "set_drawing", "pixels": [2] * 64}, "bad_drawing", "between 0 and 1"),
        ({"type": "set_noise", "level": 3}, "invalid_message", "less than or equal"),
        ({"type": "set_dataset", "name": "mnist"}, "invalid_message", "name"),
    ],
)
def test_autoencoder_refuses_bad_settings_clearly(client, message, code, fragment):
    with open_lab(client, "autoencoder") as (ws, _):
        assert_error(ws, message, code, fragment, receive=receive)
        ws.send_json({"type": "ping"})
        assert receive(ws, "pong") == {"type": "pong"}


def test_nan_is_refused_at_the_door(client):
    with open_lab(client, "autoencoder") as (ws, _):
        ws.send_text('{"type": "decode", "x": NaN, "y": 0}')
        assert receive(ws, "error")["code"] == "invalid_message"
    with open_lab(client, "gan") as (ws, _):
        ws.send_text(
            '{"type": "set_optimizer", "network": "generator",'
            ' "optimizer": {"name": "sgd", "learning_rate": Infinity}}'
        )
        error = receive(ws, "error")
        assert error["code"] == "invalid_message" and "finite" in error["message"]


def test_autoencoder_plays_and_pauses(client):
    with open_lab(client, "autoencoder") as (ws, _):
        ws.send_json({"type": "set_speed", "steps_per_frame": 10})
        receive(ws, "status")
        ws.send_json({"type": "play"})
        assert receive(ws, "status")["running"] is True
        steps = [receive(ws, "frame")["step"] for _ in range(3)]
        assert steps == sorted(steps) and steps[-1] >= 30
        ws.send_json({"type": "pause"})
        assert receive(ws, "status")["running"] is False


# --- GAN -----------------------------------------------------------------------------------


def test_gan_steps_d_only_g_only_and_both(client):
    with open_lab(client, "gan") as (ws, first):
        assert first["kind"] == "plane" and len(first["plane"]["heatmap"]) == 30
        ws.send_json({"type": "step_discriminator"})
        frame = receive(ws, "frame")
        assert frame["readings"]["d_updates"] == 1 and frame["readings"]["g_updates"] == 0
        assert frame["plane"]["heatmap"] != first["plane"]["heatmap"]  # D moved
        assert frame["plane"]["fake"] == first["plane"]["fake"]  # G did not
        ws.send_json({"type": "step_generator"})
        frame2 = receive(ws, "frame")
        assert frame2["readings"]["g_updates"] == 1
        assert frame2["plane"]["fake"] != frame["plane"]["fake"]
        assert frame2["plane"]["heatmap"] == frame["plane"]["heatmap"]
        ws.send_json({"type": "step", "steps": 5})
        frame3 = receive(ws, "frame")
        assert frame3["iteration"] == 5 and frame3["readings"]["d_updates"] == 6


def test_gan_absurd_learning_rate_diverges_and_says_so(client):
    with open_lab(client, "gan") as (ws, _):
        for network in ("generator", "discriminator"):
            ws.send_json(
                {
                    "type": "set_optimizer",
                    "network": network,
                    "optimizer": {"name": "sgd", "learning_rate": 10},
                }
            )
            receive(ws, "frame")
        ws.send_json({"type": "set_speed", "steps_per_frame": 50})
        receive(ws, "status")
        frames, _ = play_until_diverged(ws)
        for frame in frames:
            assert_finite(frame)
        ws.send_json({"type": "reset"})
        frame = receive(ws, "frame")
        assert frame["iteration"] == 0 and frame["state"]["g_optimizer"]["name"] == "sgd"


@pytest.mark.parametrize(
    "settings", [Settings(gan_equilibrium_warmup=40, gan_equilibrium_patience=30)]
)
def test_gan_stops_on_its_own_at_equilibrium_while_playing(client):
    with open_lab(client, "gan") as (ws, _):
        ws.send_json({"type": "get_state"})
        state = receive(ws, "state")["state"]
        # D's output neuron at zero says 0.5 to everything; a tiny rate keeps it there.
        last = state["discriminator"][-1]
        last["w"] = [[0.0] for _ in last["w"]]
        state["d_optimizer"] = {"name": "sgd", "learning_rate": 1e-6, "beta1": 0.9}
        ws.send_json({"type": "set_state", "state": state})
        receive(ws, "frame")
        receive(ws, "status")
        ws.send_json({"type": "set_speed", "steps_per_frame": 20})
        receive(ws, "status")
        ws.send_json({"type": "play"})
        assert receive(ws, "status")["running"] is True
        status = receive(ws, "status", limit=200)
        assert status["running"] is False and status["diverged"] is False
        ws.send_json({"type": "ping"})  # the last frame came before that status
        ws.send_json({"type": "get_state"})
        receive(ws, "pong")
        assert receive(ws, "state")["state"]["iteration"] == 70


def test_gan_slow_motion_steps_one_phase(client):
    with open_lab(client, "gan") as (ws, _):
        ws.send_json({"type": "set_slow_motion", "on": True})
        assert receive(ws, "frame")["phase"]["next"] == "d_real"
        ws.send_json({"type": "step", "steps": 1})
        frame = receive(ws, "frame")
        assert frame["phase"]["done"] == "d_real" and frame["phase"]["next"] == "d_fake"
        assert len(frame["plane"]["batch_real"]) == 64


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "set_noise", "kind": "uniform", "dim": 0}, "latent_size"),
        ({"type": "set_noise", "kind": "pink", "dim": 2}, "invalid_message"),
        ({"type": "set_networks", "g_hidden": [16], "d_hidden": [-3]}, "layer_width"),
        ({"type": "set_schedule", "d_steps": 0}, "invalid_message"),
        ({"type": "set_schedule", "d_steps": 11}, "invalid_message"),
        ({"type": "set_data", "name": "drawn"}, "no_drawing"),
        ({"type": "draw_points", "points": [[0, 0]] * 600}, "too_many_points"),
        ({"type": "draw_points", "points": [[0, 0, 0]]}, "invalid_message"),
        (
            {
                "type": "set_optimizer",
                "network": "discriminator",
                "optimizer": {"name": "sgd", "learning_rate": 100},
            },
            "bad_learning_rate",
        ),
    ],
)
def test_gan_refuses_bad_settings_clearly(client, message, code):
    with open_lab(client, "gan") as (ws, _):
        ws.send_json(message)
        assert receive(ws, "error")["code"] == code
        ws.send_json({"type": "step", "steps": 2})
        assert receive(ws, "frame")["iteration"] == 2
