"""The batch-normalization lab: cost of a training step and of a frame, and what a playing
browser receives over a real websocket."""

import asyncio
import json
import time

import websockets

from bench.server import running_server
from neural_playground.app.labs.batchnorm.commands import Configure, SetMode
from neural_playground.app.labs.batchnorm.lab import BatchNormLab
from neural_playground.app.settings import Settings


def per_call_ms(fn, seconds: float = 2.0) -> float:
    """CPU milliseconds per call: what a session costs the server, and less at the mercy of
    other processes on a shared machine than wall-clock time."""
    calls, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        fn()
        calls += 1
    return (time.process_time() - start) * 1000 / calls


def lab_figures(depth: int) -> tuple[float, float, float, int]:
    lab = BatchNormLab(Settings())
    lab.handle(Configure(type="configure", depth=depth))
    step = per_call_ms(lambda: lab.train(1))
    train_frame = per_call_ms(lab.frame)
    size = len(lab.frame().model_dump_json())
    lab.handle(SetMode(type="set_mode", mode="eval"))
    eval_frame = per_call_ms(lab.frame)
    return step, train_frame, eval_frame, size


async def play(host: str, steps_per_frame: int, seconds: float) -> tuple[float, float]:
    """Frames per second and training steps per second seen by one playing client."""
    async with websockets.connect(f"ws://{host}/ws/batchnorm", max_size=None) as ws:
        for _ in range(3):  # hello, first frame, status
            await ws.recv()
        await ws.send(json.dumps({"type": "set_speed", "steps_per_frame": steps_per_frame}))
        await ws.send(json.dumps({"type": "play"}))
        frames, first_step, last_step = 0, None, 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            message = json.loads(await ws.recv())
            if message["type"] == "frame":
                frames += 1
                first_step = message["step"] if first_step is None else first_step
                last_step = message["step"]
        elapsed = time.perf_counter() - start
        await ws.send(json.dumps({"type": "pause"}))
        while True:  # leave only once the server has stopped, so it never sends to a closed socket
            message = json.loads(await ws.recv())
            if message["type"] == "status" and not message["running"]:
                break
        return frames / elapsed, (last_step - (first_step or 0)) / elapsed


def run() -> list[tuple[str, str, str]]:
    rows = []
    for depth in (8, 10):
        step, train_frame, eval_frame, size = lab_figures(depth)
        rows += [
            (f"batchnorm lab, {depth}x8 sigmoid: one step of both runs", f"{step:.2f}", "CPU ms"),
            (f"batchnorm lab, {depth}x8: frame, train mode", f"{train_frame:.1f}", "CPU ms"),
            (f"batchnorm lab, {depth}x8: frame, eval mode", f"{eval_frame:.1f}", "CPU ms"),
            (f"batchnorm lab, {depth}x8: frame size", f"{size:,}", "bytes"),
        ]
    with running_server() as host:
        for steps_per_frame in (1, 10):
            fps, steps = asyncio.run(play(host, steps_per_frame, 4.0))
            rows += [
                (
                    f"batchnorm page playing, {steps_per_frame} steps/frame",
                    f"{fps:.1f}",
                    "frames/s",
                ),
                (
                    f"batchnorm page playing, {steps_per_frame} steps/frame",
                    f"{steps:.0f}",
                    "steps/s",
                ),
            ]
    return rows
