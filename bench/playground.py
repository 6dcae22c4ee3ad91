"""The 2-D playground: training steps per second with the heatmap, and frames delivered live.

TensorFlow Playground's shape: 2 inputs (x1, x2), hidden layers 8 and 8, 500 points (250
train), batch 10. "with the heatmap" means each frame also runs the 100 x 100 grid through
the network and encodes every map, exactly as a session does while playing.
"""

import asyncio
import json
import time

import websockets

from bench.server import running_server
from neural_playground.app.labs.playground.commands import SetNetwork
from neural_playground.app.labs.playground.lab import PlaygroundLab
from neural_playground.app.settings import Settings

HIDDEN = [8, 8]


def lab() -> PlaygroundLab:
    playground = PlaygroundLab(Settings())
    playground.handle(
        SetNetwork(type="set_network", hidden=HIDDEN, activations=["tanh", "tanh"], batch_size=10)
    )
    playground.frame()  # the first, full frame
    return playground


def in_process(steps_per_frame: int, seconds: float = 2.0) -> tuple[float, float, float]:
    """Steps/s and frames/s when every `steps_per_frame` steps a frame is built and encoded,
    and the mean size of an update frame in bytes."""
    playground = lab()
    steps = frames = size = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        playground.train(steps_per_frame)
        size += len(playground.frame().model_dump_json())
        steps += steps_per_frame
        frames += 1
    elapsed = time.perf_counter() - start
    return steps / elapsed, frames / elapsed, size / frames


def idle_frame() -> int:
    """Bytes of a frame after one that already carried every map (e.g. paused, inspecting)."""
    playground = lab()
    playground.train(50)
    playground.frame()
    return len(playground.frame().model_dump_json())


def train_only(seconds: float = 2.0) -> float:
    playground = lab()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        playground.train(100)
        steps += 100
    return steps / (time.perf_counter() - start)


async def stream(host: str, steps_per_frame: int, seconds: float) -> tuple[float, float, float]:
    """Frames/s, steps/s and kB/s a browser-like client receives while the lab plays."""
    async with websockets.connect(f"ws://{host}/ws/playground", max_size=None) as ws:
        for _ in range(3):  # hello, first frame, status
            await ws.recv()
        await ws.send(json.dumps({"type": "set_network", "hidden": HIDDEN}))
        await ws.send(json.dumps({"type": "set_speed", "steps_per_frame": steps_per_frame}))
        await ws.send(json.dumps({"type": "play"}))
        frames, size, first_step, last_step = 0, 0, None, 0
        start = None
        while True:
            text = await ws.recv()
            message = json.loads(text)
            if message["type"] != "frame" or message["kind"] != "update":
                continue
            if start is None:  # count from the first streamed frame on
                start, first_step = time.perf_counter(), message["step"]
                continue
            frames += 1
            size += len(text)
            last_step = message["step"]
            if time.perf_counter() - start >= seconds:
                break
        elapsed = time.perf_counter() - start
        await ws.send(json.dumps({"type": "pause"}))
        while True:  # leave only once the server has stopped: a polite client
            message = json.loads(await ws.recv())
            if message["type"] == "status" and not message["running"]:
                break
    return frames / elapsed, (last_step - first_step) / elapsed, size / elapsed / 1000


def run() -> list[tuple[str, str, str]]:
    name = "playground"
    rows = [
        (f"{name}: training only, 2-8-8-1, 500 points, batch 10", f"{train_only():,.0f}", "steps/s")
    ]
    for k in (1, 10, 66):
        steps, frames, size = in_process(k)
        rows.append((f"{name}: train + heatmap frame every {k} steps", f"{steps:,.0f}", "steps/s"))
        if k == 1:
            # A single step is recorded for the step-through: its frame carries the walk.
            rows.append(
                (f"{name}: frames built and encoded, 1 step each", f"{frames:,.0f}", "frames/s")
            )
            rows.append(
                (
                    f"{name}: frame of one step, with its step-through (JSON)",
                    f"{size / 1000:,.1f}",
                    "kB",
                )
            )
        if k == 10:
            rows.append((f"{name}: frame while learning (JSON)", f"{size / 1000:,.1f}", "kB"))
    rows.append((f"{name}: frame when no map moved (JSON)", f"{idle_frame() / 1000:,.1f}", "kB"))
    with running_server() as host:
        for k in (10, 66):
            fps, steps, rate = asyncio.run(stream(host, k, seconds=4.0))
            over = f"{name} over websocket, {k} steps/frame"
            rows.append((f"{over}: frames delivered", f"{fps:,.1f}", "frames/s"))
            rows.append((f"{over}: training", f"{steps:,.0f}", "steps/s"))
            rows.append((f"{over}: data (before per-message deflate)", f"{rate:,.0f}", "kB/s"))
    return rows
