"""/metrics in Prometheus' format, and structured logs with request and session ids."""

import json
import logging

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from neural_playground.app.logs import ContextFilter, JsonFormatter, session_id
from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.wsutil import open_lab, receive_until


def scrape(client) -> dict[str, float]:
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    values = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return values


def test_metrics_count_sessions_frames_steps_and_rejections(lab_client):
    before = scrape(lab_client)
    assert before["np_sessions_active"] == 0
    for name in ("np_rooms_active", "np_event_loop_lag_seconds", "np_lab_calls_waiting"):
        assert name in before
    with open_lab(lab_client, "trainable") as (ws, _):
        ws.send_json({"type": "step", "steps": 30})
        assert receive_until(ws, "frame")["step"] == 30
        ws.send_text("{nope")
        assert receive_until(ws, "error")["code"] == "invalid_json"
        ws.send_json({"type": "set_learning_rate", "value": 1e9})
        assert receive_until(ws, "error")["code"] == "value_too_large"
        during = scrape(lab_client)
        assert during["np_sessions_active"] == 1
    assert during["np_frames_sent_total{lab=trainable,source=lab}"] == 2  # greeting + step
    assert during["np_training_steps_total{lab=trainable}"] == 30
    assert during["np_messages_rejected_total{reason=invalid_json}"] == 1
    assert during["np_messages_rejected_total{reason=value_too_large}"] == 1
    assert during["np_lab_call_seconds_count"] >= 3


def test_each_app_counts_for_itself(client, lab_client):
    with open_lab(lab_client, "trainable"):
        assert scrape(lab_client)["np_sessions_active"] == 1
        assert scrape(client)["np_sessions_active"] == 0


def test_json_log_lines_carry_the_session_id_and_never_what_the_client_sent(lab_client):
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("neural_playground.app")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        with open_lab(lab_client, "trainable") as (ws, _):
            ws.send_text('{"type": "SECRET-MARKER"}')
            receive_until(ws, "error")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [json.loads(JsonFormatter().format(r)) for r in records]
    opened = next(line for line in lines if line["event"] == "session opened")
    assert opened["lab"] == "trainable" and len(opened["session"]) >= 8
    assert len(opened["request_id"]) == 16
    rejected = next(line for line in lines if line["event"] == "message rejected")
    assert rejected["code"] == "invalid_message" and rejected["session"] == opened["session"]
    assert not any("SECRET-MARKER" in json.dumps(line) for line in lines)


def test_the_json_formatter_writes_one_object_per_line():
    token = session_id.set("abc123")
    try:
        record = logging.LogRecord("app.x", logging.INFO, __file__, 1, "hello %s", ("you",), None)
        record.room = "K7P2QX"
        ContextFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        session_id.reset(token)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["event"] == "hello you" and entry["session"] == "abc123"
    assert entry["room"] == "K7P2QX" and entry["level"] == "info"


def test_metrics_report_the_server_and_each_lab_process():
    settings = Settings(lab_processes=True, lab_workers=2)
    with TestClient(create_app(settings)) as client:
        # A session in each lab process: both have imported the labs and built one.
        with open_lab(client, "neurons"), open_lab(client, "neurons"):
            values = scrape(client)
        assert values["process_resident_memory_bytes"] > 10e6
        assert values["process_open_fds"] > 0
        for index in ("0", "1"):
            assert values[f"np_lab_process_resident_memory_bytes{{process={index}}}"] > 1e6
            assert values[f"np_lab_process_cpu_seconds_total{{process={index}}}"] > 0
