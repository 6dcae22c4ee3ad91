"""Waiting for a lab process's pipes: which have something to read.

`multiprocessing.connection.wait` and `Connection.poll` build a selector, register the
pipes, poll and tear it all down at every call. A lab process waits once per call it
answers and a server thread once per call it makes, so in a full room (thousands of frames
a second) that set-up is a noticeable share of a frame's cost: `Readiness` makes one
`select.poll` per set of pipes, once.
"""

import math
import select
from multiprocessing.connection import Connection


class Readiness:
    """Which of `pipes` have something to read (or were closed: reading says so)."""

    def __init__(self, pipes: list[Connection]) -> None:
        self.pipes = list(pipes)
        self.by_fd = {pipe.fileno(): pipe for pipe in pipes}
        self.poller = select.poll()
        for fd in self.by_fd:
            self.poller.register(fd, select.POLLIN)

    def wait(self, timeout: float | None) -> list[Connection]:
        """The pipes readable (or closed) within `timeout` seconds (None: no limit)."""
        ms = None if timeout is None else max(0, math.ceil(timeout * 1000))
        return [self.by_fd[fd] for fd, _ in self.poller.poll(ms)]
