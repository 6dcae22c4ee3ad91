"""A teacher on the projector and a room following: one playground session teaching N students.

The teacher opens a room on the 2-D playground (the same 2-8-8-1 network over 500 points as
`bench.load`), plays at STEPS_PER_FRAME steps a frame and changes the learning rate once a
second, as a teacher demonstrating would; N students follow the room's code, read-only. One
session trains; this measures the fan-out of its frames to N screens.

Reported per N: the teacher's frames per second, the students' (slowest and median), how
late a student sees a frame after the teacher does (matched by training step), the mean size
of a student's frame and how many were whole (a student who keeps up is sent the teacher's
small frames, see app/rooms/frames.py), the bytes a second sent to the whole room, and the
server's CPU and memory.

`python -m bench room` runs every N; `python -m bench.room 100` runs one.
"""

import asyncio
import json
import statistics
import time

from bench.load import (
    CONNECT_AT_ONCE,
    MEASURE_SECONDS,
    SETUP,
    WARMUP_SECONDS,
    Usage,
    open_session,
    percentiles,
    print_rows,
    serve_and_simulate,
    step_in,
    usage_rows,
)

STUDENTS = (30, 100)
FRAME_PREFIX = '{"type":"frame"'
WHOLE_MARK, WHOLE_MARK_WITHIN = '"kind":"full"', 80  # near the start of a playground frame


class Watcher:
    """One socket's frames: when each training step arrived, and how many bytes they took."""

    def __init__(self) -> None:
        self.arrivals: dict[int, float] = {}
        self.frames = 0
        self.whole = 0  # frames with everything in them (kind "full")
        self.bytes = 0
        self.measuring = False

    def saw(self, text: str) -> None:
        if not text.startswith(FRAME_PREFIX):
            return
        now = time.perf_counter()
        if self.measuring:
            self.frames += 1
            self.whole += WHOLE_MARK in text[:WHOLE_MARK_WITHIN]
            self.bytes += len(text)
            self.arrivals.setdefault(step_in(text), now)

    async def watch(self, ws, until: float) -> None:
        while (left := until - time.perf_counter()) > 0:
            try:
                self.saw(await asyncio.wait_for(ws.recv(), timeout=left))
            except TimeoutError:
                return


async def teach(ws, watcher: Watcher, until: float) -> None:
    """Play, and change the learning rate once a second while watching the teacher's frames."""
    edits = 0
    await ws.send(json.dumps({"type": "play"}))
    while (left := until - time.perf_counter()) > 0:
        edits += 1
        rate = (1000 + edits) / 100_000
        await ws.send(json.dumps({"type": "set_network", "learning_rate": rate}))
        second = time.perf_counter() + min(1.0, left)
        while (wait := second - time.perf_counter()) > 0:
            try:
                watcher.saw(await asyncio.wait_for(ws.recv(), timeout=wait))
            except TimeoutError:
                break


async def open_teacher(host: str) -> tuple[object, str]:
    ws = await open_session(host, *SETUP, {"type": "open_room"})
    while (message := json.loads(await ws.recv()))["type"] != "room":
        pass
    return ws, message["code"]


async def open_student(host: str, code: str):
    ws = await open_session(host, {"type": "follow", "code": code})
    while json.loads(await ws.recv())["type"] != "room":
        pass
    return ws


async def simulate(host: str, pid: int, n: int) -> dict:
    teacher_ws, code = await open_teacher(host)
    students = []
    for start in range(0, n, CONNECT_AT_ONCE):
        count = min(CONNECT_AT_ONCE, n - start)
        students += await asyncio.gather(*(open_student(host, code) for _ in range(count)))
    teacher, watchers = Watcher(), [Watcher() for _ in students]
    until = time.perf_counter() + WARMUP_SECONDS + MEASURE_SECONDS
    runs = [asyncio.create_task(teach(teacher_ws, teacher, until))]
    pairs = zip(watchers, students, strict=True)
    runs += [asyncio.create_task(w.watch(ws, until)) for w, ws in pairs]
    await asyncio.sleep(WARMUP_SECONDS)
    for watcher in (teacher, *watchers):
        watcher.measuring = True
    usage = Usage(pid)
    await asyncio.gather(*runs)
    used = usage.stop()
    wall = used["wall"]
    for ws in (teacher_ws, *students):
        await ws.close()
    fps = sorted(w.frames / wall for w in watchers)
    delays = sorted(
        (seen - teacher.arrivals[step]) * 1000
        for w in watchers
        for step, seen in w.arrivals.items()
        if step in teacher.arrivals
    )
    q = percentiles(delays)
    sent = teacher.bytes + sum(w.bytes for w in watchers)
    student_frames = max(1, sum(w.frames for w in watchers))
    return {
        "teacher_fps": teacher.frames / wall,
        "fps_min": fps[0],
        "fps_median": statistics.median(fps),
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "frame_kb": sum(w.bytes for w in watchers) / student_frames / 1000,
        "whole_share": 100 * sum(w.whole for w in watchers) / student_frames,
        "room_mb_per_s": sent / wall / 1e6,
        **used,
    }


def measure(n: int) -> dict:
    return serve_and_simulate(simulate, n)


def rows(n: int, r: dict) -> list[tuple[str, str, str]]:
    name = f"room, teacher and {n} students"
    return [
        (f"{name}: teacher's frames/s", f"{r['teacher_fps']:.1f}", "frames/s"),
        (
            f"{name}: students' frames/s, slowest / median",
            f"{r['fps_min']:.1f} / {r['fps_median']:.1f}",
            "frames/s",
        ),
        (
            f"{name}: a student sees a frame after the teacher, p50 / p95 / p99",
            f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f}",
            "ms",
        ),
        (f"{name}: a student's frame, mean", f"{r['frame_kb']:.1f}", "kB"),
        (f"{name}: students' frames that were whole", f"{r['whole_share']:.1f}", "%"),
        (f"{name}: sent to the whole room", f"{r['room_mb_per_s']:.1f}", "MB/s"),
        *usage_rows(name, r),
    ]


def run() -> list[tuple[str, str, str]]:
    return [row for n in STUDENTS for row in rows(n, measure(n))]


if __name__ == "__main__":
    print_rows(rows, measure, STUDENTS)
