"""What `/metrics` reports, in Prometheus' text format (prometheus-client).

Each app has its own `CollectorRegistry`, so several apps in one process (the tests) never
share counters. Live counts are read when scraped; events are counted where they happen.
"""

import asyncio
import logging
import os
from collections.abc import Callable, Iterable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.platform_collector import PlatformCollector

log = logging.getLogger(__name__)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.sessions = Gauge("np_sessions_active", "Open websocket sessions.", registry=r)
        self.parked = Gauge(
            "np_sessions_parked", "Closed sessions waiting to be resumed.", registry=r
        )
        self.playing = Gauge("np_sessions_playing", "Sessions training right now.", registry=r)
        self.rooms = Gauge("np_rooms_active", "Teacher rooms open on this server.", registry=r)
        self.followers = Gauge(
            "np_room_followers", "Sessions following a teacher on this server.", registry=r
        )
        self.queue = Gauge("np_lab_calls_waiting", "Lab calls waiting for a worker.", registry=r)
        self.frames = Counter(
            "np_frames_sent", "Frames sent to clients.", ["lab", "source"], registry=r
        )
        self.steps = Counter("np_training_steps", "Training steps run.", ["lab"], registry=r)
        self.rejected = Counter(
            "np_messages_rejected", "Inbound messages answered by an error.", ["reason"], registry=r
        )
        self.refused = Counter(
            "np_connections_refused", "Websocket connections refused.", ["reason"], registry=r
        )
        self.loop_lag = Gauge(
            "np_event_loop_lag_seconds", "How late the event loop woke up, last check.", registry=r
        )
        self.loop_lag_max = Gauge(
            "np_event_loop_lag_max_seconds", "Largest event-loop lag seen.", registry=r
        )
        self.lab_call = Histogram(
            "np_lab_call_seconds",
            "Time a worker spent in one lab call.",
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0),
            registry=r,
        )

        # The server process's own (process_cpu_seconds_total, process_resident_memory_bytes,
        # process_open_fds, ...), and each lab process's CPU and memory: the engine's work.
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        self.lab_pids: Callable[[], list[int | None]] = list
        r.register(LabProcessCollector(lambda: self.lab_pids()))

    def watch(self, gauge: Gauge, read: Callable[[], float]) -> None:
        """Read a live count when scraped instead of keeping a second copy of it."""
        gauge.set_function(read)


class LabProcessCollector:
    """CPU time and resident memory of each lab process, labelled by its index (from
    /proc, read when scraped; nothing where there is no /proc)."""

    TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def __init__(self, pids: Callable[[], list[int | None]]) -> None:
        self.pids = pids

    def collect(self) -> Iterable[Metric]:
        cpu = CounterMetricFamily(
            "np_lab_process_cpu_seconds", "CPU time of each lab process.", labels=["process"]
        )
        rss = GaugeMetricFamily(
            "np_lab_process_resident_memory_bytes",
            "Resident memory of each lab process.",
            labels=["process"],
        )
        for index, pid in enumerate(self.pids()):
            try:
                with open(f"/proc/{pid}/stat", "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
            except (OSError, TypeError):
                continue  # not started, restarting, or no /proc here
            # After the ")" closing the name: utime and stime are fields 11 and 12, rss 21.
            cpu.add_metric([str(index)], (int(fields[11]) + int(fields[12])) / self.TICKS)
            rss.add_metric([str(index)], int(fields[21]) * self.PAGE)
        return [cpu, rss]


async def watch_event_loop(metrics: Metrics, interval: float = 0.25) -> None:
    """Sleep `interval` over and over; how much later than asked we wake up is the lag.

    A lag above a few tens of milliseconds means something blocks the loop (work that
    belongs on a lab worker) and every learner's frames stutter.
    """
    loop = asyncio.get_running_loop()
    worst = 0.0
    while True:
        started = loop.time()
        await asyncio.sleep(interval)
        lag = max(0.0, loop.time() - started - interval)
        metrics.loop_lag.set(lag)
        if lag > worst:
            worst = lag
            metrics.loop_lag_max.set(lag)
        if lag > 0.5:
            log.warning("event loop lagging", extra={"lag_seconds": round(lag, 3)})
