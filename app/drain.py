"""SIGTERM: a replica hands its learners to the others before it stops.

`docker stop`, Kubernetes and systemd stop a server with SIGTERM, then wait a while. uvicorn
on its own would close every websocket at once (1012) and only then park each session's work,
racing the page, which reconnects within half a second. So the signal comes here first
(`Drain.install`, while the app starts): the replica stops taking sessions (`/readyz` says
503, new websockets are closed with 1012), then every open session leaves its whole state in
the resume store (Redis; without it, in the page) *before* its socket is closed with 1012
(`Departure.move_out`, app/ws/departure.py). The page reconnects at once, the load balancer
sends it to another replica, and that replica takes the work back from Redis. Then the
signal goes on to uvicorn, which stops listening, waits for the connections to end and
stops the lab processes.
"""

import asyncio
import logging
import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from neural_playground.app.runtime import Runtime

log = logging.getLogger(__name__)


class Drain:
    def __init__(self, runtime: "Runtime") -> None:
        self.runtime = runtime
        self.previous = None  # the SIGTERM handler before ours (uvicorn's)
        self.task: asyncio.Task | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def install(self) -> None:
        """Take SIGTERM from whoever had it, to hand it on once drained. Only the main thread
        may: a server in a test's thread keeps uvicorn's own handling."""
        if threading.current_thread() is not threading.main_thread():
            return
        self.loop = asyncio.get_running_loop()
        self.previous = signal.signal(signal.SIGTERM, self.on_signal)

    def uninstall(self) -> None:
        if self.previous is not None and signal.getsignal(signal.SIGTERM) == self.on_signal:
            signal.signal(signal.SIGTERM, self.previous)

    def on_signal(self, sig: int, frame: FrameType | None) -> None:
        if self.task is not None or self.loop is None:  # asked twice: stop now
            self.hand_on(sig, frame)
            return
        # A signal handler runs between two bytecodes of the loop's thread: only schedule.
        self.loop.call_soon_threadsafe(self.start, sig)

    def start(self, sig: int) -> None:
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self.run(sig), name="drain")

    async def run(self, sig: int) -> None:
        log.info("draining: moving every session to the other replicas")
        try:
            async with asyncio.timeout(self.runtime.settings.drain_seconds):
                moved = await self.runtime.drain()
            log.info("drained", extra={"sessions": moved})
        except TimeoutError:
            log.warning("draining took too long; stopping anyway")
        except Exception:  # noqa: BLE001 - stop all the same
            log.exception("draining failed; stopping anyway")
        finally:
            self.hand_on(sig, None)

    def hand_on(self, sig: int, frame: FrameType | None) -> None:
        previous = self.previous
        if callable(previous):
            previous(sig, frame)
        elif previous != signal.SIG_IGN:  # nobody handled it before: the default, the end
            signal.signal(sig, signal.SIG_DFL)
            signal.raise_signal(sig)
