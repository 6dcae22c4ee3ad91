"""Edit-to-frame latency over a real websocket: send a weight edit, time the frame back."""

import asyncio
import json
import statistics
import time
from collections.abc import Callable

import websockets

from bench.server import running_server


def weight_edit(k: int) -> dict:
    return {"type": "set_weight", "layer": 0, "i": 0, "j": 0, "value": (k % 20) / 10 - 1}


async def measure(
    host: str, edits: int, lab: str = "neurons", message: Callable[[int], dict] = weight_edit
) -> list[float]:
    """Milliseconds from sending `message(k)` to the frame that answers it, k = 0..edits-1."""
    async with websockets.connect(f"ws://{host}/ws/{lab}") as ws:
        for _ in range(3):  # hello, first frame, status
            await ws.recv()
        times = []
        for k in range(edits):
            started = time.perf_counter()
            await ws.send(json.dumps(message(k)))
            while json.loads(await ws.recv())["type"] != "frame":
                pass
            times.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(1 / 50)  # stay under the per-session message rate
        return times


def run() -> list[tuple[str, str, str]]:
    with running_server() as host:
        times = asyncio.run(measure(host, 300))
    return summary("edit-to-frame latency, neurons page", times)


def summary(name: str, times: list[float]) -> list[tuple[str, str, str]]:
    p95 = statistics.quantiles(times, n=20)[18]
    return [
        (f"{name}, median", f"{statistics.median(times):.2f}", "ms"),
        (f"{name}, p95", f"{p95:.2f}", "ms"),
    ]
