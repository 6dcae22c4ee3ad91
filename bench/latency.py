"""Edit-to-frame latency over a real websocket: send a weight edit, time the frame back."""

import asyncio
import json
import statistics
import time

import websockets

from bench.server import running_server


async def measure(host: str, edits: int) -> list[float]:
    async with websockets.connect(f"ws://{host}/ws/neurons") as ws:
        for _ in range(3):  # hello, first frame, status
            await ws.recv()
        times = []
        for k in range(edits):
            value = (k % 20) / 10 - 1
            started = time.perf_counter()
            await ws.send(
                json.dumps({"type": "set_weight", "layer": 0, "i": 0, "j": 0, "value": value})
            )
            while json.loads(await ws.recv())["type"] != "frame":
                pass
            times.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(1 / 50)  # stay under the per-session message rate
        return times


def run() -> list[tuple[str, str, str]]:
    with running_server() as host:
        times = asyncio.run(measure(host, 300))
    p95 = statistics.quantiles(times, n=20)[18]
    return [
        ("edit-to-frame latency, neurons page, median", f"{statistics.median(times):.2f}", "ms"),
        ("edit-to-frame latency, neurons page, p95", f"{p95:.2f}", "ms"),
    ]
