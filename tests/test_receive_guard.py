"""A test whose server never answers fails with a message instead of hanging the run."""

import pytest
from fastapi import FastAPI, WebSocket
from fastapi.testclient import TestClient

import tests.conftest as c

# The conftest bounds every TestClient websocket receive (see RECEIVE_GUARD_SECONDS).


def test_a_silent_server_fails_the_test_instead_of_hanging(monkeypatch):
    monkeypatch.setattr(c, "RECEIVE_GUARD_SECONDS", 0.5)
    app = FastAPI()

    @app.websocket("/ws")
    async def silent(ws: WebSocket):
        await ws.accept()
        await ws.receive_text()

    with TestClient(app).websocket_connect("/ws") as ws:
        with pytest.raises(AssertionError, match="sent nothing"):
            ws.receive_json()
        ws.send_text("bye")
