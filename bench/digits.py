"""The digits page (B.6, second part): cost of a training step and of a frame, the time the
default network takes to reach 95 % on the test digits, and what a playing browser receives."""

import asyncio
import json
import time

import websockets

from bench.batchnorm import per_call_ms
from bench.server import running_server
from neural_playground.app.labs.digits.lab import DigitsLab
from neural_playground.app.settings import Settings

TARGET = 0.95
STEPS_PER_FRAME = 20  # the page's default speed
LIMIT_SECONDS = 60.0


def lab_figures() -> tuple[float, float, int, float, int]:
    """CPU ms of one step (both networks) and of a frame, frame bytes, and the CPU seconds and
    steps the default network takes to reach TARGET, trained as play does (a frame's steps,
    then the frame that measures the test digits)."""
    lab = DigitsLab(Settings())
    step = per_call_ms(lambda: lab.train(1))

    def fresh_frame() -> None:  # as after a training burst: both networks measured again
        lab.forget_measures()
        lab.frame().model_dump_json()

    frame = per_call_ms(fresh_frame)
    size = len(lab.frame().model_dump_json())
    lab.reset()
    started = time.process_time()
    while lab.frame().runs[0].test_accuracy < TARGET:
        lab.train(STEPS_PER_FRAME)
    return step, frame, size, time.process_time() - started, lab.step_count


async def play(host: str) -> tuple[float, float, float | None, int | None]:
    """Frames/s and steps/s while playing at the page's speed, and the wall-clock seconds and
    steps until a frame shows the CNN at TARGET on the test digits (None: not within the limit)."""
    async with websockets.connect(f"ws://{host}/ws/digits", max_size=None) as ws:
        for _ in range(3):  # hello, first frame, status
            await ws.recv()
        await ws.send(json.dumps({"type": "set_speed", "steps_per_frame": STEPS_PER_FRAME}))
        await ws.send(json.dumps({"type": "play"}))
        frames, last_step, reached, reached_step = 0, 0, None, None
        start = time.perf_counter()
        while time.perf_counter() - start < LIMIT_SECONDS:
            message = json.loads(await ws.recv())
            if message["type"] != "frame":
                continue
            frames += 1
            last_step = message["step"]
            if reached is None and message["runs"][0]["test_accuracy"] >= TARGET:
                reached, reached_step = time.perf_counter() - start, last_step
            if reached is not None and time.perf_counter() - start > reached + 3:
                break
        elapsed = time.perf_counter() - start
        await ws.send(json.dumps({"type": "pause"}))
        while True:  # leave once the server has stopped, so it never sends to a closed socket
            message = json.loads(await ws.recv())
            if message["type"] == "status" and not message["running"]:
                break
        return frames / elapsed, last_step / elapsed, reached, reached_step


def run() -> list[tuple[str, str, str]]:
    step, frame, size, cpu_seconds, steps = lab_figures()
    with running_server() as host:
        fps, steps_per_second, reached, reached_step = asyncio.run(play(host))
    return [
        ("digits lab: one step of both networks (batch 32)", f"{step:.2f}", "CPU ms"),
        ("digits lab: frame + JSON after a training burst", f"{frame:.1f}", "CPU ms"),
        ("digits lab: frame size", f"{size:,}", "bytes"),
        ("digits lab: default CNN to 95 % test accuracy", f"{cpu_seconds:.1f}", "CPU s"),
        ("digits lab: default CNN to 95 % test accuracy", f"{steps}", "steps"),
        (f"digits page playing, {STEPS_PER_FRAME} steps/frame", f"{fps:.1f}", "frames/s"),
        (
            f"digits page playing, {STEPS_PER_FRAME} steps/frame",
            f"{steps_per_second:.0f}",
            "steps/s",
        ),
        (
            "digits page playing: first frame at 95 % test accuracy",
            "not within 60 s" if reached is None else f"{reached:.1f}",
            "s" if reached is not None else "",
        ),
        ("digits page playing: ... at step", f"{reached_step}", "steps"),
    ]
