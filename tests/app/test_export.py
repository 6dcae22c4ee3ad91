"""Weights export: a lab's state in, the same weights out as NumPy .npz and as JSON."""

import asyncio
import io
import json

import numpy as np
import pytest

from neural_playground.app.inbound import MAX_JSON_DEPTH, too_deep
from neural_playground.app.labs import LABS
from neural_playground.app.labs.common.base import Lab
from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.wsutil import open_lab, receive_until


def edited_state(client) -> dict:
    """A neurons state from a real session, with one weight and one bias edited."""
    with open_lab(client, "neurons") as (ws, _):
        ws.send_json({"type": "set_weight", "layer": 0, "i": 1, "j": 0, "value": -0.25})
        receive_until(ws, "frame")
        ws.send_json({"type": "set_bias", "layer": 1, "j": 0, "value": 0.5})
        receive_until(ws, "frame")
        ws.send_json({"type": "get_state"})
        return receive_until(ws, "state")["state"]


def test_npz_holds_every_layers_weights_and_biases(client):
    state = edited_state(client)
    response = client.post("/export/neurons/weights.npz", json=state)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert 'filename="neurons-weights.npz"' in response.headers["content-disposition"]
    with np.load(io.BytesIO(response.content)) as npz:
        assert sorted(npz.files) == ["layer0.b", "layer0.w", "layer1.b", "layer1.w"]
        assert npz["layer0.w"].shape == (3, 3)
        assert npz["layer0.w"][1, 0] == -0.25
        np.testing.assert_array_equal(npz["layer0.w"], state["weights"][0]["w"])
        np.testing.assert_array_equal(npz["layer1.w"], [[1.0], [1.0], [1.0]])
        assert npz["layer1.b"].tolist() == [0.5]


def test_json_export_has_the_same_numbers(client):
    state = edited_state(client)
    npz = np.load(io.BytesIO(client.post("/export/neurons/weights.npz", json=state).content))
    exported = client.post("/export/neurons/weights.json", json=state).json()
    assert exported.keys() == set(npz.files)
    for name, values in exported.items():
        np.testing.assert_array_equal(np.array(values), npz[name])


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/export/nowhere/weights.npz", b"{}", 404, "unknown_lab"),
        ("/export/neurons/weights.npz", b"{not json", 400, "invalid_json"),
        ("/export/neurons/weights.npz", b'{"preset": "b2_weighted"}', 422, "bad_state"),
        ("/export/neurons/weights.json", b"x" * 300_000, 413, "too_large"),
    ],
)
def test_bad_requests_get_a_code_the_page_translates(client, path, body, status, code):
    response = client.post(path, content=body)
    assert response.status_code == status
    assert response.json()["code"] == code


def test_a_state_beyond_the_limits_is_refused(client):
    state = edited_state(client)
    state["weights"][0]["w"][0][0] = 1e9
    response = client.post("/export/neurons/weights.npz", json=state)
    assert response.status_code == 422
    assert response.json()["code"] == "bad_state"  # checked like set_state (test_saved_states)
    assert "weights.0.w.0.0: 1e+09" in response.json()["message"]


def test_labs_without_weights_say_so():
    class NoNetwork(Lab):
        pass

    assert not NoNetwork.has_weights()
    assert LABS["neurons"].has_weights()


# --- the edge: a body is read up to the cap only, deep nesting refused before parsing -----


def post_in_chunks(path: str, chunks: int, chunk: bytes, headers=()) -> tuple[int, dict, int]:
    """POST a chunked body straight to the ASGI app; (status, json body, chunks it read)."""
    read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        if read == chunks:  # the app came back for more after the last chunk
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": read < chunks}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    asyncio.run(create_app(Settings())(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), read


def test_a_chunked_upload_past_the_cap_is_refused_without_being_read_whole():
    # 64 MB in 64 kB chunks: the old endpoint buffered all of it before its size check.
    limit = Settings().max_message_bytes
    status, body, read = post_in_chunks("/export/neurons/weights.json", 1_000, b" " * 65_536)
    assert (status, body["code"], body["params"]["limit"]) == (413, "too_large", limit)
    assert read <= limit // 65_536 + 1


def test_a_declared_length_past_the_cap_is_refused_before_reading():
    headers = [(b"content-length", b"500000000")]
    status, body, read = post_in_chunks("/export/neurons/weights.npz", 1, b"{}", headers)
    assert (status, body["code"], read) == (413, "too_large", 0)


def test_json_nested_thousands_deep_is_a_clear_400_not_a_500(client):
    for depth in (MAX_JSON_DEPTH + 1, 2_000, 100_000):
        response = client.post("/export/neurons/weights.json", content="[" * depth + "]" * depth)
        assert response.status_code == 400
        assert response.json()["code"] == "too_deep"
        assert response.json()["params"] == {"limit": MAX_JSON_DEPTH}


def test_the_depth_scan_counts_nesting_not_brackets_in_strings():
    assert not too_deep(json.dumps({"a": [[1, 2], [3]], "b": {"c": []}}).encode(), limit=3)
    assert too_deep(json.dumps({"a": [[[1]]]}).encode(), limit=3)
    assert not too_deep(json.dumps({"s": "[" * 100, "t": '\\"{' * 50}).encode(), limit=3)
    assert not too_deep(b"[" * 10 + b"]" * 10, limit=10)
    assert too_deep(b"[" * 11, limit=10)


@pytest.mark.parametrize("lab_name", sorted(LABS))
def test_every_labs_state_is_far_from_the_depth_limit(lab_name):
    state = LABS[lab_name](Settings()).snapshot().model_dump(mode="json")
    assert not too_deep(json.dumps(state).encode(), limit=MAX_JSON_DEPTH // 4)


def test_deep_nesting_over_the_websocket_is_a_clear_error_too(client):
    with open_lab(client, "neurons") as (ws, _):
        for depth in (150, 2_000):
            nested = "[" * depth + "]" * depth
            ws.send_text(f'{{"type": "set_state", "state": {{"weights": {nested}}}}}')
            assert receive_until(ws, "error")["code"] in ("bad_state", "invalid_json")
