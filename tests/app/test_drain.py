"""SIGTERM to a real server process: it moves every open session's work out before it stops.

Each open session's state is left in Redis (without Redis, sent to its page) and then its
socket is closed with 1012, so that the page reconnects at once, to another replica, and
resumes there; the process then stops as uvicorn does.
"""

import json
import signal

import pytest
import redis
from fastapi.testclient import TestClient
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from bench.server import server_process
from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from neural_playground.app.ws.resume_store import resume_key
from tests.cluster import wait_ready
from tests.wsutil import greeted, open_lab, receive_until, recv_until

#: A real replica: labs in a lab process, as deployed.
REPLICA = {"NP_LAB_PROCESSES": "true", "NP_LAB_WORKERS": "1"}


def edit(ws) -> str:
    """Set the first input of a new neurons session to 3.5; its resume token."""
    token = greeted(ws)
    ws.send(json.dumps({"type": "set_input", "i": 0, "value": 3.5}))
    assert recv_until(ws, "frame")["inputs"][0] == 3.5
    return token


def stop_with_sigterm(process) -> None:
    process.send_signal(signal.SIGTERM)
    # uvicorn ends by raising the signal again once it has stopped (the default action).
    assert process.wait(timeout=120) in (0, -signal.SIGTERM)


def closed_code(ws) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            ws.recv(timeout=60)
    return closed.value.rcvd.code


def test_sigterm_parks_the_work_in_redis_and_another_replica_resumes_it(redis_url):
    with server_process(**REPLICA, NP_REDIS_URL=redis_url) as (host, process):
        wait_ready(host, process, timeout=120)
        with connect(f"ws://{host}/ws/neurons") as ws:
            token = edit(ws)
            stop_with_sigterm(process)
            assert closed_code(ws) == 1012
    record = json.loads(redis.Redis.from_url(redis_url).get(resume_key(token)))
    assert record["lab"] == "neurons" and record["state"]["inputs"][0] == 3.5
    # The page reconnects through the load balancer: another replica takes the work back.
    with (
        TestClient(create_app(Settings(redis_url=redis_url))) as other,
        open_lab(other, "neurons") as (resumed, fresh),
    ):
        assert fresh["inputs"][0] != 3.5
        resumed.send_json({"type": "resume", "token": token})
        assert receive_until(resumed, "resumed")["restored"] is True
        assert receive_until(resumed, "frame")["inputs"][0] == 3.5


def test_without_redis_the_page_is_sent_its_state_before_the_close():
    with server_process(**REPLICA) as (host, process):
        wait_ready(host, process, timeout=120)
        with connect(f"ws://{host}/ws/neurons") as ws:
            edit(ws)
            stop_with_sigterm(process)
            state = recv_until(ws, "state")
            assert state["lab"] == "neurons" and state["state"]["inputs"][0] == 3.5
            assert closed_code(ws) == 1012


def test_a_draining_replica_sends_new_connections_elsewhere_with_1012(client):
    client.app.state.runtime.draining = True
    with client.websocket_connect("/ws/neurons") as ws, pytest.raises(Exception) as closed:
        ws.receive_json()
    assert closed.value.code == 1012
