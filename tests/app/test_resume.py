"""A reload or a dropped connection keeps the learner's work: resume tokens and parking."""

import asyncio
import threading

import pytest
from starlette.websockets import WebSocketDisconnect

from neural_playground.app.labrun.labhost import LocalLab
from neural_playground.app.settings import Settings
from neural_playground.app.ws.limits import TokenBucket
from neural_playground.app.ws.registry import SessionRegistry
from neural_playground.app.ws.workspace import Workspace
from tests.trainable_lab import TrainableLab
from tests.wsutil import receive_until, wait_for


def greet(ws) -> tuple[dict, dict]:
    """hello, first frame and status of a new connection: (hello, frame)."""
    hello = ws.receive_json()
    assert hello["type"] == "hello" and len(hello["resume"]) >= 16
    frame = ws.receive_json()
    assert ws.receive_json()["type"] == "status"
    return hello, frame


def test_a_new_connection_takes_back_the_work_of_a_closed_one(client):
    with client.websocket_connect("/ws/neurons") as ws:
        hello, _ = greet(ws)
        ws.send_json({"type": "set_weight", "layer": 1, "i": 0, "j": 0, "value": 2.0})
        edited = receive_until(ws, "frame")
        assert edited["output"] == pytest.approx(5.8)
    wait_for(lambda: len(client.app.state.sessions.parked) == 1)
    with client.websocket_connect("/ws/neurons") as ws:
        _, fresh = greet(ws)
        assert fresh["output"] == pytest.approx(4.9)
        ws.send_json({"type": "resume", "token": hello["resume"]})
        assert ws.receive_json() == {"type": "resumed", "restored": True}
        assert ws.receive_json() == edited
        assert ws.receive_json()["type"] == "status"
    # A token works once: the work now belongs to the second connection's token.
    with client.websocket_connect("/ws/neurons") as ws:
        greet(ws)
        ws.send_json({"type": "resume", "token": hello["resume"]})
        assert receive_until(ws, "resumed")["restored"] is False


def test_a_reload_that_comes_while_the_old_connection_is_being_parked_waits_for_it(
    client, monkeypatch
):
    """A reload's new connection can send its resume before the old one is parked (its
    training stopped, its last state taken: awaits on a loaded server). It must wait for
    the parking, not be told the work is gone (the reload would then start afresh)."""
    runtime = client.app.state.runtime
    parking_may_end = threading.Event()
    park = runtime.park

    async def slow_park(session):
        while not parking_may_end.is_set():
            await asyncio.sleep(0.005)
        await park(session)

    monkeypatch.setattr(runtime, "park", slow_park)
    claimed = threading.Event()
    claim = runtime.claim

    async def noted_claim(*args):
        claimed.set()
        return await claim(*args)

    monkeypatch.setattr(runtime, "claim", noted_claim)
    with client.websocket_connect("/ws/neurons") as ws:
        hello, _ = greet(ws)
        ws.send_json({"type": "set_weight", "layer": 1, "i": 0, "j": 0, "value": 2.0})
        edited = receive_until(ws, "frame")
    token = hello["resume"]
    wait_for(lambda: token in runtime.sessions.closing)  # gone, and not parked yet
    with client.websocket_connect("/ws/neurons") as ws:
        greet(ws)
        ws.send_json({"type": "resume", "token": token})
        wait_for(claimed.is_set)  # the resume asks for the work while it is being parked
        parking_may_end.set()
        assert receive_until(ws, "resumed")["restored"] is True
        assert ws.receive_json() == edited


@pytest.mark.parametrize("token", ["unknown-token-1234", "a" * 64], ids=["unknown", "never-issued"])
def test_an_unknown_token_changes_nothing(client, token):
    with client.websocket_connect("/ws/neurons") as ws:
        greet(ws)
        ws.send_json({"type": "resume", "token": token})
        assert ws.receive_json() == {"type": "resumed", "restored": False}
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}


def test_a_malformed_token_is_refused_by_the_model(client):
    with client.websocket_connect("/ws/neurons") as ws:
        greet(ws)
        ws.send_json({"type": "resume", "token": "../../etc/passwd"})
        assert receive_until(ws, "error")["code"] == "invalid_message"


def test_a_token_only_resumes_the_same_lab(lab_client):
    with lab_client.websocket_connect("/ws/neurons") as ws:
        hello, _ = greet(ws)
    wait_for(lambda: len(lab_client.app.state.sessions.parked) == 1)
    with lab_client.websocket_connect("/ws/trainable") as ws:
        greet(ws)
        ws.send_json({"type": "resume", "token": hello["resume"]})
        assert receive_until(ws, "resumed")["restored"] is False


