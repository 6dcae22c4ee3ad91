"""A room of learners on loopback: N websocket sessions, each training and editing once a second.

For each N in LEARNERS a fresh server (default settings) serves the 2-D playground. Every
simulated learner opens its own session, sets TensorFlow Playground's network (2-8-8-1 over
500 points, batches of 10, the 100 x 100 decision surface and every neuron's map), asks for
STEPS_PER_FRAME steps a frame, presses play, and once a second changes the learning rate;
the time until the first frame showing the new rate is its edit-to-frame latency.

The server runs as `docker run` and `make run` do: one server process and its default
NP_LAB_WORKERS lab processes.

Reported per N: frames per second per client (the slowest client and the median), how many
of those frames carried a new decision surface, the edit-to-frame latency p50/p95/p99, the
server's CPU (100 % = one core) and memory (all its processes), and the load generator's own
CPU (it shares the machine with the server).

`python -m bench load` runs every N; `python -m bench.load 100` runs one.
"""

import asyncio
import json
import os
import resource
import statistics
import sys
import time

from websockets.asyncio.client import connect

from bench.server import server_process
from neural_playground.app.__main__ import TRANSPORT_DEFAULTS

LEARNERS = (10, 50, 100, 200)
LAB = "playground"
NETWORK = {"type": "set_network", "hidden": [8, 8], "activations": ["tanh", "tanh"]}
#: Steps a frame each learner asks for (`BENCH_STEPS_PER_FRAME`; the server caps it at its
#: NP_MAX_STEPS_PER_SECOND / NP_FRAMES_PER_SECOND and shares the machine fairly).
STEPS_PER_FRAME = int(os.environ.get("BENCH_STEPS_PER_FRAME", "100"))
WARMUP_SECONDS = 3.0
MEASURE_SECONDS = 10.0
CONNECT_AT_ONCE = 20
RATE_KEY = '"learning_rate":'
STEP_KEY = '"step":'


def learning_rate_in(frame: str) -> float | None:
    """The frame's learning rate (frames carry the settings only after a change), read
    without parsing the whole frame: clients stay cheap."""
    start = frame.find(RATE_KEY)
    if start < 0:
        return None
    start += len(RATE_KEY)
    return float(frame[start : frame.index(",", start)])


def step_in(frame: str) -> int:
    """The frame's training step (near its start: `type`, `lab`, `kind`, then `step`)."""
    start = frame.index(STEP_KEY) + len(STEP_KEY)
    return int(frame[start : frame.index(",", start)])


def has_surface(frame: str, draws: bool) -> bool:
    """Whether the page shows a new decision surface after this frame: one drawn from the
    frame's weights (a page that draws its maps, `draws`, does so for every frame), or one
    the frame carries (null: the page keeps its own)."""
    return draws or '"output":null' not in frame


class Learner:
    def __init__(self, index: int) -> None:
        self.index = index
        self.frames = 0
        self.surfaces = 0
        self.first_step: int | None = None  # of the first and last frame measured
        self.last_step = 0
        self.latencies: list[float] = []
        self.measuring = False
        #: The server took `page_draws`: the learner's page draws the maps from the weights
        #: (as the playground's page does); a server without it sends them.
        self.draws = False

    async def run(self, ws, until: float) -> None:
        edits = 0
        waiting: tuple[float, float] | None = None  # (rate, sent at)
        next_edit = time.perf_counter() + (self.index % 10) / 10  # spread the edits out
        while time.perf_counter() < until:
            now = time.perf_counter()
            if now >= next_edit and waiting is None:
                edits += 1
                rate = (1000 + (edits % 1000)) / 100_000  # a new value every time
                await ws.send(json.dumps({"type": "set_network", "learning_rate": rate}))
                waiting = (rate, time.perf_counter())
                next_edit += 1.0
            try:
                text = await asyncio.wait_for(ws.recv(), timeout=max(0.001, next_edit - now))
            except TimeoutError:
                continue
            if not text.startswith('{"type":"frame"'):
                continue
            if self.measuring:
                self.frames += 1
                self.surfaces += has_surface(text, self.draws)
                self.last_step = step_in(text)
                if self.first_step is None:
                    self.first_step = self.last_step
            if waiting is not None and learning_rate_in(text) == waiting[0]:
                if self.measuring:
                    self.latencies.append((time.perf_counter() - waiting[1]) * 1000)
                waiting = None


