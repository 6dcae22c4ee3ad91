"""A client that never reads must not hold its session slot: its sends time out
(NP_SEND_TIMEOUT_SECONDS) and the session ends, its work parked like any other."""

import base64
import json
import os
import socket
from contextlib import contextmanager

from websockets.sync.client import connect

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.conftest import LABS_FOR_TESTS
from tests.liveserver import serving
from tests.trainable_lab import BigFrameLab
from tests.wsutil import wait_for


@contextmanager
def never_reading(host: str, path: str):
    """A websocket client that reads its handshake answer, then nothing more."""
    address, port = host.rsplit(":", 1)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window, set early
    sock.connect((address, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(1)  # byte by byte: nothing after the handshake is taken
    assert answer.startswith(b"HTTP/1.1 101")
    try:
        yield sock
    finally:
        sock.close()


def masked_text_frame(text: str) -> bytes:
    """One short text frame as a client sends it (masked, RFC 6455 section 5.2)."""
    data = text.encode()
    assert len(data) < 126
    mask = os.urandom(4)
    return (
        bytes([0x81, 0x80 | len(data)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    )


def test_a_client_that_stops_reading_is_closed_and_frees_its_slot():
    labs = {**LABS_FOR_TESTS, BigFrameLab.name: BigFrameLab}
    settings = Settings(lab_processes=False, send_timeout_seconds=0.5)
    app = create_app(settings, labs=labs)
    sessions = app.state.runtime.sessions
    with serving(app) as host, never_reading(host, "/ws/big_frame") as sock:
        wait_for(lambda: len(sessions) == 1)
        sock.sendall(masked_text_frame(json.dumps({"type": "play"})))  # 1 MB frames, 20 a second
        wait_for(lambda: len(sessions) == 0)  # closed, though it never read
        wait_for(lambda: len(sessions.parked) == 1)  # its work waits for a resume, as usual
        with connect(f"ws://{host}/ws/trainable") as ws:  # the server carries on
            assert json.loads(ws.recv(timeout=60))["type"] == "hello"
