"""What a learner keeps across reconnects: the lab, its lane, its training pace, its room.

A `Session` is one websocket; a `Workspace` is the work behind it. When the connection drops,
the workspace is parked for NP_RESUME_GRACE_SECONDS and a new session can take it back.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from app.rooms import Teacher
from app.ws.labhost import LabHandle
from app.ws.limits import TokenBucket
from app.ws.pool import LabPool, Lane


@dataclass
class TrainingCost:
    """Running averages of what one training step and one frame cost a worker, in seconds,
    and how many steps a frame may take while frames keep their pace."""

    step_seconds: float = 0.0
    frame_seconds: float = 0.0
    #: Halved when a frame came late, grown by one when it was on time: the way TCP finds
    #: what a network can carry, this finds what the server can train without slowing frames,
    #: whatever else (other learners, other programs) is using the machine.
    allowance: float = float("inf")

    def pace(self, late: bool, wanted: int) -> None:
        if late:
            self.allowance = max(1.0, min(self.allowance, wanted) / 2)
        else:
            self.allowance = min(float(wanted), self.allowance + 1)

    @staticmethod
    def blend(old: float, new: float) -> float:
        return new if old == 0.0 else 0.7 * old + 0.3 * new

    def record(self, train_seconds: float, steps: int, frame_seconds: float | None) -> None:
        if steps > 0:
            self.step_seconds = self.blend(self.step_seconds, train_seconds / steps)
        if frame_seconds is not None:
            self.frame_seconds = self.blend(self.frame_seconds, frame_seconds)


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

    def make_teacher(self, pool: LabPool) -> Teacher:
        """This workspace as a room's teacher, for the hub (which may take the room away)."""
        lab = self.lab

        async def snapshot() -> dict:
            return await pool.run(self.lane, lambda: lab.snapshot().model_dump(mode="json"))

        def revoked() -> None:
            if self.teacher is teacher:
                code, self.room, self.teacher = self.room, None, None
                if self.on_revoked is not None and code is not None:
                    self.on_revoked(code)

        teacher = Teacher(snapshot=snapshot, revoked=revoked)
        return teacher
