"""Rooms across replicas: two app instances sharing one real redis-server.

`make test` installs Debian's redis-server when it is missing; without it these tests skip.
"""

import json
from contextlib import contextmanager

import pytest
import redis
from fastapi.testclient import TestClient

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from neural_playground.app.ws.resume_store import resume_key
from tests.wsutil import open_lab, receive_until, wait_for


@pytest.fixture
def replicas(redis_url):
    """Two replicas of the app, as behind a load balancer, sharing one Redis."""
    settings = Settings(redis_url=redis_url, room_idle_seconds=60)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        yield a, b


def open_room(teacher) -> dict:
    teacher.send_json({"type": "open_room"})
    room = receive_until(teacher, "room")
    receive_until(teacher, "status")
    return room


@contextmanager
def teacher_and_student(teacher_app, student_app, preset: str):
    """A teacher on one replica showing `preset`, a student following from the other:
    yields (teacher, student, the teacher's frame)."""
    with open_lab(teacher_app, "neurons") as (teacher, _):
        room = open_room(teacher)
        teacher.send_json({"type": "load_preset", "name": preset})
        shown = receive_until(teacher, "frame")
        with open_lab(student_app, "neurons") as (student, _):
            student.send_json({"type": "follow", "code": room["code"]})
            assert receive_until(student, "room")["role"] == "student"
            yield teacher, student, shown


def test_a_student_on_another_replica_follows_the_teacher(replicas):
    with teacher_and_student(*replicas, "b2_relu_off") as (teacher, student, shown):
        # A late joiner gets the newest frame at once, from Redis.
        assert receive_until(student, "frame") == shown
        teacher.send_json({"type": "set_input", "i": 0, "value": 4.0})
        live = receive_until(teacher, "frame")
        assert receive_until(student, "frame") == live
        # The student's replica refuses edits: the teacher's lab is on the other one.
        student.send_json({"type": "set_input", "i": 0, "value": -9.0})
        assert receive_until(student, "error")["code"] == "following"
        teacher.send_json({"type": "get_state"})
        assert receive_until(teacher, "state")["state"]["inputs"][0] == 4.0


def test_a_student_forks_across_replicas(replicas):
    with teacher_and_student(*replicas, "b1_stroke") as (teacher, student, teacher_frame):
        student.send_json({"type": "fork"})
        assert receive_until(student, "room")["role"] == "none"
        assert receive_until(student, "frame") == teacher_frame
        student.send_json({"type": "set_input", "i": 0, "value": 0.0})
        assert receive_until(student, "frame")["inputs"][0] == 0.0
        teacher.send_json({"type": "get_state"})
        assert receive_until(teacher, "state")["state"]["preset"] == "b1_stroke"


def test_the_key_moves_the_room_between_replicas_and_closing_reaches_everyone(replicas):
    a, b = replicas
    with open_lab(a, "neurons") as (first, _):
        room = open_room(first)
        with open_lab(a, "neurons") as (student, own), open_lab(b, "neurons") as (second, _):
            student.send_json({"type": "follow", "code": room["code"]})
            receive_until(student, "room")
            second.send_json({"type": "teach", "code": room["code"], "key": room["key"]})
            assert receive_until(second, "room")["role"] == "teacher"
            assert receive_until(first, "room") == {
                "type": "room",
                "role": "none",
                "code": room["code"],
                "lab": None,
                "key": None,
                "ended": True,
                "moved": False,
                "member": False,
            }
            second.send_json({"type": "set_input", "i": 1, "value": 0.25})
            frame = receive_until(student, "frame")
            while frame["inputs"][1] != 0.25:
                frame = receive_until(student, "frame")
            second.send_json({"type": "close_room"})
            ended = receive_until(student, "room")
            assert ended["ended"] is True and ended["role"] == "none"
            assert receive_until(student, "frame") == own
    assert a.app.state.runtime.rooms.room_count() == 0
    assert b.app.state.runtime.rooms.room_count() == 0


def test_a_wrong_key_from_another_replica_is_refused(replicas):
    a, b = replicas
    with open_lab(a, "neurons") as (teacher, _), open_lab(b, "neurons") as (intruder, _):
        room = open_room(teacher)
        intruder.send_json({"type": "teach", "code": room["code"], "key": "not-the-key-000"})
        assert receive_until(intruder, "error")["code"] == "bad_room_key"
        teacher.send_json({"type": "ping"})
        assert receive_until(teacher, "pong")
        response = b.get(f"/room?code={room['code']}", follow_redirects=False)
        assert response.headers["location"] == f"/neurons?room={room['code']}"


def test_a_reconnect_that_lands_on_another_replica_resumes_the_work(replicas):
    a, b = replicas
    with a.websocket_connect("/ws/neurons") as ws:
        hello = ws.receive_json()
        receive_until(ws, "status")  # the greeting's frame and status
        ws.send_json({"type": "set_input", "i": 0, "value": 6.0})
        edited = receive_until(ws, "frame")
        assert edited["inputs"][0] == 6.0
    wait_for(lambda: len(a.app.state.sessions.parked) == 1)
    with open_lab(b, "neurons") as (ws, fresh):
        assert fresh["inputs"][0] == 1.0
        ws.send_json({"type": "resume", "token": hello["resume"]})
        assert receive_until(ws, "resumed")["restored"] is True
        assert receive_until(ws, "frame") == edited
    with open_lab(b, "neurons") as (ws, _):  # a token is good for one resume
        ws.send_json({"type": "resume", "token": hello["resume"]})
        assert receive_until(ws, "resumed")["restored"] is False


def test_a_replica_that_crashes_leaves_its_sessions_checkpoints_in_redis(redis_url):
    """Open sessions checkpoint to Redis (NP_CHECKPOINT_SECONDS): when their replica dies
    without closing them, a reconnect on another replica still takes the work back."""
    settings = Settings(redis_url=redis_url, checkpoint_seconds=0.05)
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    a, b = TestClient(create_app(settings)), TestClient(create_app(settings))
    with a, b, a.websocket_connect("/ws/neurons") as ws:
        hello = ws.receive_json()
        receive_until(ws, "status")
        ws.send_json({"type": "set_input", "i": 0, "value": 6.0})
        edited = receive_until(ws, "frame")

        def checkpointed() -> bool:
            record = store.get(resume_key(hello["resume"]))
            return record is not None and json.loads(record)["state"]["inputs"][0] == 6.0

        wait_for(checkpointed)
        # Replica a is gone for the learner (its session never closed, nothing parked).
        assert len(a.app.state.sessions.parked) == 0
        with open_lab(b, "neurons") as (other, _):
            other.send_json({"type": "resume", "token": hello["resume"]})
            assert receive_until(other, "resumed")["restored"] is True
            assert receive_until(other, "frame") == edited
    store.close()
