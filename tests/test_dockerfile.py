"""Docker cannot run here, so run what the Dockerfile would: its CMD, with its ENV, locally."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
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


def test_dependencies_are_a_layer_of_their_own_installed_from_the_lock():
    build, final = DOCKERFILE.split("\nFROM ")[1], final_stage()
    copies, runs = instructions(build, "COPY"), instructions(build, "RUN")
    # The lock alone before the dependencies' wheels, the code only after them.
    assert copies[0] == "requirements.lock ./"
    assert "-r requirements.lock" in runs[0]
    assert build.index(runs[0]) < build.index("COPY app")
    installs = instructions(final, "RUN")
    deps = next(i for i, run in enumerate(installs) if "/wheels/" in run)
    project = next(i for i, run in enumerate(installs) if "/project/" in run)
    assert deps < project and "--no-deps" in installs[project]
    assert all("--no-index" in installs[i] for i in (deps, project))  # only what was built
    # The wheel holds everything the server reads (setup.py): no folder is copied beside it.
    for folder in ("neural_playground", "app", "engine", "templates", "static"):
        assert f"COPY {folder} ./{folder}" in build
    assert all(copy.startswith("--from=build ") for copy in instructions(final, "COPY"))


def exec_form(args: str) -> list[str]:
    """A JSON-array instruction (CMD, HEALTHCHECK's CMD), with its program found in this venv."""
    command = json.loads(args[args.index("[") :])
    program = Path(sys.executable).with_name(command[0])
    return [str(program), *command[1:]]


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            return json.load(response)["status"] == "ready"
    except urllib.error.HTTPError as refused:
        assert refused.code == 503
        return False


def test_cmd_serves_on_np_host_and_np_port_and_the_healthcheck_finds_it(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Everything comes from the Dockerfile (the installed package finds its own files), and
    # NP_HOST / NP_PORT as `docker run -e` would set them.
    env = {**os.environ, **env_of(final_stage()), "NP_HOST": "127.0.0.1", "NP_PORT": str(port)}
    process = subprocess.Popen(
        exec_form(instructions(final_stage(), "CMD")[0]),
        cwd=tmp_path,  # any folder: the image's WORKDIR holds no files of the project
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    healthcheck = exec_form(instructions(final_stage(), "HEALTHCHECK")[0])
    try:
        deadline = time.monotonic() + 120  # a bound for a broken image; a loaded machine is slow
        while subprocess.run(healthcheck, env=env, capture_output=True).returncode != 0:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the healthcheck did not pass in time"
        # Ready once its lab processes have warmed up (503 "warming" until then).
        while not ready(port):
            assert time.monotonic() < deadline + 60, "the server did not get ready in time"
    finally:
        process.terminate()
        process.wait(timeout=60)
        output = process.stdout.read().decode()
        process.stdout.close()
    # NP_LOG_FORMAT=json in the image: every line the server wrote is JSON.
    lines = [json.loads(line) for line in output.splitlines()]
    assert any(line["event"].startswith("Uvicorn running on http://127.0.0.1:") for line in lines)
