"""Helpers for talking to a lab over a TestClient websocket."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect


def receive_until(ws, wanted: str, limit: int = 20) -> dict:
    """Read messages from a TestClient websocket until one of type `wanted` arrives."""
    for _ in range(limit):
        msg = ws.receive_json()
        if msg["type"] == wanted:
            return msg
    raise AssertionError(f"no {wanted!r} message within {limit} messages")


def ask(ws, message: dict, wanted: str = "frame", limit: int = 20) -> dict:
    """Send `message`; the first message of type `wanted` that comes back (a frame unless
    said otherwise)."""
    ws.send_json(message)
    return receive_until(ws, wanted, limit)


def assert_error(ws, message: dict, code: str, fragment: str, receive=receive_until) -> dict:
    """Send `message`: the answer is the error `code`, its text mentioning `fragment`."""
    ws.send_json(message)
    error = receive(ws, "error")
    assert error["code"] == code
    assert fragment.lower() in error["message"].lower()
    return error


def play_until_diverged(ws, limit: int = 500) -> tuple[list[dict], dict]:
    """Send `play` and read up to the `diverged` error: no message on the way held a NaN or
    an infinity (the texts as sent), and the status after it says training stopped. The
    frames on the way, and that status."""
    ws.send_json({"type": "play"})
    texts = []
    for _ in range(limit):
        texts.append(ws.receive_text())
        message = json.loads(texts[-1])
        if message["type"] == "error":
            assert message["code"] == "diverged"
            break
    else:
        raise AssertionError(f"no divergence within {limit} messages")
    assert not any("NaN" in text or "Infinity" in text for text in texts)
    status = receive_until(ws, "status", limit=limit)
    assert status == {**status, "running": False, "diverged": True}
    frames = [m for m in map(json.loads, texts) if m["type"] == "frame"]
    return frames, status


@contextmanager
def open_lab(client: TestClient, lab: str) -> Iterator[tuple]:
    """Connect to a lab, consume its greeting (hello, first frame, status), yield (ws, frame)."""
    with client.websocket_connect(f"/ws/{lab}") as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello"
        assert hello["lab"] == lab
        first = ws.receive_json()
        assert first["type"] == "frame"
        assert ws.receive_json()["type"] == "status"
        yield ws, first


def assert_refused(ws, error_code: str, close_code: int) -> None:
    """The server says why (an `error`), then closes the websocket with `close_code`."""
    assert ws.receive_json()["code"] == error_code
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == close_code


def wait_for(condition, timeout: float = 5.0) -> None:
    """Poll until `condition()` holds: the server frees sessions a moment after a close."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)
