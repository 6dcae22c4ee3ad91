"""First live frame of every page on a cold server: `python -m bench first_frame`.

For each lesson, a new server process (uvicorn, lab processes as deployed): how long from
starting it until `/healthz` answers and until `/readyz` says ready (its lab processes have
built every lab once, `app.labrun.labhost.warm_up`), then how long a page's websocket waits
from connecting to its first frame, connecting as soon as the server is ready (where a load
balancer first sends a learner) and, on another new server, as soon as it answers at all (a
learner who arrives while it is still warming up).
"""

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from websockets.sync.client import connect

from bench.server import server_process
from neural_playground.app.labs import LESSONS


def wait_until(check: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not get there in time")
        time.sleep(0.02)


def ready(host: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}/readyz", timeout=5) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


def first_frame(host: str, lab: str) -> float:
    """Seconds from opening `/ws/<lab>` to its first frame."""
    started = time.perf_counter()
    with connect(f"ws://{host}/ws/{lab}", max_size=None) as ws:
        while json.loads(ws.recv(timeout=120))["type"] != "frame":
            pass
    return time.perf_counter() - started


def cold(lab: str, wait_ready: bool) -> tuple[float, float]:
    """(seconds from start until ready, or until it answered; first frame's seconds)."""
    started = time.perf_counter()
    with server_process() as (host, _):  # returns once /healthz answers
        if wait_ready:
            wait_until(lambda: ready(host))
        waited = time.perf_counter() - started
        return waited, first_frame(host, lab)


def run() -> list[tuple[str, str, str]]:
    rows = []
    for name, lesson in LESSONS.items():
        to_ready, frame = cold(lesson.lab.name, wait_ready=True)
        _, early = cold(lesson.lab.name, wait_ready=False)
        rows += [
            (f"{name}: cold server started to ready", f"{to_ready:.1f}", "s"),
            (f"{name}: first frame, connecting once ready", f"{frame * 1000:.0f}", "ms"),
            (f"{name}: first frame, connecting as it answers", f"{early:.2f}", "s"),
        ]
    return rows
