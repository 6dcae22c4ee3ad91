"""What `/metrics` reports, in Prometheus' text format (prometheus-client).

Each app has its own `CollectorRegistry`, so several apps in one process (the tests) never
share counters. Live counts are read when scraped; events are counted where they happen.
"""

import asyncio
import logging
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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

    def watch(self, gauge: Gauge, read: Callable[[], float]) -> None:
        """Read a live count when scraped instead of keeping a second copy of it."""
        gauge.set_function(read)


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
