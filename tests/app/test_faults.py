"""Faults against a live server: fuzzed messages, huge messages, NaN and infinite numbers.

Each hostile input gets an `error` and the connection stays open; a well-behaved learner
next to the attacker keeps training and receiving frames throughout.
"""

import json
import logging
import threading
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from neural_playground.app.main import create_app
from neural_playground.app.protocol import COMMON_COMMANDS
from neural_playground.app.settings import Settings
from tests.conftest import LABS_FOR_TESTS
from tests.liveserver import serving
from tests.trainable_lab import SlowFrameLab
from tests.wsutil import wait_for

COMMAND_TYPES = sorted(
    {c.model_fields["type"].annotation.__args__[0] for c in COMMON_COMMANDS}
    | {"set_weight", "set_learning_rate", "set_input", "load_preset"}
)


#: How long an answer may take on a loaded machine (two test suites on two cores) before a
#: test fails: a limit, not a pace; an answer that comes returns at once.
PATIENCE = 60


def greet(ws) -> None:
    for expected in ("hello", "frame", "status"):
        assert json.loads(ws.recv(timeout=PATIENCE))["type"] == expected


@pytest.fixture(scope="module")
def server():
    """A live server that lets one client send fast (the fuzzer is not rate-limited)."""
    app = create_app(Settings(max_messages_per_second=100_000), labs=LABS_FOR_TESTS)
    # No keepalive pings on either side: websockets draws their payloads from the `random`
    # module, and Hypothesis fails a test whose generation saw it used (a slow run lasts
    # past the 20 s ping interval). As in test_fuzz_labs.py.
    with serving(app, ws_ping_interval=None) as host:
        yield host


class Learner(threading.Thread):
    """A well-behaved learner training beside the attacker, counting the frames it gets."""

    def __init__(self, ws) -> None:
        super().__init__(daemon=True)
        self.ws = ws
        self.frames = 0
        self.last_step = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        self.ws.send(json.dumps({"type": "play"}))
        while not self.stopping.is_set():
            try:
                msg = json.loads(self.ws.recv(timeout=1))
            except TimeoutError:
                continue  # a loaded server's frames come late, not never: the test judges
            if msg["type"] == "frame":
                self.frames += 1
                self.last_step = msg["step"]


@pytest.fixture(scope="module")
def attacker(server):
    with connect(f"ws://{server}/ws/trainable", max_size=None, ping_interval=None) as ws:
        greet(ws)
        yield ws


@pytest.fixture(scope="module")
def learner(server):
    with connect(f"ws://{server}/ws/trainable", ping_interval=None) as ws:
        greet(ws)
        learner = Learner(ws)
        learner.start()
        yield learner
        learner.stopping.set()
        learner.join(timeout=10)


# Every generated message is malformed by construction, so every answer must be an error.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
known_type_with_junk = st.builds(
    lambda t, junk, fields: {"type": t, **fields, "zz_unknown": junk},
    st.sampled_from(COMMAND_TYPES),
    json_values,
    st.dictionaries(
        st.sampled_from(
            ["value", "layer", "i", "j", "steps", "state", "token", "code", "key", "name"]
        ),
        json_values,
        max_size=3,
    ),
)
unknown_type = st.builds(
    lambda t, fields: {**fields, "type": f"x-{t}"},  # no command type starts with "x-"
    st.text(max_size=12),
    st.dictionaries(st.text(max_size=8), json_values, max_size=3),
)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
not_an_object = scalars | st.lists(json_values, max_size=4)
not_json = st.one_of(
    st.text(max_size=60).map(lambda s: "<" + s),  # no JSON value starts with "<"
    st.dictionaries(st.text(max_size=8), json_values, max_size=3).map(
        lambda d: json.dumps(d)[:-1]  # cut short: the closing brace is missing
    ),
)
malformed_message = st.one_of(
    known_type_with_junk.map(json.dumps),
    unknown_type.map(json.dumps),
    not_an_object.map(json.dumps),
    not_json,
    st.binary(max_size=40),
)


BATCH = 100  # messages sent back to back, then their answers read: 10 batches, 1,000 messages


