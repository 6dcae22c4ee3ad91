"""The convolution lab over the websocket: real messages, engine numbers, clear refusals."""

import pytest

from tests.wsutil import ask, assert_error, open_lab, receive_until


def test_first_frame_is_the_books_example(client):
    with open_lab(client, "conv") as (_, frame):
        assert frame["lab"] == "conv"
        assert frame["conv"]["map"] == [[0, 2, 0, 2], [2, 0, 1, 0], [0, 3, 0, 1], [0, 1, 2, 0]]
        assert [p["out"] for p in frame["pools"]] == [[[2, 2], [3, 2]], [[1, 0.75], [1, 0.75]]]
        assert frame["flatten"] == [2, 2, 3, 2]
        assert sum(frame["head"]["probabilities"]) == pytest.approx(1.0)


def test_one_stroke_is_one_message_and_one_frame(client):
    with open_lab(client, "conv") as (ws, _):
        frame = ask(ws, {"type": "paint", "cells": [[0, 1], [1, 2]], "value": 2})
        # Cell (0, 1) adds pixels (0, 1) and (1, 2): 2 + 2 (they were 1 and 1).
        assert frame["image"][0][0][1] == 2 and frame["image"][0][1][2] == 2
        assert frame["conv"]["map"][0][1] == 4
        assert frame["conv"]["products"][0][1] == [[[2, 0], [0, 2]]]
        assert frame["modified"] is True


@pytest.mark.parametrize(
    ("message", "code", "fragment"),
    [
        ({"type": "set_conv", "stride": 2, "padding": 0}, "conv_stride_skips", "never reaches"),
        ({"type": "set_conv", "stride": 1, "padding": 2}, "conv_padding_too_large", "zero border"),
        ({"type": "set_conv", "stride": 9, "padding": 0}, "conv_stride_range", "1 to 3"),
        ({"type": "set_conv", "stride": 1, "padding": -1}, "conv_padding_range", "0 to 2"),
        ({"type": "set_conv", "stride": "two", "padding": 0}, "invalid_message", "stride"),
        ({"type": "set_conv", "stride": 1}, "invalid_message", "padding"),
        ({"type": "set_pool", "size": 5, "stride": 1}, "conv_pool_size_range", "from 2 to 3"),
        ({"type": "set_kernel", "values": [[1, 0, 0], [0, 1, 0]]}, "conv_kernel_shape", "2x3"),
        ({"type": "set_kernel", "values": [[1, 0], [0]]}, "conv_kernel_shape", "square"),
        ({"type": "set_kernel_size", "size": 4}, "conv_kernel_size", "2x2 or 3x3"),
        ({"type": "set_kernel_cell", "i": 0, "j": 0, "value": 99}, "value_too_large", "10"),
        ({"type": "paint", "cells": [[7, 0]], "value": 1}, "bad_index", "row = 7"),
        ({"type": "paint", "cells": [[0, -1]], "value": 1}, "invalid_message", "greater than"),
        ({"type": "paint", "cells": [[0, 0]], "value": 5}, "conv_level", "0, 1 or 2"),
        ({"type": "paint", "cells": [], "value": 1}, "invalid_message", "cells"),
        ({"type": "load_preset", "name": "circle"}, "invalid_message", "name"),
    ],
)
def test_invalid_shapes_strides_and_paddings_get_a_clear_error(client, message, code, fragment):
    with open_lab(client, "conv") as (ws, first):
        assert_error(ws, message, code, fragment)
        # Nothing changed, and the session carries on.
        ws.send_json({"type": "set_relu", "on": True})
        assert receive_until(ws, "frame")["conv"] == first["conv"]


def test_pooling_that_no_longer_fits_is_refused(client):
    with open_lab(client, "conv") as (ws, _):
        ws.send_json({"type": "set_conv", "stride": 3, "padding": 0})
        assert receive_until(ws, "frame")["conv"]["out"] == 2
        error = ask(ws, {"type": "set_pool", "size": 3, "stride": 1}, "error")
        assert error["code"] == "pool_too_large"
        assert error["params"] == {"pool": 3, "map": 2}


def test_state_round_trips(client):
    with open_lab(client, "conv") as (ws, _):
        ws.send_json({"type": "load_preset", "name": "colour"})
        ws.send_json({"type": "set_kernel_size", "size": 3})
        ask(ws, {"type": "set_conv", "stride": 1, "padding": 1})
        receive_until(ws, "frame")
        before = receive_until(ws, "frame")
        state = ask(ws, {"type": "get_state"}, "state")["state"]
    with open_lab(client, "conv") as (ws, _):
        ws.send_json({"type": "set_state", "state": state})
        assert receive_until(ws, "frame") == before
        ws.send_json({"type": "set_state", "state": {**state, "padding": 3}})
        assert receive_until(ws, "error")["code"] == "conv_padding_range"
