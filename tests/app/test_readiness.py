"""/readyz: ready only while the replica accepts sessions, its lab processes run and the
Redis it was given answers; /healthz stays "ok" meanwhile (nothing to restart)."""

import logging

import pytest
from fastapi.testclient import TestClient

from neural_playground.app.labrun.labhost import warm_up
from neural_playground.app.labs import LABS
from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.liveserver import redis_available, redis_process
from tests.wsutil import wait_for

READY_WITH_PROCESSES = {
    "status": "ready",
    "checks": {"accepting": "ok", "lab_processes": "ok", "redis": "off"},
}


def readiness(client: TestClient) -> tuple[int, dict]:
    response = client.get("/readyz", headers={"host": "probe.internal"})  # any name
    return response.status_code, response.json()


def test_ready_without_redis_and_not_while_draining(client):
    assert readiness(client) == (
        200,
        {"status": "ready", "checks": {"accepting": "ok", "lab_processes": "off", "redis": "off"}},
    )
    client.app.state.runtime.draining = True
    status, body = readiness(client)
    assert (status, body["status"], body["checks"]["accepting"]) == (503, "not ready", "draining")
    assert client.get("/healthz").json() == {"status": "ok"}


def test_a_dead_lab_process_makes_it_unready_until_it_is_started_again():
    with TestClient(create_app(Settings(lab_processes=True, lab_workers=1))) as client:
        # "warming" while the lab process builds each lab once (labhost.warm_up), then ok.
        assert readiness(client)[1]["checks"]["lab_processes"] in ("warming", "ok")
        wait_for(lambda: readiness(client) == (200, READY_WITH_PROCESSES), timeout=60)
        process = client.app.state.runtime.host.processes[0]
        first = process.process
        first.kill()
        first.join()
        status, body = readiness(client)
        assert (status, body["checks"]["lab_processes"]) == (503, "down")
        # The housekeeping starts it again, without waiting for a learner's call.
        wait_for(lambda: readiness(client)[0] == 200, timeout=30)
        assert process.process is not first and process.process.is_alive()


def test_an_unreachable_redis_makes_it_unready():
    if not redis_available():
        pytest.skip("redis-server is not installed (make test installs it)")
    with redis_process() as redis:
        settings = Settings(redis_url=redis.url, redis_timeout_seconds=0.5)
        with TestClient(create_app(settings)) as client:
            checks = {"accepting": "ok", "lab_processes": "off", "redis": "ok"}
            assert readiness(client) == (200, {"status": "ready", "checks": checks})
            redis.freeze()
            status, body = readiness(client)
            assert (status, body["checks"]["redis"]) == (503, "unreachable")
            redis.thaw()
            assert readiness(client)[0] == 200


@pytest.mark.parametrize("name", sorted(LABS))
def test_warming_up_builds_and_draws_every_lab_without_an_error(name, caplog):
    # warm_up swallows what fails (a learner's own call will say it): so look at its log.
    with caplog.at_level(logging.ERROR, logger="neural_playground.app.labrun.labhost"):
        warm_up(LABS[name], Settings())
    assert not caplog.records, caplog.text
