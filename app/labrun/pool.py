"""The lab workers: a few threads that run every session's engine work, fairly.

A hundred learners share two cores. Every call into a lab (an edit, a training burst, a
snapshot) goes through one `LabPool` of `NP_LAB_WORKERS` threads, so the engine never runs
on more threads than the machine has cores, and the event loop stays free to talk.

Each lab has a `Lane`: its calls run one at a time and in order, so a lab never needs a lock.
A lane has a *home*, one of the workers (the one whose lab process holds the lab, see
`app.labrun.labhost`); each worker serves its lanes round-robin, so a learner training hard waits
their turn like everyone else. Two classes of call keep the page responsive: *interactive*
calls (whatever a learner just clicked) go before *background* calls (the next burst of a
playing session), within a lane and across lanes.
"""

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Job:
    fn: Callable[[], Any]
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop


@dataclass(eq=False)
class Lane:
    """The queue of one lab's calls. Owned by the pool's lock; never touched by a lab."""

    home: int = 0  # the worker that serves it
    interactive: deque[Job] = field(default_factory=deque)
    background: deque[Job] = field(default_factory=deque)
    busy: bool = False  # a worker is running one of its jobs
    in_interactive: bool = False  # listed in the pool's interactive ready queue
    in_background: bool = False

    def pending(self) -> int:
        return len(self.interactive) + len(self.background)


class PoolStopped(RuntimeError):
    """The server is shutting down: no more lab calls."""


class LabPool:
    def __init__(
        self,
        workers: int,
        threads_per_worker: int = 1,
        on_call: Callable[[float], None] | None = None,
    ) -> None:
        self.workers = workers
        #: More than one thread per worker keeps a lab process busy: one call waits in its
        #: pipe while another is answered (see app.labrun.labhost.CHANNELS).
        self.threads_per_worker = threads_per_worker
        self.on_call = on_call  # told each call's duration in seconds (for /metrics)
        self.lock = threading.Lock()
        self.wakeup = [threading.Condition(self.lock) for _ in range(workers)]  # one per worker
        # Per worker: lanes with interactive jobs waiting, lanes with background jobs waiting.
        self.ready: list[tuple[deque[Lane], deque[Lane]]] = [
            (deque(), deque()) for _ in range(workers)
        ]
        self.next_home = 0
        self.threads: list[threading.Thread] = []
        self.stopping = False
        self.queued = 0
        #: Sessions currently playing: each one's fair share of the workers is workers/players.
        self.players = 0

    # --- life -------------------------------------------------------------------------------

    def start(self) -> None:
        for home in range(self.workers):
            for k in range(self.threads_per_worker):
                name = f"lab-worker-{home}" + (f".{k}" if self.threads_per_worker > 1 else "")
                thread = threading.Thread(target=self.work, args=(home,), name=name, daemon=True)
                thread.start()
                self.threads.append(thread)

    def new_lane(self) -> Lane:
        """A lane for a new lab, homed on the workers in turn."""
        with self.lock:
            home, self.next_home = self.next_home, (self.next_home + 1) % self.workers
        return Lane(home=home)

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            lanes = [lane for queues in self.ready for queue in queues for lane in queue]
            for condition in self.wakeup:
                condition.notify_all()
        for thread in self.threads:
            thread.join(timeout=10)
        self.threads.clear()
        for lane in lanes:
            for job in (*lane.interactive, *lane.background):
                settle(job, PoolStopped("the server is stopping"), failed=True)

    # --- submitting -------------------------------------------------------------------------

    async def run(self, lane: Lane, fn: Callable[[], Any], interactive: bool = True) -> Any:
        """Run `fn()` on a worker, after the lane's earlier calls; return its result.

        Cancelling the awaiting task drops the call if it has not started yet.
        """
        loop = asyncio.get_running_loop()
        job = Job(fn, loop.create_future(), loop)
        with self.lock:
            if self.stopping:
                raise PoolStopped("the server is stopping")
            (lane.interactive if interactive else lane.background).append(job)
            self.queued += 1
            self.make_ready(lane)
            self.wakeup[lane.home].notify()
        return await job.future

    def make_ready(self, lane: Lane) -> None:
        """List the lane in the ready queue(s) its waiting jobs need. Caller holds the lock."""
        if lane.busy:
            return
        interactive, background = self.ready[lane.home]
        if lane.interactive and not lane.in_interactive:
            lane.in_interactive = True
            interactive.append(lane)
        if lane.background and not lane.in_background:
            lane.in_background = True
            background.append(lane)

    # --- the workers ------------------------------------------------------------------------

    def next_job(self, home: int) -> tuple[Lane, Job] | None:
        """Worker `home`'s next job, interactive first; None when stopping (lock held)."""
        interactive, background = self.ready[home]
        while True:
            if self.stopping:
                return None
            for queue, flag in ((interactive, "in_interactive"), (background, "in_background")):
                while queue:
                    lane = queue.popleft()
                    setattr(lane, flag, False)
                    if lane.busy or not lane.pending():
                        continue  # stale entry: the lane was served from the other queue
                    job = (lane.interactive or lane.background).popleft()
                    lane.busy = True
                    self.queued -= 1
                    return lane, job
            self.wakeup[home].wait()

    def work(self, home: int) -> None:
        while True:
            with self.lock:
                picked = self.next_job(home)
            if picked is None:
                return
            lane, job = picked
            if not job.future.cancelled():
                started = time.perf_counter()
                try:
                    result, failed = job.fn(), False
                except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
                    result, failed = exc, True
                if self.on_call is not None:
                    self.on_call(time.perf_counter() - started)
                settle(job, result, failed)
            with self.lock:
                lane.busy = False
                if self.stopping:  # stop() only saw the lanes that were waiting, not this one
                    leftover = [*lane.interactive, *lane.background]
                    lane.interactive.clear()
                    lane.background.clear()
                else:
                    leftover = []
                    self.make_ready(lane)  # to the back of its queue: round-robin
            for job in leftover:
                settle(job, PoolStopped("the server is stopping"), failed=True)


def settle(job: Job, result: Any, failed: bool) -> None:
    """Hand a result to the waiting task on its own loop (the loop may be gone at shutdown)."""

    def deliver() -> None:
        if job.future.done():
            return
        if failed:
            job.future.set_exception(result)
        else:
            job.future.set_result(result)

    with contextlib.suppress(RuntimeError):  # event loop closed
        job.loop.call_soon_threadsafe(deliver)
