"""Helpers for talking to a lab over a TestClient websocket (or a `websockets` client)."""

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


def play_frames(ws, count: int, steps_per_frame: int | None = None) -> tuple[list[int], dict]:
    """Play (at `steps_per_frame` when given) for `count` frames, then pause: the frames'
    steps, in order, and the status once training has stopped (not before the last frame)."""
    if steps_per_frame is not None:
        speed = {"type": "set_speed", "steps_per_frame": steps_per_frame}
        assert ask(ws, speed, "status")["steps_per_frame"] == steps_per_frame
    assert ask(ws, {"type": "play"}, "status")["running"] is True
    steps = [receive_until(ws, "frame")["step"] for _ in range(count)]
    assert steps == sorted(steps)
    status = ask(ws, {"type": "pause"}, "status", limit=50)
    while status["running"]:
        status = receive_until(ws, "status", limit=50)
    assert status["step"] >= steps[-1]
    return steps, status


def step_then_play(ws, steps: int, steps_per_frame: int) -> dict:
    """Step `steps` (the frame and the status say so), then play three frames at
    `steps_per_frame`: play goes on from there in whole frames, and a pause stops it no
    earlier than the third. The step's frame."""
    frame = ask(ws, {"type": "step", "steps": steps})
    assert frame["step"] == steps
    assert receive_until(ws, "status")["step"] == steps
    played, status = play_frames(ws, 3, steps_per_frame)
    assert played[0] >= steps + steps_per_frame and played[0] % steps_per_frame == 0
    assert status["step"] >= steps + 3 * steps_per_frame
    return frame


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


def wait_for(condition, timeout: float = 60.0) -> None:
    """Poll until `condition()` holds: the server frees sessions a moment after a close.
    `timeout` is how long a state may take on a loaded machine before the test fails, not a
    pace: a condition that holds returns at once."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def recv_until(ws, wanted: str, timeout: float = 60) -> dict:
    """Read messages from a `websockets` client connection until one of type `wanted`."""
    while True:
        message = json.loads(ws.recv(timeout=timeout))
        if message["type"] == wanted:
            return message


def greeted(ws) -> str:
    """A new session's greeting (hello, frame, status) read over a `websockets` client
    connection; its resume token."""
    token = recv_until(ws, "hello")["resume"]
    recv_until(ws, "status")
    return token
