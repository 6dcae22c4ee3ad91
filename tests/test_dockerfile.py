"""Docker cannot run here, so run what the Dockerfile would: its CMD, with its ENV, locally."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def final_stage() -> str:
    return DOCKERFILE.split("\nFROM ")[-1]


def instructions(stage: str, keyword: str) -> list[str]:
    """Instruction arguments, with backslash continuations joined."""
    text = re.sub(r"\\\n\s*", " ", stage)
    return [
        line[len(keyword) + 1 :].strip()
        for line in text.splitlines()
        if line.startswith(keyword + " ")
    ]


def env_of(stage: str) -> dict[str, str]:
    env = {}
    for args in instructions(stage, "ENV"):
        for key, value in re.findall(r"(\w+)=(\S+)", args):
            env[key] = value
    return env


def test_final_stage_is_slim_non_root_and_checks_health():
    stage = final_stage()
    assert stage.startswith("python:3.11-slim")
    assert instructions(stage, "USER") == ["playground"]
    assert "/healthz" in instructions(stage, "HEALTHCHECK")[0]
    assert "gcc" not in stage and "build-essential" not in stage


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_cmd_starts_the_server_and_healthz_answers():
    cmd = json.loads(instructions(final_stage(), "CMD")[0])
    assert cmd[:2] == ["uvicorn", "app.main:app"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # The image's own paths do not exist here; everything else comes from the Dockerfile.
    env = {**os.environ, **env_of(final_stage())}
    env.pop("NP_TEMPLATES_DIR")
    env.pop("NP_STATIC_DIR")
    cmd[cmd.index("--host") + 1] = "127.0.0.1"
    cmd[cmd.index("--port") + 1] = str(port)
    uvicorn = Path(sys.executable).with_name(cmd[0])
    process = subprocess.Popen(
        [str(uvicorn), *cmd[1:]],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        # Wait for the state (the port takes connections: the app has started), then ask.
        # The limits are for a loaded machine (two suites on two cores, lab processes
        # starting, static files compressed at start), not a pace: a server up returns at once.
        deadline = time.monotonic() + 180
        while not listening(port):
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the server did not start in 3 minutes"
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as r:
            assert json.load(r) == {"status": "ok"}
    finally:
        process.terminate()
        process.wait(timeout=60)
        process.stdout.close()