def test_a_half_open_connection_hands_its_work_to_the_new_one(client):
    with client.websocket_connect("/ws/neurons") as old:
        hello, _ = greet(old)
        old.send_json({"type": "set_input", "i": 0, "value": 7.0})
        assert receive_until(old, "frame")["inputs"][0] == 7.0
        with client.websocket_connect("/ws/neurons") as new:
            greet(new)
            new.send_json({"type": "resume", "token": hello["resume"]})
            assert receive_until(new, "resumed")["restored"] is True
            assert receive_until(new, "frame")["inputs"][0] == 7.0
            with pytest.raises(WebSocketDisconnect) as closed:
                old.receive_json()
            assert closed.value.code == 4000
            new.send_json({"type": "set_input", "i": 1, "value": 1.0})
            assert receive_until(new, "frame")["inputs"] == [7.0, 1.0, 3.0]


def test_a_session_that_was_training_trains_on_after_a_resume(lab_client):
    with lab_client.websocket_connect("/ws/trainable") as ws:
        hello, _ = greet(ws)
        ws.send_json({"type": "play"})
        assert receive_until(ws, "status")["running"] is True
        step = receive_until(ws, "frame")["step"]
    wait_for(lambda: len(lab_client.app.state.sessions.parked) == 1)
    with lab_client.websocket_connect("/ws/trainable") as ws:
        greet(ws)
        ws.send_json({"type": "resume", "token": hello["resume"]})
        assert receive_until(ws, "resumed")["restored"] is True
        assert receive_until(ws, "frame")["step"] >= step
        assert receive_until(ws, "status")["running"] is True
        assert receive_until(ws, "frame")["step"] > step


@pytest.mark.parametrize("settings", [Settings(resume_grace_seconds=0)])
def test_without_a_grace_period_nothing_is_kept(client):
    with client.websocket_connect("/ws/neurons") as ws:
        hello, _ = greet(ws)
    wait_for(lambda: len(client.app.state.sessions) == 0)
    assert len(client.app.state.sessions.parked) == 0
    with client.websocket_connect("/ws/neurons") as ws:
        greet(ws)
        ws.send_json({"type": "resume", "token": hello["resume"]})
        assert receive_until(ws, "resumed")["restored"] is False


@pytest.mark.parametrize("settings", [Settings(idle_timeout_seconds=0.2)])
def test_an_idle_session_leaves_its_state_then_closes_and_can_be_resumed(client):
    with client.websocket_connect("/ws/neurons") as ws:
        hello, _ = greet(ws)
        state = ws.receive_json()
        assert state["type"] == "state" and state["state"]["preset"] == "b2_weighted"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1000
    wait_for(lambda: len(client.app.state.sessions.parked) == 1)
    with client.websocket_connect("/ws/neurons") as ws:
        greet(ws)
        ws.send_json({"type": "resume", "token": hello["resume"]})
        assert receive_until(ws, "resumed")["restored"] is True


def workspace() -> Workspace:
    return Workspace(lab=LocalLab(TrainableLab(Settings())), steps=TokenBucket(1))


def test_parked_work_expires_after_the_grace_and_the_oldest_goes_first():
    registry = SessionRegistry(capacity=2, grace_seconds=0)
    first, second, third = workspace(), workspace(), workspace()
    assert registry.park("t1", "trainable", first) == []
    assert registry.park("t2", "trainable", second) == []
    assert registry.park("t3", "trainable", third) == [first]  # over capacity
    assert registry.take_parked("t2", "neurons") is None  # another lab's token
    assert sorted(map(id, registry.expire())) == sorted(map(id, [second, third]))
    assert len(registry.parked) == 0


def test_over_capacity_the_client_with_the_most_parked_work_loses_its_oldest():
    """200 short sessions from one address must not evict everyone else's parked work."""
    registry = SessionRegistry(capacity=3, grace_seconds=60)
    learner, flood = workspace(), [workspace() for _ in range(4)]
    assert registry.park("learner", "trainable", learner, client="10.0.0.7") == []
    evicted = []
    for k, w in enumerate(flood):
        evicted += registry.park(f"flood{k}", "trainable", w, client="10.0.0.66")
    assert evicted == flood[:2]  # the flood's oldest, never the learner's
    assert registry.take_parked("learner", "trainable") is learner


def test_parked_work_is_evicted_by_client_address_over_the_socket(client):
    runtime = client.app.state.runtime
    with client.websocket_connect("/ws/neurons") as ws:
        greet(ws)
    wait_for(lambda: len(runtime.sessions.parked) == 1)
    assert [p.client for p in runtime.sessions.parked.values()] == ["testclient"]