@settings(
    max_examples=1000 // BATCH,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(messages=st.lists(malformed_message, min_size=BATCH, max_size=BATCH))
def test_a_thousand_malformed_messages_get_errors_and_never_a_crash(attacker, learner, messages):
    for message in messages:
        attacker.send(message)
    for _ in messages:
        answer = json.loads(attacker.recv(timeout=PATIENCE))
        assert answer["type"] == "error"
        assert answer["code"] in {"invalid_json", "invalid_message", "not_text"}
        assert isinstance(answer["message"], str) and answer["message"]


def test_the_learner_beside_the_attacker_kept_training_and_the_server_is_fine(
    server, attacker, learner
):
    wait_for(lambda: learner.frames > 0 and learner.last_step > 0)  # it was training
    frames, step = learner.frames, learner.last_step
    attacker.send(json.dumps({"type": "ping"}))
    assert json.loads(attacker.recv(timeout=PATIENCE)) == {"type": "pong"}
    with connect(f"ws://{server}/ws/trainable", ping_interval=None) as third:
        greet(third)
        third.send(json.dumps({"type": "step", "steps": 3}))
        assert json.loads(third.recv(timeout=PATIENCE))["step"] == 3
    wait_for(lambda: learner.frames > frames and learner.last_step > step)  # still streaming
    with urllib.request.urlopen(f"http://{server}/healthz", timeout=PATIENCE) as response:
        assert json.load(response) == {"status": "ok"}


def test_a_10_mb_message_gets_a_clear_error_and_the_session_goes_on(server):
    with connect(f"ws://{server}/ws/trainable", max_size=None) as ws:
        greet(ws)
        ws.send(json.dumps({"type": "set_learning_rate", "value": 0.5, "pad": "x" * 10_000_000}))
        error = json.loads(ws.recv(timeout=PATIENCE))
        assert error["code"] == "too_large" and error["params"] == {"limit": 256_000}
        ws.send(json.dumps({"type": "set_learning_rate", "value": 0.5}))
        assert json.loads(ws.recv(timeout=PATIENCE))["learning_rate"] == 0.5


def test_beyond_the_transport_cap_the_connection_closes_with_1009():
    """Hosts may lower uvicorn's --ws-max-size; the page then says "too large" and resumes."""
    app = create_app(Settings(), labs=LABS_FOR_TESTS)
    with serving(app, ws_max_size=500_000) as host, connect(f"ws://{host}/ws/trainable") as ws:
        greet(ws)
        ws.send(json.dumps({"type": "ping", "pad": "x" * 300_000}))
        assert json.loads(ws.recv(timeout=PATIENCE))["code"] == "too_large"
        ws.send(json.dumps({"type": "ping", "pad": "x" * 600_000}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=PATIENCE)
        assert closed.value.rcvd.code == 1009


@pytest.mark.parametrize(
    ("message", "code", "fragment"),
    [
        (
            '{"type": "set_weight", "layer": 0, "i": 0, "j": 0, "value": NaN}',
            "invalid_message",
            "finite",
        ),
        (
            '{"type": "set_weight", "layer": 0, "i": 0, "j": 0, "value": -Infinity}',
            "invalid_message",
            "finite",
        ),
        (
            '{"type": "set_weight", "layer": 0, "i": 0, "j": 0, "value": 1e400}',
            "invalid_message",
            "finite",
        ),
        (
            '{"type": "set_weight", "layer": 0, "i": 0, "j": 0, "value": 1e300}',
            "value_too_large",
            "between",
        ),
        (
            '{"type": "set_state", "state": {"learning_rate": 0.1, "weights": '
            '[{"w": [[NaN]], "b": [0]}]}}',
            "bad_state",
            "finite",
        ),
        (
            '{"type": "set_state", "state": {"learning_rate": 1e9, "weights": '
            '[{"w": [[1, 1, 1], [1, 1, 1]], "b": [0, 0, 0]}, {"w": [[1], [1], [1]], "b": [0]}]}}',
            "bad_state",
            "learning_rate: 1e+09",
        ),
        ('{"type": "set_learning_rate", "value": 1e9}', "value_too_large", "learning rate"),
    ],
    ids=[
        "nan",
        "minus-infinity",
        "overflow-to-infinity",
        "huge",
        "nan-in-state",
        "huge-rate-in-state",
        "learning-rate-1e9",
    ],
)
def test_non_finite_and_huge_numbers_are_refused_with_a_clear_message(
    server, message, code, fragment
):
    with connect(f"ws://{server}/ws/trainable") as ws:
        greet(ws)
        ws.send(message)
        error = json.loads(ws.recv(timeout=PATIENCE))
        assert error["code"] == code and fragment in error["message"].lower()
        ws.send(json.dumps({"type": "step", "steps": 1}))
        frame = json.loads(ws.recv(timeout=PATIENCE))
        assert frame["learning_rate"] == 0.1  # nothing changed
        assert all(abs(v) < 1e3 for layer in frame["weights"] for row in layer["w"] for v in row)


def test_a_tab_closed_before_its_greeting_ends_its_session_quietly(caplog):
    """The server's first frame would go to a client already gone: a normal end, no error."""
    labs = {**LABS_FOR_TESTS, SlowFrameLab.name: SlowFrameLab}
    app = create_app(Settings(lab_processes=False), labs=labs)
    uvicorn_log = logging.getLogger("uvicorn")  # it does not propagate to the root logger
    with serving(app) as host:
        uvicorn_log.addHandler(caplog.handler)  # after uvicorn has configured its loggers
        with connect(f"ws://{host}/ws/slow_frame") as ws:
            assert json.loads(ws.recv(timeout=PATIENCE))["type"] == "hello"
        sessions = app.state.runtime.sessions
        wait_for(lambda: not sessions.sessions)
        with connect(f"ws://{host}/ws/trainable") as ws:  # the server carries on
            greet(ws)
    uvicorn_log.removeHandler(caplog.handler)
    errors = [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert not errors, [r.getMessage() for r in errors]
