"""The digits lab over a real websocket: greeting, training by step and play, drawing, errors,
and the weights export."""

import io

import numpy as np

from tests.wsutil import assert_error, open_lab, receive_until


def test_greeting_step_and_play(client):
    with open_lab(client, "digits") as (session, first):
        assert first["lab"] == "digits" and first["step"] == 0
        assert [run["name"] for run in first["runs"]] == ["conv", "dense"]
        session.send_json({"type": "step", "steps": 50})
        frame = receive_until(session, "frame")
        assert frame["step"] == 50 and frame["curves"]["steps"][-1] == 50
        assert frame["filters"] != first["filters"]
        assert receive_until(session, "status")["step"] == 50

        session.send_json({"type": "set_speed", "steps_per_frame": 10})
        assert receive_until(session, "status")["steps_per_frame"] == 10
        session.send_json({"type": "play"})
        assert receive_until(session, "status")["running"] is True
        steps = [receive_until(session, "frame")["step"] for _ in range(3)]
        assert steps == sorted(steps) and steps[0] >= 60 and steps[0] % 10 == 0
        session.send_json({"type": "pause"})
        status = receive_until(session, "status", limit=50)
        while status["running"]:
            status = receive_until(session, "status", limit=50)
        assert status["step"] >= 80


def test_paint_select_and_refusals(client):
    with open_lab(client, "digits") as (session, _):
        session.send_json({"type": "clear_drawing"})
        assert receive_until(session, "frame")["input"]["pixels"] == [0] * 64
        session.send_json({"type": "paint", "cells": [[1, 2], [2, 2]], "value": 16})
        frame = receive_until(session, "frame")
        assert frame["input"]["source"] == "drawing"
        assert frame["input"]["pixels"][10] == 16 and frame["input"]["pixels"][18] == 16
        assert sum(frame["input"]["pixels"]) == 32
        session.send_json({"type": "select", "index": 12})
        assert receive_until(session, "frame")["input"]["index"] == 12
        off_grid = {"type": "paint", "cells": [[8, 0]], "value": 16}
        assert_error(session, off_grid, "invalid_message", "less than 8")
        too_dark = {"type": "paint", "cells": [[0, 0]], "value": 17}
        assert_error(session, too_dark, "invalid_message", "less than or equal to 16")
        assert_error(session, {"type": "select", "index": 400}, "bad_index", "out of range")
        assert_error(
            session, {"type": "configure", "blocks": 2, "stride": 2, "padding": 0},
            "does_not_fit", "nothing",
        )  # fmt: skip


def test_weights_export_as_npz(client):
    with open_lab(client, "digits") as (session, _):
        session.send_json({"type": "step", "steps": 5})
        receive_until(session, "frame")
        session.send_json({"type": "get_state"})
        state = receive_until(session, "state")["state"]
    answer = client.post("/export/digits/weights.npz", json=state)
    assert answer.status_code == 200
    weights = np.load(io.BytesIO(answer.content))
    assert weights["conv.layer0.w"].shape == (8, 1, 3, 3)
    assert weights["conv.layer4.w"].shape == (128, 10)
    assert weights["dense.layer0.w"].shape == (64, 18)
    np.testing.assert_allclose(weights["conv.layer0.w"], np.array(state["conv"][0]["w"]))
