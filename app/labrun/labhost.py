"""Where labs live: in lab processes (the default), or in the server process itself.

Python runs one thread's Python code at a time (the GIL), and a lab's engine work is mostly
small NumPy arrays, i.e. Python-speed work. Labs in the server process would therefore share
one core with each other *and* with the event loop that talks to every browser. In lab
processes (`NP_LAB_PROCESSES=true`), each of the `NP_LAB_WORKERS` processes runs on its own
core and the event loop never waits for the engine.

A session sees a `LabHandle` either way: the same few typed calls (`app.labrun.labcalls`),
each returning what the session sends (frames as JSON text), called on the lab's lane
(`app.labrun.pool`). A lab stays in the process it was created in; the lab worker threads
that serve that process are the only ones that talk to it.
"""

import contextlib
import importlib
import itertools
import logging
import multiprocessing
import signal
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from pydantic import BaseModel

from neural_playground.app.labrun.labcalls import (
    FRESH,
    UPDATE,
    ClearStop,
    Framing,
    HandleCommand,
    LabCall,
    RenderFrame,
    ResetLab,
    RestoreState,
    TakeSnapshot,
    Train,
)
from neural_playground.app.labrun.readiness import Readiness
from neural_playground.app.labs.common.base import Lab
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings

log = logging.getLogger(__name__)


class LabCrash(RuntimeError):
    """A lab raised something other than LabError (a bug), or its process died."""


class LabGone(LabCrash):
    """The lab's process died (killed, out of memory, or stopped by the call timeout): the
    lab is lost and its session rebuilds it in the process started in its place. `sent` is
    False when the call never reached a living lab (the lab was already gone), so it may be
    carried out on the rebuilt one; True when it may have run, or even killed the process
    (a stuck call), and must not be tried again."""

    def __init__(self, message: str, sent: bool = True) -> None:
        super().__init__(message)
        self.sent = sent
        self.lab: LabHandle | None = None  # the handle whose lab is gone (set by RemoteLab)


T = TypeVar("T")


class LabHandle:
    """What a session may do with its lab. Every method runs on the lab's lane: it makes its
    typed call (`app.labrun.labcalls`, where each is described) and `run`s it."""

    def __init__(self, lab_class: type[Lab]) -> None:
        self.lab_class = lab_class
        self.name = lab_class.name
        self.commands = lab_class.commands
        self.State = lab_class.State
        self.trainable = lab_class.trainable
        # What the session reads between calls, as of the lab's last answer.
        self.step_count = 0
        self.diverged = False
        self.finished = False  # stopped training on its own (see Lab.finished)
        self.play_period = 0.0  # Lab.play_period(): seconds between frames it asks for

    def handle(self, command: BaseModel, framing: Framing = UPDATE) -> str:
        return self.run(HandleCommand(command, framing))

    def reset(self, framing: Framing = UPDATE) -> str:
        return self.run(ResetLab(framing))

    def restore(self, state: BaseModel) -> str:
        return self.run(RestoreState(state))

    def frame(self, framing: Framing = FRESH) -> str:
        return self.run(RenderFrame(framing))

    def snapshot(self) -> BaseModel:
        return self.run(TakeSnapshot())

    def train(
        self, steps: int, framing: Framing | None, playing: bool = False
    ) -> tuple[str | None, float, float]:
        return self.run(Train(steps, framing, playing))

    def clear_stop(self) -> None:
        self.run(ClearStop())

    def close(self) -> None:
        """Forget the lab (its workspace is gone for good)."""

    def mirror(self, status: tuple[int, bool, bool, float]) -> None:
        self.step_count, self.diverged, self.finished, self.play_period = status

    def run(self, call: LabCall[T]) -> T:
        """Carry out `call` on the lab, here or in its process; what it returns."""
        raise NotImplementedError


def lab_status(lab: Lab | None) -> tuple[int, bool, bool, float]:
    """What the session mirrors of a lab after each call (see LabHandle)."""
    if lab is None:
        return 0, False, False, 0.0
    return lab.step_count, lab.diverged, lab.finished, lab.play_period()


class LocalLab(LabHandle):
    """A lab in the server process (NP_LAB_PROCESSES=false: tests, tiny servers)."""

    def __init__(self, lab: Lab) -> None:
        super().__init__(type(lab))
        self.lab = lab

    def run(self, call: LabCall[T]) -> T:
        try:
            return call.apply(self.lab)
        finally:
            self.mirror(lab_status(self.lab))


class RemoteLab(LabHandle):
    """A lab in a lab process; calls go over its pipe."""

    def __init__(self, process: "LabProcess", lab_id: int, lab_class: type[Lab]) -> None:
        super().__init__(lab_class)
        self.process = process
        self.lab_id = lab_id
        self.generation = process.generation  # the process's life the lab was created in

    def run(self, call: LabCall[T]) -> T:
        try:
            if self.generation != self.process.generation:  # restarted since: nothing to ask
                raise LabGone(f"lab process {self.process.index} was restarted", sent=False)
            result, status = self.process.request(self.lab_id, call)
        except LabGone as exc:
            exc.lab = self
            raise
        self.mirror(status)
        return result

    def close(self) -> None:
        with contextlib.suppress(LabCrash):
            self.process.request(self.lab_id, CloseLab())


