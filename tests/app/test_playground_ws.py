"""The playground over a real websocket: streaming, partial frames, errors, state round trips."""

import json

import pytest

from neural_playground.app.settings import Settings
from tests.wsutil import open_lab, receive_until, wait_for


def strict_json(text: str) -> dict:
    """Parse as a browser would: NaN and Infinity are not JSON."""

    def refuse(name):
        raise AssertionError(f"{name} in a frame")

    return json.loads(text, parse_constant=refuse)


def test_first_frame_is_full_then_steps_send_updates(client):
    with open_lab(client, "playground") as (ws, first):
        assert first["kind"] == "full" and first["config"]["data"]["kind"] == "circle"
        assert first["data"]["extent"] == 6.0 and first["output"]["map"]["size"] == 100
        ws.send_json({"type": "step", "steps": 20})
        frame = strict_json(ws.receive_text())
        assert frame["type"] == "frame" and frame["kind"] == "update"
        assert frame["step"] == 20 and frame["config"] is None and frame["data"] is None
        assert [p[0] for p in frame["history"]] == [20]
        assert frame["output"]["map"]["data"] != first["output"]["map"]["data"]
        assert receive_until(ws, "status")["step"] == 20


@pytest.mark.parametrize("settings", [Settings(frames_per_second=50)])
def test_play_streams_several_steps_per_frame(client):
    with open_lab(client, "playground") as (ws, _):
        ws.send_json({"type": "set_speed", "steps_per_frame": 5})
        assert receive_until(ws, "status")["steps_per_frame"] == 5
        ws.send_json({"type": "play"})
        assert receive_until(ws, "status")["running"] is True
        steps = [receive_until(ws, "frame")["step"] for _ in range(4)]
        assert steps == [5, 10, 15, 20]
        ws.send_json({"type": "pause"})
        status = receive_until(ws, "status", limit=50)
        while status["running"]:
            status = receive_until(ws, "status", limit=50)
        assert status["step"] % 5 == 0 and status["step"] >= 20


@pytest.mark.parametrize("settings", [Settings(frames_per_second=100)])
def test_absurd_learning_rate_stops_with_a_clear_message_and_no_nan(client):
    with open_lab(client, "playground") as (ws, _):
        ws.send_json({"type": "set_data", "kind": "plane"})
        receive_until(ws, "frame")
        ws.send_json({"type": "set_network", "learning_rate": 100})
        refused = receive_until(ws, "error")
        assert refused["code"] == "bad_learning_rate" and "10" in refused["message"]
        ws.send_json(
            {
                "type": "set_network",
                "learning_rate": 10,
                "hidden": [8, 8],
                "activations": ["relu", "relu"],
            }
        )
        receive_until(ws, "frame")
        ws.send_json({"type": "set_speed", "steps_per_frame": 20})
        ws.send_json({"type": "play"})
        messages = []
        while not messages or messages[-1].get("type") != "error":
            messages.append(strict_json(ws.receive_text()))
        assert messages[-1]["code"] == "diverged"
        assert "diverged" in messages[-1]["message"]
        status = receive_until(ws, "status")
        assert status == {**status, "running": False, "diverged": True}
        ws.send_json({"type": "reset"})
        frame = strict_json(ws.receive_text())
        assert frame["diverged"] is False and frame["step"] == 0 and frame["kind"] == "full"


def test_invalid_csv_gets_a_clear_message_with_the_line(client):
    with open_lab(client, "playground") as (ws, _):
        ws.send_json({"type": "load_csv", "text": "x1,x2,label\n1,2,1\n1,2\n"})
        error = receive_until(ws, "error")
        assert error["code"] == "csv_columns" and error["params"] == {"line": 3, "count": 2}
        assert "Line 3" in error["message"]
        ws.send_json({"type": "load_csv", "text": "0,0,0\n1,1,1\n2,2,2\n", "problem": "auto"})
        frame = receive_until(ws, "frame")
        assert frame["data"]["problem"] == "multiclass" and frame["data"]["classes"] == 3


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "set_data", "noise": 60}, "invalid_message"),
        ({"type": "set_data", "kind": "moons"}, "invalid_message"),
        ({"type": "set_network", "learning_rate": -1}, "invalid_message"),
        ({"type": "set_network", "features": ["x3"]}, "invalid_message"),
        ({"type": "set_network", "hidden": [9]}, "neurons_per_layer"),
        ({"type": "add_point", "x1": 9, "x2": 0, "label": 1}, "point_outside"),
        ({"type": "set_data", "kind": "custom"}, "no_custom_data"),
    ],
)
def test_bad_commands_are_explained(client, message, code):
    with open_lab(client, "playground") as (ws, _):
        ws.send_json(message)
        assert receive_until(ws, "error")["code"] == code


