"""Limits and faults across replicas sharing a real redis-server: NP_MAX_SESSIONS and
NP_MAX_ROOMS count every replica's; the resume store's Redis calls have deadlines; a teacher
is told when students on the other replica are out of reach."""

import asyncio
import threading

import pytest
import redis
from fastapi.testclient import TestClient

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.app.test_session_cap import CONNECTIONS, connect_all
from tests.liveserver import redis_available, serving
from tests.wsutil import open_lab, receive_until, wait_for

pytestmark = pytest.mark.skipif(not redis_available(), reason="redis-server is not installed")

WATCHDOG_SECONDS = 60  # thaws a Redis that a failing test left frozen


def test_simultaneous_connections_to_two_replicas_open_at_most_the_cap(redis_server):
    settings = Settings(max_sessions=5, lab_processes=False, redis_url=redis_server.url)
    with serving(create_app(settings)) as a, serving(create_app(settings)) as b:
        firsts = asyncio.run(connect_all(a, b))
    hellos = [m for m in firsts if m["type"] == "hello"]
    refused = [m for m in firsts if m["type"] == "error"]
    assert len(hellos) == 5  # each replica alone let 5 in: 10
    assert len(refused) == CONNECTIONS - 5
    assert {m["code"] for m in refused} == {"server_full"}


def test_the_full_page_counts_the_sessions_of_every_replica(redis_server):
    """The "server full" page asks the same count as the websocket cap: a lesson page on one
    replica says full once the other holds every session (main: this replica's count only)."""
    settings = Settings(max_sessions=2, redis_url=redis_server.url)
    english = {"accept-language": "en"}
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        with open_lab(a, "neurons"):
            assert b.get("/neurons", headers=english).status_code == 200  # one of two taken
            with open_lab(a, "neurons"):
                full = b.get("/neurons", headers=english)
                assert full.status_code == 503
                assert "try again in a minute" in full.text
                assert full.headers["retry-after"] == "60"
        # Both closed on the other replica: the page opens again (a release is written at once).
        wait_for(lambda: b.get("/neurons").status_code == 200, timeout=30)


def open_room(ws) -> dict:
    ws.send_json({"type": "open_room"})
    return receive_until(ws, "room")


def test_the_room_limit_counts_the_rooms_of_every_replica(redis_server):
    settings = Settings(redis_url=redis_server.url, max_rooms=2, max_rooms_per_address=5)
    with (
        TestClient(create_app(settings)) as a,
        TestClient(create_app(settings)) as b,
        open_lab(a, "neurons") as (first, _),
        open_lab(b, "neurons") as (second, _),
        open_lab(a, "neurons") as (third, _),
    ):
        assert open_room(first)["role"] == "teacher"
        assert open_room(second)["role"] == "teacher"
        third.send_json({"type": "open_room"})
        assert receive_until(third, "error")["code"] == "rooms_full"  # main: 2 per replica
        second.send_json({"type": "close_room"})
        assert receive_until(second, "room")["ended"] is True
        # The slot the other replica gave up is free here too, at once (not at its next beat).
        wait_for(lambda: rooms_counted(redis_server.url) == 1, timeout=2)
        assert open_room(third)["role"] == "teacher"


def rooms_counted(url: str) -> int:
    """Rooms the replicas hold together, as Redis counts them."""
    store = redis.Redis.from_url(url, decode_responses=True)
    try:
        return sum(int(n) for n in store.hgetall("np:count:rooms").values())
    finally:
        store.close()


def frozen(redis_server):
    """Freeze Redis (SIGSTOP) with a watchdog that thaws it, so a failing test ends."""
    watchdog = threading.Timer(WATCHDOG_SECONDS, redis_server.thaw)
    redis_server.freeze()
    watchdog.start()
    return watchdog


def test_a_frozen_redis_costs_a_reconnect_its_deadline_not_its_work(redis_server):
    settings = Settings(redis_url=redis_server.url, redis_timeout_seconds=0.5)
    with TestClient(create_app(settings)) as a:
        with a.websocket_connect("/ws/neurons") as ws:
            token = ws.receive_json()["resume"]
            receive_until(ws, "status")  # after its first frame
            ws.send_json({"type": "set_input", "i": 0, "value": 3.5})
            assert receive_until(ws, "frame")["inputs"][0] == 3.5
        watchdog = frozen(redis_server)
        try:
            with a.websocket_connect("/ws/neurons") as ws:
                assert ws.receive_json()["type"] == "hello"
                ws.send_json({"type": "resume", "token": token})
                assert receive_until(ws, "resumed")["restored"] is True
                assert receive_until(ws, "frame")["inputs"][0] == 3.5
            # While Redis is still frozen (main waited until the watchdog thawed it).
            assert not watchdog.finished.is_set()
        finally:
            watchdog.cancel()
            redis_server.thaw()


def test_the_teacher_is_told_when_students_on_the_other_replica_are_out_of_reach(redis_server):
    settings = Settings(redis_url=redis_server.url, room_idle_seconds=60, redis_timeout_seconds=0.5)
    with (
        TestClient(create_app(settings)) as a,
        TestClient(create_app(settings)) as b,
        open_lab(a, "neurons") as (teacher, _),
        open_lab(b, "neurons") as (student, _),
    ):
        code = open_room(teacher)["code"]
        receive_until(teacher, "status")
        student.send_json({"type": "follow", "code": code})
        receive_until(student, "room")
        teacher.send_json({"type": "set_input", "i": 0, "value": 2.0})
        receive_until(teacher, "frame")
        for _ in range(50):  # it reached the other replica: there are students there
            frame = receive_until(student, "frame")
            if frame["inputs"][0] == 2.0:
                break
        watchdog = frozen(redis_server)
        try:
            teacher.send_json({"type": "set_input", "i": 0, "value": 3.0})
            assert receive_until(teacher, "room_reach", limit=50)["reachable"] is False
        finally:
            watchdog.cancel()
            redis_server.thaw()
        teacher.send_json({"type": "set_input", "i": 0, "value": 4.0})
        assert receive_until(teacher, "room_reach", limit=200)["reachable"] is True
