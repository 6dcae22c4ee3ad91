"""NP_LOG_FORMAT=json on a real server: every line on stderr is JSON, uvicorn's own too."""

import json
import os
import subprocess
import sys
import urllib.request

from tests.liveserver import free_port


def test_uvicorns_start_and_access_lines_are_json_like_the_apps():
    port = free_port()
    env = {**os.environ, "NP_LOG_FORMAT": "json", "NP_LAB_PROCESSES": "false"}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "neural_playground.app.main:app",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        lines: list[dict] = []

        def read_until(wanted) -> dict:
            while not any(wanted(line) for line in lines):
                text = process.stderr.readline()
                assert text, "the server stopped"
                lines.append(json.loads(text))  # every line: JSON, or this fails
            return next(line for line in lines if wanted(line))

        started = read_until(lambda line: "Uvicorn running" in line["event"])
        assert (started["logger"], started["level"]) == ("uvicorn.error", "info")
        assert "color_message" not in started  # uvicorn's copy for terminals
        url = f"http://127.0.0.1:{port}/healthz?secret=never-logged"
        request = urllib.request.Request(url, headers={"x-request-id": "probe-7"})
        # Running: one request, given the time a loaded machine may take (2 s was too short).
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
        access = read_until(lambda line: line["logger"] == "uvicorn.access")
        assert access["event"] == "request"
        assert (access["method"], access["path"], access["status"]) == ("GET", "/healthz", 200)
        assert access["request_id"] == "probe-7"
        assert "never-logged" not in json.dumps(lines)
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stderr.close()