def test_state_round_trip_through_get_state_and_set_state(client):
    with open_lab(client, "playground") as (ws, _):
        ws.send_json({"type": "set_network", "features": ["x1", "x2", "x1_sq"], "hidden": [3]})
        receive_until(ws, "frame")
        ws.send_json({"type": "add_point", "x1": 1.5, "x2": -2, "label": 1})
        receive_until(ws, "frame")
        ws.send_json({"type": "step", "steps": 30})
        trained = receive_until(ws, "frame")
        ws.send_json({"type": "get_state"})
        state = receive_until(ws, "state")["state"]
        assert state["data"]["kind"] == "circle" and state["points"] == []
        assert state["added"] == [[1.5, -2.0, 1.0]] and state["step"] == 30
    with open_lab(client, "playground") as (ws, _):
        ws.send_json({"type": "set_state", "state": state})
        restored = receive_until(ws, "frame")
        assert restored["kind"] == "full" and restored["step"] == 30
        assert restored["output"] == trained["output"]
        assert restored["metrics"] == trained["metrics"]
        assert restored["layers"] == trained["layers"]
        ws.send_json({"type": "set_state", "state": {**state, "weights": [{"w": [[1]], "b": [0]}]}})
        assert receive_until(ws, "error")["code"] == "bad_state"


def test_a_reloaded_page_gets_a_full_frame_of_the_work_it_takes_back(client):
    with client.websocket_connect("/ws/playground") as ws:
        token = receive_until(ws, "hello")["resume"]
        receive_until(ws, "status")
        ws.send_json({"type": "step", "steps": 30})
        trained = receive_until(ws, "frame")
        assert trained["kind"] == "update" and trained["config"] is None
    wait_for(lambda: len(client.app.state.sessions.parked) == 1)
    with open_lab(client, "playground") as (ws, fresh):
        assert fresh["step"] == 0
        ws.send_json({"type": "resume", "token": token})
        assert receive_until(ws, "resumed")["restored"] is True
        frame = receive_until(ws, "frame")
        # The new page shows nothing yet: settings, points, the whole curve and every map.
        assert frame["kind"] == "full" and frame["step"] == 30
        assert frame["config"]["network"]["hidden"] == [4, 2] and frame["data"] is not None
        assert [p[0] for p in frame["history"]] == [0, 30] and frame["history_reset"]
        assert frame["output"] is not None and all(all(ms) for ms in frame["neuron_maps"])
        assert frame["layers"] == trained["layers"]


def test_a_rooms_late_joiner_gets_a_whole_frame_then_the_teachers_small_ones(client):
    with open_lab(client, "playground") as (teacher, _):
        teacher.send_json({"type": "step", "steps": 10})
        receive_until(teacher, "frame")
        teacher.send_json({"type": "open_room"})
        code = receive_until(teacher, "room")["code"]
        receive_until(teacher, "status")  # the frame and status published for the room
        with open_lab(client, "playground") as (student, _):
            student.send_json({"type": "follow", "code": code})
            receive_until(student, "room")
            joined = receive_until(student, "frame")  # the room's last frame: a late joiner's
            assert joined["kind"] == "full" and joined["step"] == 10
            assert joined["config"] is not None and joined["output"] is not None
            assert joined["data"] is not None and joined["history_reset"]
            teacher.send_json({"type": "set_network", "learning_rate": 0.1})
            own = receive_until(teacher, "frame")
            shown = receive_until(student, "frame")
            # In step with the room: the same small frame as the teacher's page.
            assert shown == own and shown["kind"] == "update"
            assert shown["config"]["network"]["learning_rate"] == 0.1
            assert shown["data"] is None and shown["output"] is None
