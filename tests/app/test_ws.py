"""The websocket protocol over FastAPI's TestClient: real messages, real engine values."""

import json
import typing

import pytest
from pydantic import ValidationError

from neural_playground.app.labs import LABS, TOURS
from neural_playground.app.settings import Settings
from neural_playground.app.ws.protocol import PROTOCOL_VERSION, Message
from tests.wsutil import assert_refused, open_lab, receive_until, wait_for


def test_hello_announces_protocol_session_and_limits(client):
    with client.websocket_connect("/ws/neurons") as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello"
        assert hello["protocol"] == PROTOCOL_VERSION
        assert len(hello["session"]) >= 8
        assert hello["limits"]["max_neurons"] == 8
        frame = ws.receive_json()
        assert frame["type"] == "frame"
        assert frame["preset"] == "b2_weighted"
        assert frame["layers"][0]["z"][0] == pytest.approx(0.9)
        assert ws.receive_json() == {
            "type": "status",
            "running": False,
            "step": 0,
            "diverged": False,
            "steps_per_frame": 1,
        }


def test_editing_a_weight_returns_the_new_trace(client):
    with open_lab(client, "neurons") as (session, first):
        assert first["output"] == pytest.approx(4.9)
        session.send_json({"type": "set_weight", "layer": 1, "i": 0, "j": 0, "value": 2.0})
        frame = receive_until(session, "frame")
        # R1 = 2 * 0.9 + 2 + 2
        assert frame["output"] == pytest.approx(5.8)
        assert frame["layers"][1]["w"][0][0] == 2.0
        assert frame["layers"][1]["terms"][0] == pytest.approx([1.8, 2.0, 2.0])


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("{not json", "invalid_json", "not valid JSON"),
        ('{"type": "fly"}', "invalid_message", "fly"),
        ('{"type": "set_weight", "layer": 0, "i": 0, "j": 0}', "invalid_message", "value"),
        (
            '{"type": "set_weight", "layer": 0, "i": 0, "j": 0, "value": "x"}',
            "invalid_message",
            "value",
        ),
        (
            '{"type": "set_weight", "layer": 0, "i": 0, "j": 0, "value": NaN}',
            "invalid_message",
            "finite",
        ),
        ('{"type": "set_input", "i": 0, "value": Infinity}', "invalid_message", "finite"),
        ('{"type": "set_input", "i": -1, "value": 1}', "invalid_message", "greater than"),
        ('{"type": "ping", "extra": 1}', "invalid_message", "extra"),
        ('{"type": "set_input", "i": 0, "value": 1e300}', "value_too_large", "between"),
        ('{"type": "set_weight", "layer": 9, "i": 0, "j": 0, "value": 1}', "bad_index", "layer"),
        ('{"type": "set_learning_rate", "value": 1e6}', "bad_learning_rate", "at most 10"),
        ('{"type": "set_learning_rate", "value": -0.1}', "bad_learning_rate", "above 0"),
        ("[1, 2, 3]", "invalid_message", ""),
        # Strict types: a boolean or a string is not a number (pydantic's lax mode took them).
        (
            '{"type": "step", "steps": true}',
            "invalid_message",
            "steps: input should be a valid integer",
        ),
        ('{"type": "step", "steps": "3"}', "invalid_message", "valid integer"),
        ('{"type": "set_speed", "steps_per_frame": false}', "invalid_message", "valid integer"),
        (
            '{"type": "set_weight", "layer": 0, "i": 0, "j": 0, "value": true}',
            "invalid_message",
            "value: input should be a valid number",
        ),
        ('{"type": "set_input", "i": true, "value": 1}', "invalid_message", "valid integer"),
        ('{"type": "set_input", "i": 0, "value": "0.5"}', "invalid_message", "valid number"),
    ],
)
def test_bad_messages_get_a_clear_error_and_the_session_lives_on(client, text, code, fragment):
    with open_lab(client, "neurons") as (session, _):
        session.send_text(text)
        session.send_json({"type": "ping"})  # answered in turn, after the bad message
        replies = [session.receive_json()]
        while replies[-1]["type"] != "pong":
            replies.append(session.receive_json())
        errors = [m for m in replies if m["type"] == "error"]
        assert errors, f"{text} was taken: {[m['type'] for m in replies]}"
        assert errors[0]["code"] == code
        assert fragment.lower() in errors[0]["message"].lower()


def test_oversized_message_is_refused_before_parsing(client):
    with open_lab(client, "neurons") as (session, _):
        session.send_text(json.dumps({"type": "ping", "pad": "x" * 300_000}))
        error = receive_until(session, "error")
        assert error["code"] == "too_large"
        assert error["params"]["limit"] == 256_000
        session.send_json({"type": "set_input", "i": 0, "value": 2.0})
        assert receive_until(session, "frame")["inputs"][0] == 2.0


def test_binary_messages_are_refused(client):
    with open_lab(client, "neurons") as (session, _):
        session.send_bytes(b"\x00\x01")
        assert receive_until(session, "error")["code"] == "not_text"


def test_unknown_lab_is_refused(client):
    with client.websocket_connect("/ws/nope") as ws:
        assert_refused(ws, "unknown_lab", 1008)


