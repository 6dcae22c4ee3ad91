"""The page's own work per task, from a Chromium trace: CPU time, not wall time.

The Long Tasks API and requestAnimationFrame measure wall time: on a machine shared with other
jobs (a load average of 10-30 on 2 cores) a 15 ms task waits for a core and reads 150 ms. A
trace's `RunTask` events carry the thread's own CPU time (`tdur`) beside the wall time
(`dur`), so the longest task's CPU time says what the page's scripts cost whatever the load.

`with traced(browser, page) as trace: ...` records the renderer's main thread; afterwards
`trace.tasks` holds one (cpu_ms, wall_ms, what) per task, `what` naming the functions the
task called (`drawOne@plotly.js:92`), longest CPU first.
"""

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

CATEGORIES = ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline"]


@dataclass
class Trace:
    tasks: list[tuple[float, float, str]] = field(default_factory=list)

    @property
    def longest_cpu(self) -> float:
        return self.tasks[0][0] if self.tasks else 0.0


def _main_thread(events: list[dict]) -> tuple[int, int]:
    """The page's renderer main thread: of the CrRendererMain threads, the one that ran most
    script, then most tasks (other renderers of the browser, closed pages', ran little)."""
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    work = {thread: [0, 0] for thread in mains}  # thread -> [script calls, tasks]
    for e in events:
        thread = (e.get("pid"), e.get("tid"))
        if thread in work and e.get("name") in ("FunctionCall", "RunTask"):
            work[thread][e["name"] == "RunTask"] += 1
    return max(work, key=work.get)


def tasks_of(events: list[dict]) -> list[tuple[float, float, str]]:
    thread = _main_thread(events)
    mine = [e for e in events if (e.get("pid"), e.get("tid")) == thread and e.get("ph") == "X"]
    calls = sorted((e for e in mine if e["name"] == "FunctionCall"), key=lambda e: e["ts"])
    out = []
    runs = [e for e in mine if e["name"] == "RunTask"]
    # A few tasks (one cut by the trace's end) come without a thread time; all of them would
    # mean a platform without thread clocks, where this measures nothing.
    if runs and not any("tdur" in e for e in runs):
        raise AssertionError("the trace has no thread times (tdur): cannot tell CPU time")
    for task in (e for e in runs if "tdur" in e):
        start, end = task["ts"], task["ts"] + task["dur"]
        names = []
        for call in calls:
            if start <= call["ts"] < end:
                data = call.get("args", {}).get("data", {})
                url = data.get("url", "").rsplit("/", 1)[-1]
                name = data.get("functionName") or "(anonymous)"
                names.append(f"{name}@{url}:{data.get('lineNumber', '')}")
        out.append((task["tdur"] / 1000, task["dur"] / 1000, ", ".join(names[:3])))
    return sorted(out, reverse=True)


@contextlib.contextmanager
def traced(browser, page) -> Iterator[Trace]:
    trace = Trace()
    browser.start_tracing(page=page, categories=CATEGORIES)
    try:
        yield trace
    finally:
        raw = json.loads(browser.stop_tracing())
        events = raw["traceEvents"] if isinstance(raw, dict) else raw
        trace.tasks = tasks_of(events)
