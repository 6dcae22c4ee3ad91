"""Rooms through a Redis that freezes or restarts: a real redis-server, two app replicas.

Synchronisation waits on state (messages received, keys in Redis), each wait bounded; a
watchdog thaws a frozen Redis, so a test that fails ends instead of hanging.
"""

import threading

import pytest
import redis
from fastapi.testclient import TestClient

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.conftest import LABS_FOR_TESTS
from tests.liveserver import redis_available
from tests.wsutil import open_lab, receive_until, wait_for

pytestmark = pytest.mark.skipif(not redis_available(), reason="redis-server is not installed")

WATCHDOG_SECONDS = 60  # thaws a Redis that a failing test left frozen


def replicas(url: str):
    settings = Settings(redis_url=url, room_idle_seconds=60, redis_timeout_seconds=0.5)
    a = TestClient(create_app(settings, labs=LABS_FOR_TESTS))
    b = TestClient(create_app(settings, labs=LABS_FOR_TESTS))
    return a, b


def open_room(teacher) -> str:
    teacher.send_json({"type": "open_room"})
    code = receive_until(teacher, "room")["code"]
    receive_until(teacher, "status")
    return code


def follow(student, code: str) -> None:
    student.send_json({"type": "follow", "code": code})
    assert receive_until(student, "room")["role"] == "student"


def frames_before(ws, count: int, thawed: threading.Event) -> int:
    """Frames received, up to `count`, before the watchdog thawed Redis (bounded loop)."""
    received = 0
    for _ in range(count * 10):
        if ws.receive_json()["type"] == "frame" and not thawed.is_set():
            received += 1
        if received == count or thawed.is_set():
            break
    return received


def test_a_frozen_redis_never_slows_the_teachers_frames(redis_server):
    """Redis frozen (SIGSTOP): main sent the teacher 1 frame in 5 s instead of 100 (every
    publish waited for Redis). Now the teacher and a follower on the same replica go on at
    the frame rate; a follower on the other replica picks up again once Redis is back."""
    a, b = replicas(redis_server.url)
    thawed = threading.Event()

    def thaw() -> None:
        thawed.set()
        redis_server.thaw()

    watchdog = threading.Timer(WATCHDOG_SECONDS, thaw)
    with (
        a,
        b,
        open_lab(a, "trainable") as (teacher, _),
        open_lab(a, "trainable") as (near, _),
        open_lab(b, "trainable") as (far, _),
    ):
        code = open_room(teacher)
        follow(near, code)
        follow(far, code)
        teacher.send_json({"type": "play"})
        receive_until(far, "frame")  # frames flow through Redis to the other replica
        redis_server.freeze()
        watchdog.start()
        try:
            assert frames_before(teacher, 40, thawed) == 40
            assert frames_before(near, 20, thawed) == 20
        finally:
            watchdog.cancel()
            redis_server.thaw()
        # Redis is back: the other replica's follower gets the teacher's frames again.
        teacher.send_json({"type": "pause"})
        status = receive_until(far, "status", limit=2_000)
        while status["running"]:
            status = receive_until(far, "status", limit=2_000)
        teacher.send_json({"type": "ping"})
        assert receive_until(teacher, "pong", limit=2_000)


def test_a_redis_restart_keeps_the_room(redis_server):
    """Redis restarted empty: main lost the room silently (new students `no_room`, the
    others told "room ended" later, the teacher never). Now the teacher's replica writes the
    room again; followers on the other replica go on, and new students can join."""
    a, b = replicas(redis_server.url)
    store = redis.Redis.from_url(redis_server.url, decode_responses=True)
    with a, b, open_lab(a, "neurons") as (teacher, _), open_lab(b, "neurons") as (student, _):
        code = open_room(teacher)
        follow(student, code)
        receive_until(student, "frame")
        redis_server.restart()
        channel = f"np:room:{code}"

        def restored() -> bool:
            try:  # the room is back, and both replicas listen to it again
                return bool(store.exists(channel)) and store.pubsub_numsub(channel)[0][1] == 2
            except redis.ConnectionError:
                return False

        wait_for(restored)
        teacher.send_json({"type": "set_input", "i": 0, "value": 7.0})
        shown = receive_until(teacher, "frame")
        for _ in range(50):  # the student was never told the room ended: frames go on
            message = student.receive_json()
            assert message["type"] != "room", message
            if message["type"] == "frame" and message["inputs"][0] == 7.0:
                break
        else:
            raise AssertionError("the teacher's frame did not reach the follower")
        with open_lab(b, "neurons") as (late, _):
            follow(late, code)
            assert receive_until(late, "frame")["inputs"] == shown["inputs"]
        teacher.send_json({"type": "ping"})
        assert receive_until(teacher, "pong")["type"] == "pong"  # no "room ended" first
    store.close()


def test_a_room_whose_code_was_taken_after_a_restart_tells_its_teacher(redis_server):
    """Redis restarted and, before the teacher's replica could write the room again,
    another room got its code: the teacher is told the room ended (never left unaware)."""
    a, b = replicas(redis_server.url)
    with a, b, open_lab(a, "neurons") as (teacher, _):
        hub = a.app.state.runtime.rooms
        code = open_room(teacher)
        redis_server.restart()
        store = redis.Redis.from_url(redis_server.url)
        store.set(f"np:room:{code}", '{"lab": "neurons", "key": "other", "teacher": "x"}')
        store.close()
        wait_for(lambda: hub.room_count() == 0)
        ended = receive_until(teacher, "room")
        assert ended["ended"] is True and ended["code"] == code


def test_a_room_opened_while_redis_is_frozen_is_refused_in_time(redis_server):
    a, b = replicas(redis_server.url)
    with a, b, open_lab(a, "neurons") as (teacher, _):
        redis_server.freeze()
        watchdog = threading.Timer(WATCHDOG_SECONDS, redis_server.thaw)  # main waited for good
        watchdog.start()
        try:
            teacher.send_json({"type": "open_room"})
            assert receive_until(teacher, "error")["code"] == "rooms_unavailable"
            # In time: while Redis is still frozen (main answered once the watchdog thawed it).
            assert not watchdog.finished.is_set()
        finally:
            watchdog.cancel()
            redis_server.thaw()
        assert open_room(teacher)  # and once Redis is back, rooms open again
