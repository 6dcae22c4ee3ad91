"""Every lab fuzzed against a live server: commands generated from the lab's own message schema
(near its ranges and past them), the tour's real commands with a field spoiled, its own saved
state mutated and sent back (`set_state`) and to the weights export. Whatever is sent, a
session answers with frames or clear errors, never `internal_error`, and the export never
with a 500; the session still works afterwards.

Bounded (25 examples a lab, each up to 8 commands and a mutated state; derandomized) so it
runs in seconds in `make test`; a longer hunt: raise `max_examples`, drop `derandomize`.
"""

import copy
import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import connect

from neural_playground.app.labs import LABS, TOURS
from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.liveserver import serving

#: Values that break assumptions: signs, zero, edges of int32/int64/float64, wrong types.
ODD_VALUES = [0, -1, 1, 2, 3, 7, 64, 10**6, 2**31, 2**63, 10**30, 0.5, -0.5, 1e6, 1e9,
              1.7e308, -1e-300, "", "x", None, True, [], [1], [[1, 2], [3]], {}]  # fmt: skip
ODD_INTS = [v for v in ODD_VALUES if type(v) is int]
ODD_FLOATS = [v for v in ODD_VALUES if type(v) is float]
#: How long one answer may take on a loaded machine: a wait for state, not a pace.
PATIENCE = 60


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    # Not rate-limited: the fuzzer sends back to back. Labs in the server process, as in
    # the other app tests; the lab-process path is the same calls over a pipe.
    app = create_app(Settings(max_messages_per_second=100_000))
    # No keepalive pings (here nor in the client): they draw from `random` in their own
    # thread, which Hypothesis takes for a strategy using it while it generates.
    with serving(app, ws_ping_interval=None) as host:
        yield host


# --- commands from the schema ---------------------------------------------------------------


def from_schema(schema: dict, defs: dict) -> st.SearchStrategy:
    """JSON values near what `schema` accepts: within its ranges, at their edges, past them."""
    if "$ref" in schema:
        return from_schema(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([from_schema(s, defs) for s in schema[key]])
    kind = schema.get("type")
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum", -3))
        high = schema.get("maximum", low + 40)
        return st.integers(low - 1, high + 1) | st.sampled_from(ODD_INTS)
    if kind == "number":
        low = schema.get("minimum", schema.get("exclusiveMinimum", -5.0))
        high = schema.get("maximum", low + 10)
        return st.floats(low, high) | st.sampled_from(ODD_FLOATS)
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        return st.text(max_size=12)
    if kind == "null":
        return st.none()
    if kind == "array":
        if "prefixItems" in schema:
            return st.tuples(*(from_schema(s, defs) for s in schema["prefixItems"])).map(list)
        items = from_schema(schema.get("items", {}), defs)
        return st.lists(items, min_size=schema.get("minItems", 0), max_size=6)
    if kind == "object" and "properties" in schema:
        required = set(schema.get("required", ()))
        fields = {k: from_schema(v, defs) for k, v in schema["properties"].items()}
        return st.fixed_dictionaries(
            {k: s for k, s in fields.items() if k in required},
            optional={k: s for k, s in fields.items() if k not in required},
        )
    return st.sampled_from(ODD_VALUES)


def lab_commands(name: str) -> st.SearchStrategy:
    schema = LABS[name].commands.json_schema()
    return st.one_of([from_schema(s, schema.get("$defs", {})) for s in schema["oneOf"]])


def spoiled(message: dict) -> st.SearchStrategy:
    """A real command with one field (not its type) given an odd value."""
    fields = [k for k in message if k != "type"]
    if not fields:
        return st.just(message)
    return st.builds(
        lambda k, v: {**message, k: v}, st.sampled_from(fields), st.sampled_from(ODD_VALUES)
    )


def tour_commands(name: str) -> st.SearchStrategy:
    real = [c for step in TOURS[name].steps for c in step.commands]
    return st.sampled_from(real) | st.sampled_from(real).flatmap(spoiled)


# --- mutated saved states -------------------------------------------------------------------


def places(data: object, path: tuple = ()) -> Iterator[tuple]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key)
            yield from places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield (*path, index)
            yield from places(value, (*path, index))


CHANGES = ["odd", "scale", "drop", "repeat"]
#: One change to a saved state: which place (an index into its places, wrapped around),
#: what to do there, an odd value to put there, a factor to scale a number by. Drawn as
#: small tuples, applied by `mutated`: a failing example reads short.
change = st.tuples(
    st.integers(0, 10**6),
    st.sampled_from(CHANGES),
    st.sampled_from(ODD_VALUES),
    st.sampled_from([-1.0, 1e3, 1e7, 1e300]),
)


def mutated(state: dict, changes: list[tuple]) -> dict:
    """`state` with `changes`: a value replaced (an odd one, or a number scaled), an entry
    dropped, a list item repeated (ragged rows, wrong lengths)."""
    state = copy.deepcopy(state)
    for place, what, odd, factor in changes:
        where = list(places(state))
        if not where:
            break
        path = where[place % len(where)]
        parent = state
        for key in path[:-1]:
            parent = parent[key]
        key, value = path[-1], parent[path[-1]]
        if what == "odd" or (what == "scale" and type(value) is not float):
            parent[key] = copy.deepcopy(odd)
        elif what == "scale":
            parent[key] = value * factor
        elif what == "drop":
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(value))
    return state


# --- the session ----------------------------------------------------------------------------


class Checked:
    """A websocket whose every incoming message is checked: no internal error, ever."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.errors: list[str] = []

    def send(self, message: dict) -> None:
        self.ws.send(json.dumps(message))

    def until(self, wanted: str) -> dict:
        """Read (checking each) until a message of type `wanted`."""
        while True:
            msg = json.loads(self.ws.recv(timeout=PATIENCE))
            if msg["type"] == "error":
                assert msg["code"] != "internal_error", msg
                assert isinstance(msg["message"], str) and msg["message"]
                self.errors.append(msg["code"])
            if msg["type"] == wanted:
                return msg

    def settle(self) -> None:
        """Every answer so far read: a ping is answered after the commands before it."""
        self.send({"type": "ping"})
        self.until("pong")


def export(server: str, name: str, state: object) -> int:
    request = urllib.request.Request(
        f"http://{server}/export/{name}/weights.json",
        data=json.dumps(state).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=PATIENCE) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("name", sorted(LABS))
def test_a_fuzzed_session_never_meets_an_internal_error(server, name):
    with connect(f"ws://{server}/ws/{name}", max_size=None, ping_interval=None) as ws:
        session = Checked(ws)
        session.until("status")  # hello, the first frame
        session.send({"type": "get_state"})
        state = session.until("state")["state"]
        commands = lab_commands(name) | tour_commands(name)

        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            messages=st.lists(commands, min_size=1, max_size=8),
            changes=st.lists(change, min_size=1, max_size=3),
        )
        def fuzz(messages: list[dict], changes: list[tuple]) -> None:
            saved = mutated(state, changes)
            for message in messages:
                session.send(message)
            session.send({"type": "set_state", "state": saved})
            session.send({"type": "pause"})  # a fuzzed `play` would stream on
            session.settle()
            if LABS[name].has_weights():
                assert export(server, name, saved) in (200, 400, 413, 422)

        fuzz()
        # The session still works: a reset answers with a frame, its state reads back.
        session.send({"type": "reset"})
        session.until("frame")
        session.send({"type": "get_state"})
        assert session.until("state")["state"]
        assert "bad_state" in session.errors or "invalid_message" in session.errors