@pytest.mark.parametrize("settings", [Settings(max_sessions=1)])
def test_full_server_refuses_new_sessions_kindly(client):
    with open_lab(client, "neurons") as (session, _):
        with client.websocket_connect("/ws/neurons") as second:
            error = second.receive_json()
            assert error["code"] == "server_full"
            assert "try again" in error["message"].lower()
        # The first learner is unaffected.
        session.send_json({"type": "ping"})
        assert receive_until(session, "pong")["type"] == "pong"
    # Once the first leaves, a place is free again.
    with open_lab(client, "neurons") as (_, frame):
        assert frame["type"] == "frame"


@pytest.mark.parametrize("settings", [Settings(max_messages_per_second=2)])
def test_message_rate_is_limited_per_session(client):
    with open_lab(client, "neurons") as (session, _):
        for _ in range(6):
            session.send_json({"type": "ping"})
        replies = [session.receive_json()["type"] for _ in range(6)]
        assert replies.count("pong") == 2
        assert replies.count("error") == 4


@pytest.mark.parametrize("settings", [Settings(max_messages_per_second=2)])
@pytest.mark.parametrize(
    "send",
    [
        lambda ws: ws.send_bytes(b"\x00\x01"),
        lambda ws: ws.send_text(json.dumps({"type": "ping", "pad": "x" * 300_000})),
    ],
    ids=["binary", "oversized"],
)
def test_binary_and_oversized_messages_count_against_the_rate(client, send):
    with open_lab(client, "neurons") as (session, _):
        for _ in range(6):
            send(session)
        codes = [session.receive_json()["code"] for _ in range(6)]
        assert codes.count("rate_limited") == 4  # two went through the door, to be refused


def test_sessions_are_freed_when_clients_leave(client):
    registry = client.app.state.sessions
    for _ in range(3):
        with open_lab(client, "neurons"):
            assert len(registry) == 1
        wait_for(lambda: len(registry) == 0)
    assert len(registry) == 0


def test_two_sessions_are_independent(client):
    with open_lab(client, "neurons") as (s1, _), open_lab(client, "neurons") as (s2, _):
        s1.send_json({"type": "set_input", "i": 0, "value": 10.0})
        assert receive_until(s1, "frame")["inputs"][0] == 10.0
        s2.send_json({"type": "ping"})
        assert receive_until(s2, "pong")
        s2.send_json({"type": "set_input", "i": 1, "value": 0.0})
        assert receive_until(s2, "frame")["inputs"] == [1.0, 0.0, 3.0]


def test_state_round_trips_through_get_state_and_set_state(client):
    with open_lab(client, "neurons") as (session, _):
        session.send_json({"type": "load_preset", "name": "b2_relu_off"})
        before = receive_until(session, "frame")
        session.send_json({"type": "get_state"})
        state = receive_until(session, "state")
        assert state["lab"] == "neurons"
    with open_lab(client, "neurons") as (session, first):
        assert first["preset"] == "b2_weighted"
        session.send_json({"type": "set_state", "state": state["state"]})
        assert receive_until(session, "frame") == before


def test_set_state_with_a_bad_state_is_an_error(client):
    with open_lab(client, "neurons") as (session, _):
        session.send_json({"type": "set_state", "state": {"preset": "nope"}})
        error = receive_until(session, "error")
        assert error["code"] == "bad_state"
        assert "preset" in error["message"]


def message_classes(base: type = Message) -> list[type]:
    return [c for sub in base.__subclasses__() for c in (sub, *message_classes(sub))]


def number_fields(model: type) -> list[str]:
    """Fields that want a number (int or float, maybe optional), not a bool."""
    wanted = []
    for name, field in model.model_fields.items():
        kinds = set(typing.get_args(field.annotation)) - {type(None)} or {field.annotation}
        if kinds and kinds <= {int, float}:
            wanted.append(field.alias or name)
    return wanted


@pytest.mark.parametrize("lab_name", sorted(LABS))
def test_no_command_of_any_lab_takes_a_bool_or_a_string_for_a_number(lab_name):
    adapter = LABS[lab_name].commands
    checked = 0
    for model in message_classes():
        tag = model.model_fields.get("type")
        if tag is None or not tag.is_required():
            continue  # not a command (states, settings, server -> client messages)
        for name in number_fields(model):
            for wrong in ("true", '"1"'):
                text = f'{{"type": "{typing.get_args(tag.annotation)[0]}", "{name}": {wrong}}}'
                with pytest.raises(ValidationError) as refused:
                    adapter.validate_json(text, strict=True)  # as the session parses
                errors = refused.value.errors()
                if errors[0]["type"] == "union_tag_invalid":
                    break  # not a command of this lab
                assert any(e["loc"][-1] == name for e in errors), (text, errors)
                checked += 1
    assert checked >= 4  # step, set_speed and at least one of the lab's own


@pytest.mark.parametrize("tour", TOURS.values(), ids=lambda tour: tour.page)
def test_every_tour_command_passes_the_strict_parser(tour):
    # A tour's commands go over the websocket like any other: they must survive strictness.
    adapter = LABS[tour.lab].commands
    for step in tour.steps:
        for command in step.commands:
            adapter.validate_json(json.dumps(command), strict=True)
