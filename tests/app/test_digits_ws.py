"""The digits lab over a real websocket: greeting, training by step and play, drawing, errors,
and the weights export."""

import io

import numpy as np

from tests.wsutil import ask, assert_error, open_lab, step_then_play


def test_greeting_step_and_play(client):
    with open_lab(client, "digits") as (session, first):
        assert first["lab"] == "digits" and first["step"] == 0
        assert [run["name"] for run in first["runs"]] == ["conv", "dense"]
        frame = step_then_play(session, 50, steps_per_frame=10)
        assert frame["curves"]["steps"][-1] == 50
        assert frame["filters"] != first["filters"]


def test_paint_select_and_refusals(client):
    with open_lab(client, "digits") as (session, _):
        assert ask(session, {"type": "clear_drawing"})["input"]["pixels"] == [0] * 64
        frame = ask(session, {"type": "paint", "cells": [[1, 2], [2, 2]], "value": 16})
        assert frame["input"]["source"] == "drawing"
        assert frame["input"]["pixels"][10] == 16 and frame["input"]["pixels"][18] == 16
        assert sum(frame["input"]["pixels"]) == 32
        assert ask(session, {"type": "select", "index": 12})["input"]["index"] == 12
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
        ask(session, {"type": "step", "steps": 5})
        state = ask(session, {"type": "get_state"}, "state")["state"]
    answer = client.post("/export/digits/weights.npz", json=state)
    assert answer.status_code == 200
    weights = np.load(io.BytesIO(answer.content))
    assert weights["conv.layer0.w"].shape == (8, 1, 3, 3)
    assert weights["conv.layer4.w"].shape == (128, 10)
    assert weights["dense.layer0.w"].shape == (64, 18)
    np.testing.assert_allclose(weights["conv.layer0.w"], np.array(state["conv"][0]["w"]))