async def open_session(host: str, *messages: dict):
    """A new playground session past its greeting, sent `messages`."""
    ws = await connect(f"ws://{host}/ws/{LAB}", max_size=None)
    for _ in range(3):  # hello, frame, status
        await ws.recv()
    for message in messages:
        await ws.send(json.dumps(message))
    return ws


#: What the playground's page sends on connecting: it draws the maps itself.
PAGE_DRAWS = {"type": "page_draws", "parts": ["maps"]}
SETUP = (PAGE_DRAWS, NETWORK, {"type": "set_speed", "steps_per_frame": STEPS_PER_FRAME})


async def open_learner(host: str, learner: Learner):
    ws = await open_session(host, *SETUP, {"type": "play"})
    # Answers: a frame (the network), a status (the speed), a status (play); an error first
    # if the server does not know `page_draws`.
    statuses, refused = 0, False
    while statuses < 2:
        text = await ws.recv()
        statuses += text.startswith('{"type":"status"')
        refused |= text.startswith('{"type":"error"') and "page_draws" in text
    learner.draws = not refused
    return ws


def process_tree(pid: int) -> list[int]:
    """The server and its lab processes (its children)."""
    pids = [pid]
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            pids += [p for child in f.read().split() for p in process_tree(int(child))]
    return pids


