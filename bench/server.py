"""A real server in a subprocess on a free port, for benchmarks that go over the network."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator


@contextlib.contextmanager
def server_process(
    app: str = "neural_playground.app.main:app", factory: bool = False, **env: str
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve `app` (an import path; a factory with `factory=True`); yield (host, process)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(
        [*command, *(["--factory"] if factory else [])], env={**os.environ, **env}
    )
    try:
        deadline = time.monotonic() + 120  # only a bound for a server that never starts
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("benchmark server did not start") from None
                time.sleep(0.1)
        yield f"127.0.0.1:{port}", process
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextlib.contextmanager
def running_server(**env: str) -> Iterator[str]:
    with server_process(**env) as (host, _):
        yield host
