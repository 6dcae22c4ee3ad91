"""Two replicas behind nginx (deploy/nginx.conf) sharing Redis, as compose.yaml runs them:
a room and a resume span the replicas, and a replica stopped with SIGTERM hands its learner
to the other one through the balancer."""

import json
import signal

import pytest
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from neural_playground.app.ws.resume_store import resume_key
from tests.cluster import cluster, nginx_available
from tests.liveserver import redis_available
from tests.wsutil import greeted, recv_until, wait_for


@pytest.fixture
def topology(tmp_path):
    if not (nginx_available() and redis_available()):
        pytest.skip("nginx or redis-server is not installed (make test installs them)")
    with cluster(tmp_path) as running:
        yield running


def frame_with(ws, first_input: float) -> None:
    """Frames until one whose first input is `first_input` (a few at most)."""
    for _ in range(10):
        if recv_until(ws, "frame")["inputs"][0] == first_input:
            return
    raise AssertionError(f"no frame with input {first_input}")


def test_a_room_spans_the_replicas(topology):
    url = f"ws://{topology.url}/ws/neurons"
    with connect(url) as teacher, connect(url) as student:
        greeted(teacher), greeted(student)
        assert topology.sessions_on() == [1, 1]  # one on each replica
        teacher.send(json.dumps({"type": "open_room"}))
        code = recv_until(teacher, "room")["code"]
        teacher.send(json.dumps({"type": "set_input", "i": 0, "value": 2.5}))
        recv_until(teacher, "frame")
        student.send(json.dumps({"type": "follow", "code": code}))
        assert recv_until(student, "room")["role"] == "student"
        # The teacher's newest frame, from Redis (or its publication, if it was late).
        frame_with(student, 2.5)
        teacher.send(json.dumps({"type": "set_input", "i": 0, "value": -1.5}))
        frame_with(student, -1.5)  # live, through Redis, from the other replica


def test_a_resume_spans_the_replicas(topology):
    url = f"ws://{topology.url}/ws/neurons"
    with connect(url) as first:
        token = greeted(first)
        first_on = topology.sessions_on()
        first.send(json.dumps({"type": "set_input", "i": 1, "value": 0.75}))
        assert recv_until(first, "frame")["inputs"][1] == 0.75
    store = redis.Redis.from_url(topology.redis_url)
    wait_for(lambda: store.exists(resume_key(token)), timeout=10)  # parked, and in Redis
    with connect(url) as again:
        greeted(again)
        again_on = topology.sessions_on()
        assert sorted([first_on, again_on]) == [[0, 1], [1, 0]]  # the other replica
        again.send(json.dumps({"type": "resume", "token": token}))
        assert recv_until(again, "resumed")["restored"] is True
        assert recv_until(again, "frame")["inputs"][1] == 0.75


def test_a_replica_stopped_with_sigterm_hands_its_learner_to_the_other(topology):
    url = f"ws://{topology.url}/ws/neurons"
    with connect(url) as learner:
        token = greeted(learner)
        learner.send(json.dumps({"type": "set_input", "i": 0, "value": 3.25}))
        assert recv_until(learner, "frame")["inputs"][0] == 3.25
        home = topology.sessions_on().index(1)
        topology.processes[home].send_signal(signal.SIGTERM)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                learner.recv(timeout=20)
        assert closed.value.rcvd.code == 1012
    # The page reconnects through the balancer at once: the stopping replica refuses or
    # sends it on (1012), so it lands on the other one and takes its work back.
    while True:
        with connect(url) as again:
            try:
                greeted(again)
            except ConnectionClosed as refused:
                assert refused.rcvd.code == 1012  # still draining: try again, as pages do
                continue
            again.send(json.dumps({"type": "resume", "token": token}))
            assert recv_until(again, "resumed")["restored"] is True
            assert recv_until(again, "frame")["inputs"][0] == 3.25
            break
    assert topology.processes[home].wait(timeout=30) in (0, -signal.SIGTERM)