# --- the lab process ---------------------------------------------------------------------


#: Pipes to each lab process, each used by one worker thread: while the process answers one
#: call, the next one is already waiting on another pipe, so the process never idles
#: between calls for the round trip through the server.
CHANNELS = 2
#: How long a new lab process may take to start answering (it imports the app and NumPy).
STARTUP_SECONDS = 60.0


# The calls a lab process answers besides a lab's own (`LabCall`): its labs' life, its own.


@dataclass(frozen=True)
class CreateLab:
    """Build a lab of this class; answered with its id in the process."""

    lab_class: type[Lab]


@dataclass(frozen=True)
class CloseLab:
    """Forget the lab (its workspace is gone for good)."""


@dataclass(frozen=True)
class StopProcess:
    """The server is stopping: the process returns."""


#: One request down a pipe: the lab's id in the process (0 for none), and the call.
Request = tuple[int, LabCall | CreateLab | CloseLab | StopProcess]


def answer(labs: dict[int, Lab], ids: Iterator[int], settings: Settings, request: Request) -> tuple:
    """Carry out one request in a lab process; the reply to send back."""
    lab_id, call = request
    lab = labs.get(lab_id)
    try:
        if isinstance(call, CreateLab):
            lab_id = next(ids)  # never reused: a closed lab's handle finds nothing
            lab = labs[lab_id] = call.lab_class(settings)
            result = lab_id
        elif isinstance(call, CloseLab):
            labs.pop(lab_id, None)
            result, lab = None, None
        elif lab is None:  # created in this process's predecessor
            return ("gone", "this lab is gone (its process was restarted)", lab_status(None))
        else:
            result = call.apply(lab)
        return ("ok", result, lab_status(lab))
    except LabError as exc:
        return ("lab_error", (exc.code, exc.message, exc.params), lab_status(lab))
    except Exception as exc:  # noqa: BLE001 - handed to the server, which logs it
        text = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        return ("crash", text, lab_status(None))


def warm_up(lab_class: type[Lab], settings: Settings) -> None:
    """Build a lab once and draw its first frame, then forget it: what it loads once per
    process (the digits, the modules its engine imports, NumPy's first calls) is then ready
    before a learner's first click, whose frame comes in milliseconds instead of seconds
    (docs/performance.md, first frame on a cold server)."""
    try:
        RenderFrame().apply(lab_class(settings))
    except Exception:  # noqa: BLE001 - a learner's own call will say what is wrong
        log.exception("warming up a lab failed", extra={"lab": lab_class.name})


