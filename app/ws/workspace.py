"""What a learner keeps across reconnects: the lab, its lane, its training pace, its room.

A `Session` is one websocket; a `Workspace` is the work behind it. When the connection drops,
the workspace is parked for NP_RESUME_GRACE_SECONDS and a new session can take it back.
"""

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel

from neural_playground.app.labrun.labhost import LabHandle
from neural_playground.app.labrun.pool import LabPool, Lane
from neural_playground.app.rooms import Teacher
from neural_playground.app.ws.limits import TokenBucket


@dataclass
class TrainingCost:
    """Running averages of what one training step and one frame cost a worker, in seconds,
    how many steps a frame may take while frames keep their pace, and how often a frame may
    carry its maps in a full room."""

    step_seconds: float = 0.0
    frame_seconds: float = 0.0  # a whole frame (with the maps, for labs that have them)
    light_seconds: float = 0.0  # a light frame (the `LIGHT` parts: maps, metrics stale)
    #: Halved when a frame came late, grown by one when it was on time: the way TCP finds
    #: what a network can carry, this finds what the server can train without slowing frames,
    #: whatever else (other learners, other programs) is using the machine.
    allowance: float = float("inf")
    lights: int = 0  # light frames sent since the last whole one
    whole_at: float = 0.0  # time.monotonic() of the last whole frame

    def pace(self, late: bool, wanted: int) -> None:
        if late:
            self.allowance = max(1.0, min(self.allowance, wanted) / 2)
        else:
            self.allowance = min(float(wanted), self.allowance + 1)

    @staticmethod
    def blend(old: float, new: float) -> float:
        return new if old == 0.0 else 0.7 * old + 0.3 * new

    def record(
        self, train_seconds: float, steps: int, frame_seconds: float | None, light: bool = False
    ) -> None:
        if steps > 0:
            self.step_seconds = self.blend(self.step_seconds, train_seconds / steps)
        if frame_seconds is None:
            return
        if light:
            self.light_seconds = self.blend(self.light_seconds, frame_seconds)
            self.lights += 1
        else:
            self.frame_seconds = self.blend(self.frame_seconds, frame_seconds)
            self.lights = 0
            self.whole_at = time.monotonic()

    def whole_every(self, share: float) -> float:
        """k: one whole frame and k - 1 light ones (each with at least one step) fit in k
        shares of a worker, `share` seconds each; 1 when whole frames fit, infinite when
        not even light ones do."""
        if self.frame_seconds + self.step_seconds <= share:
            return 1
        spare = share - self.light_seconds - self.step_seconds
        if spare <= 0:
            return math.inf
        return math.ceil((self.frame_seconds - self.light_seconds) / spare)


@dataclass(eq=False)
class Workspace:
    lab: LabHandle
    steps: TokenBucket  # training steps this learner may still run (NP_MAX_STEPS_PER_SECOND)
    lane: Lane = field(default_factory=Lane)
    steps_per_frame: int = 1
    playing: bool = False  # whether it was training when its connection dropped
    cost: TrainingCost = field(default_factory=TrainingCost)
    room: str | None = None  # the code of the room this workspace teaches
    teacher: Teacher | None = None
    #: Told the room code when another session took the room over (set by the live session).
    on_revoked: Callable[[str], None] | None = None
    #: The lab's last checkpoint (its `State`), kept here, outside the lab process, to
    #: rebuild the lab from if that process dies; None: rebuild from the start state.
    saved: BaseModel | None = None
    saved_at: float = 0.0  # time.monotonic() of the checkpoint
    #: Its changes (edits, training) so far, and how many of them its checkpoint holds.
    #: Counted rather than flagged: a snapshot still on its way from the lab process (or
    #: lost with it) must not pass for a checkpoint, and a change made meanwhile stays due.
    changes: int = 0
    saved_changes: int = 0
    #: Held while its lab is rebuilt, so that two calls that both found it gone rebuild once.
    rebuilding: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def dirty(self) -> bool:
        """Changed since its checkpoint: due for a new one."""
        return self.changes != self.saved_changes

    def changed(self) -> None:
        self.changes += 1

    def keep(self, state: BaseModel, changes: int | None = None) -> None:
        """`state` is the lab's state as of its first `changes` (all so far by default): its
        checkpoint, unless it already has a later one (snapshots may come back out of order)."""
        changes = self.changes if changes is None else changes
        if changes < self.saved_changes:
            return
        self.saved, self.saved_at, self.saved_changes = state, time.monotonic(), changes

    def make_teacher(self, pool: LabPool, client: str = "") -> Teacher:
        """This workspace as a room's teacher, for the hub (which may take the room away)."""

        async def snapshot() -> dict:
            lab = self.lab  # now: a lab rebuilt after its process died replaces the old one
            return await pool.run(self.lane, lambda: lab.snapshot().model_dump(mode="json"))

        def revoked() -> None:
            if self.teacher is teacher:
                code, self.room, self.teacher = self.room, None, None
                if self.on_revoked is not None and code is not None:
                    self.on_revoked(code)

        teacher = Teacher(snapshot=snapshot, revoked=revoked, client=client)
        return teacher