def process_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    return sum(process_cpu_seconds(p) for p in process_tree(pid))


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) in MB, summed over the server's processes."""
    now = peak = 0.0
    for p in process_tree(pid):
        with open(f"/proc/{p}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key == "VmRSS":
                    now += int(rest.split()[0]) / 1024
                elif key == "VmHWM":
                    peak += int(rest.split()[0]) / 1024
    return now, peak


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Usage:
    """The measured stretch: its length, the server's and the load generator's CPU over it
    (100 = one core), and the server's memory at its end."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.started = time.perf_counter()
        self.server, self.client = cpu_seconds(pid), own_cpu_seconds()
        self.front = process_cpu_seconds(pid)  # the server process alone (its event loop)

    def stop(self) -> dict:
        wall = time.perf_counter() - self.started
        rss, peak = memory_mb(self.pid)
        return {
            "wall": wall,
            "server_cpu": 100 * (cpu_seconds(self.pid) - self.server) / wall,
            "front_cpu": 100 * (process_cpu_seconds(self.pid) - self.front) / wall,
            "client_cpu": 100 * (own_cpu_seconds() - self.client) / wall,
            "rss": rss,
            "peak": peak,
        }


def usage_rows(name: str, r: dict) -> list[tuple[str, str, str]]:
    return [
        (f"{name}: server CPU (all its processes)", f"{r['server_cpu']:.0f}", "% of one core"),
        (
            f"{name}: of which the server process (websockets, event loop)",
            f"{r['front_cpu']:.0f}",
            "% of one core",
        ),
        (f"{name}: server memory, now / peak", f"{r['rss']:.0f} / {r['peak']:.0f}", "MB"),
        (f"{name}: load generator CPU", f"{r['client_cpu']:.0f}", "% of one core"),
    ]


def percentiles(values: list[float]) -> list[float]:
    """The 1st to 99th percentiles (NaN when there are too few values)."""
    return statistics.quantiles(values, n=100) if len(values) >= 2 else [float("nan")] * 99


def serve_and_simulate(simulate, n: int) -> dict:
    """`simulate(host, pid, n)` against a fresh server, as shipped."""
    env = {**TRANSPORT_DEFAULTS, "NP_LOG_LEVEL": "warning"}
    with server_process(**env) as (host, process):
        return asyncio.run(simulate(host, process.pid, n))


def print_rows(rows, measure, sizes: tuple[int, ...]) -> None:
    """`python -m bench.<name> [N ...]`: the rows of each N (by default every one of `sizes`)."""
    for n in map(int, sys.argv[1:] or sizes):
        for row in rows(n, measure(n)):
            print("| " + " | ".join(row) + " |", flush=True)


async def simulate(host: str, pid: int, n: int) -> dict:
    learners = [Learner(k) for k in range(n)]
    sockets = []
    for start in range(0, n, CONNECT_AT_ONCE):
        batch = learners[start : start + CONNECT_AT_ONCE]
        sockets += await asyncio.gather(*(open_learner(host, lr) for lr in batch))
    until = time.perf_counter() + WARMUP_SECONDS + MEASURE_SECONDS
    pairs = zip(learners, sockets, strict=True)
    runs = [asyncio.create_task(learner.run(ws, until)) for learner, ws in pairs]
    await asyncio.sleep(WARMUP_SECONDS)
    for learner in learners:
        learner.measuring = True
    usage = Usage(pid)
    await asyncio.gather(*runs)
    used = usage.stop()
    wall = used["wall"]
    for ws in sockets:
        await ws.close()
    fps = sorted(lr.frames / wall for lr in learners)
    surfaces = sorted(lr.surfaces / wall for lr in learners)
    steps = sorted(
        (lr.last_step - lr.first_step) / wall for lr in learners if lr.first_step is not None
    )
    latencies = sorted(t for lr in learners for t in lr.latencies)
    cpu = used["server_cpu"] / 100 * wall  # server CPU-seconds in the measured stretch
    q = percentiles(latencies)
    return {
        "fps_min": fps[0],
        "fps_median": statistics.median(fps),
        "under_10": sum(f < 10 for f in fps),
        "surfaces_min": surfaces[0],
        "surfaces_median": statistics.median(surfaces),
        "steps_median": statistics.median(steps) if steps else float("nan"),
        "steps_min": steps[0] if steps else float("nan"),
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "edits": len(latencies),
        # The work done per second of server CPU: comparable across runs on a shared machine,
        # where the server gets what the other jobs leave it.
        "frames_per_cpu": sum(lr.frames for lr in learners) / cpu if cpu else float("nan"),
        "steps_per_cpu": sum(steps) * wall / cpu if cpu else float("nan"),
        **used,
    }


def measure(n: int) -> dict:
    return serve_and_simulate(simulate, n)


def rows(n: int, r: dict) -> list[tuple[str, str, str]]:
    name = f"load, {n} learners"
    return [
        (
            f"{name}: frames/s per client, slowest / median",
            f"{r['fps_min']:.1f} / {r['fps_median']:.1f}",
            "frames/s",
        ),
        (f"{name}: clients under 10 frames/s", f"{r['under_10']}", f"of {n}"),
        (
            f"{name}: frames with a new decision surface, slowest / median",
            f"{r['surfaces_min']:.1f} / {r['surfaces_median']:.1f}",
            "per s",
        ),
        (
            f"{name}: training steps per client, slowest / median",
            f"{r['steps_min']:.0f} / {r['steps_median']:.0f}",
            f"steps/s (asking {STEPS_PER_FRAME} a frame)",
        ),
        (
            f"{name}: edit-to-frame p50 / p95 / p99",
            f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f}",
            f"ms ({r['edits']} edits)",
        ),
        (
            f"{name}: per second of server CPU, frames / training steps",
            f"{r['frames_per_cpu']:,.0f} / {r['steps_per_cpu']:,.0f}",
            "per CPU-second",
        ),
        *usage_rows(name, r),
    ]


def run() -> list[tuple[str, str, str]]:
    return [row for n in LEARNERS for row in rows(n, measure(n))]


if __name__ == "__main__":
    print_rows(rows, measure, LEARNERS)