def serve(conns: list[Connection], settings: Settings, warmed: Any = None) -> None:
    """A lab process: build labs, run operations on them, answer requests as they come.

    Given the event `warmed`, every lesson's lab is first warmed up (`warm_up`), one at a
    time whenever no request waits (a learner who comes early waits for one lab's warm-up
    at most), and `warmed` is set once all are (the server is ready then).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops us, not the terminal
    # Every lab's code now, not at a click
    lessons = importlib.import_module("neural_playground.app.labs")
    cold = list(lessons.LABS.values()) if warmed is not None else []
    if warmed is not None and not cold:
        warmed.set()
    labs: dict[int, Lab] = {}
    ids = itertools.count(1)
    ready = Readiness(conns)
    while True:
        waiting = ready.wait(0 if cold else None)
        if not waiting:  # nothing asked: warm the next lab
            warm_up(cold.pop(0), settings)
            if not cold:
                warmed.set()
            continue
        for conn in waiting:
            try:
                request = conn.recv()
            except (EOFError, OSError):
                return
            if isinstance(request[1], StopProcess):
                return
            conn.send(answer(labs, ids, settings, request))


class LabProcess:
    """One lab process and its pipes; each worker thread of this process uses its own pipe."""

    def __init__(self, settings: Settings, index: int) -> None:
        self.settings = settings
        self.index = index
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conns: list[Connection] = []
        self.free: list[Connection] = []
        self.lock = threading.Lock()
        self.restarting = threading.Lock()  # held from a death found until the new pipes exist
        self.mine = threading.local()  # this thread's pipe
        self.ready = False  # has answered since it started
        self.warmed: Any = None  # set once the process has warmed up (see serve)
        self.generation = 0  # counts starts: a lab belongs to the process's life it was made in

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a threaded server
        pairs = [context.Pipe() for _ in range(CHANNELS)]
        # Warm only at the server's start: a process started again after a crash serves
        # its learners' rebuilt labs at once.
        first = self.generation == 0
        self.warmed = context.Event()
        if not first:
            self.warmed.set()
        self.process = context.Process(
            target=serve,
            args=([child for _, child in pairs], self.settings, self.warmed if first else None),
            name=f"lab-process-{self.index}",
            daemon=True,
        )
        self.process.start()
        self.ready = False
        self.generation += 1
        for _, child in pairs:
            child.close()
        with self.lock:
            self.conns = [parent for parent, _ in pairs]
            self.free = list(self.conns)

    def pipe(self) -> Connection:
        """This thread's pipe to the process (a new one after a restart)."""
        conn = getattr(self.mine, "conn", None)
        if conn is None or conn not in self.conns:
            with self.restarting, self.lock:  # after a restart under way: its new pipes
                if not self.free:
                    raise LabCrash(f"more threads than pipes to lab process {self.index}")
                conn = self.mine.conn = self.free.pop()
        return conn

    def readiness(self, conn: Connection) -> Readiness:
        """This thread's waiter on its pipe `conn` (made again for a new pipe)."""
        ready = getattr(self.mine, "ready", None)
        if ready is None or ready.pipes[0] is not conn:
            ready = self.mine.ready = Readiness([conn])
        return ready

    def request(self, lab_id: int, call: LabCall | CreateLab | CloseLab) -> tuple[Any, tuple]:
        conn, process = self.pipe(), self.process
        try:
            conn.send((lab_id, call))
        except OSError as exc:  # dead before the call reached it
            self.restart(conn)
            raise LabGone(f"lab process {self.index} stopped: {exc}", sent=False) from None
        try:
            # A new process first imports the app and NumPy, and warms up every lab (a call
            # may wait behind one): give its answers longer until then.
            timeout = self.settings.lab_call_timeout_seconds
            started = self.ready and self.warmed.is_set()
            if not self.readiness(conn).wait(timeout if started else max(timeout, STARTUP_SECONDS)):
                # A lab stuck in a loop would hold this process's learners forever. Only the
                # process this call went to: a call that waited behind the stuck one on the
                # other pipe must not kill the process started in its place.
                with self.lock:
                    current = conn in self.conns
                if current:
                    log.error(
                        "lab call took too long; restarting its process",
                        extra={"op": type(call).__name__},
                    )
                    process.kill()
                raise EOFError("the call took too long")
            outcome, result, status = conn.recv()
            self.ready = True
        except (EOFError, OSError) as exc:  # the process died: start another for what follows
            self.restart(conn)
            raise LabGone(f"lab process {self.index} stopped: {exc}") from None
        if outcome == "gone":
            raise LabGone(result, sent=False)
        if outcome == "lab_error":
            code, message, params = result
            raise LabError(code, message, **params)
        if outcome == "crash":
            raise LabCrash(result)
        return result, status

    def restart(self, broken: Connection) -> None:
        with self.restarting:
            with self.lock:
                if broken not in self.conns:
                    return  # another thread has restarted it already
                log.error("lab process died; starting a new one", extra={"lab_process": self.index})
                for conn in self.conns:
                    with contextlib.suppress(OSError):
                        conn.close()
                self.conns = []
            if self.process is not None:
                self.process.join(timeout=1)
            self.start()

    def ask_to_stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(OSError):
                self.conns[0].send((0, StopProcess()))

    def stop(self) -> None:
        if self.process is None:
            return
        self.ask_to_stop()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)
        for conn in self.conns:
            conn.close()
        self.process = None


class LabHost:
    """Creates labs for lanes: in the lab process of the lane's home, or in this process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.processes = (
            [LabProcess(settings, k) for k in range(settings.lab_workers)]
            if settings.lab_processes
            else []
        )

    def start(self) -> None:
        for process in self.processes:
            process.start()

    def stop(self) -> None:
        for process in self.processes:  # all at once: one may be busy warming up a lab
            process.ask_to_stop()
        for process in self.processes:
            process.stop()

    def alive(self) -> bool:
        """Every lab process is running (one that died is being replaced: not ready yet)."""
        return all(p.process is not None and p.process.is_alive() for p in self.processes)

    def pids(self) -> list[int | None]:
        """Each lab process's id (None while it is not running), for /metrics."""
        return [p.process.pid if p.process is not None else None for p in self.processes]

    def warm(self) -> bool:
        """Every lab process has warmed up (built each lab once, see serve)."""
        return all(p.warmed is not None and p.warmed.is_set() for p in self.processes)

    def revive(self) -> None:
        """Start again every lab process found dead (its labs are rebuilt by their sessions)."""
        for process in self.processes:
            conns = process.conns
            if process.process is not None and not process.process.is_alive() and conns:
                process.restart(conns[0])

    def create(self, lab_class: type[Lab], home: int) -> LabHandle:
        """A new lab (call on a worker of `home`)."""
        if not self.processes:
            return LocalLab(lab_class(self.settings))
        process = self.processes[home]
        try:
            lab_id, _ = process.request(0, CreateLab(lab_class))
        except LabGone:  # found dead (and restarted): the new process makes it
            lab_id, _ = process.request(0, CreateLab(lab_class))
        return RemoteLab(process, lab_id, lab_class)
