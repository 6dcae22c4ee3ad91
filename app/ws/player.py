"""A session's training: `step` requests, and the play loop with its pacing.

The loop trains a burst on a lab worker, sends one frame, and waits until the next one is due.
How big a burst, and whether the frame is a cheap one (`Parts` with stale maps and metrics),
is `FairShare`'s call: pure arithmetic on the pool's size, the number of playing sessions and
what a step and a frame cost this lab (`TrainingCost`), so that in a full room training slows
down before frames do. Which parts a frame brings otherwise is the session's (`PageRecord`).
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.websockets import WebSocketDisconnect

from neural_playground.app.aio import cancel_quietly
from neural_playground.app.labrun.labhost import LabGone
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from neural_playground.app.ws import protocol as p
from neural_playground.app.ws.limits import max_steps_per_frame
from neural_playground.app.ws.workspace import TrainingCost

if TYPE_CHECKING:
    from neural_playground.app.ws.session import Session

log = logging.getLogger(__name__)

#: A frame that starts this many frame periods after the one before is late.
LATE = 1.25
#: Longest a worker spends on one slice of a `step` request before others get their turn.
SLICE_SECONDS = 0.02
#: In a full room, a playing session's maps are refreshed at least this often.
WHOLE_FRAME_SECONDS = 1.0


@dataclass(frozen=True)
class FairShare:
    """The pacing policy of one playing session, when `players` sessions play on `workers`.

    With a worker to spare, the learner's speed is kept exactly (and a lab trains the same
    whatever else the machine is doing). When more sessions play than there are workers,
    each gets `workers / (players × fps)` seconds of a worker per frame: its burst is what
    fits in that after its frame's own cost, and when not even a whole frame fits, most of
    its frames are light ones (the numbers without the maps).
    """

    workers: int
    players: int
    frames_per_second: float

    @property
    def crowded(self) -> bool:
        return self.players > self.workers

    @property
    def seconds(self) -> float:
        """Seconds of a worker per frame that are this session's when every player gets
        the same (meaningful when `crowded`)."""
        return self.workers / (max(1, self.players) * self.frames_per_second)

    def burst(self, wanted: int, cost: TrainingCost, light: bool = False) -> int:
        """Steps for the next frame (cheap if `light`; its cost comes out of the share): the
        learner's `wanted` steps, within the pace frames keep (`TrainingCost.pace`) and the
        share when crowded; at least one."""
        if self.crowded:
            wanted = int(min(wanted, cost.allowance))
            if cost.step_seconds > 0:
                framing = cost.light_seconds if light else cost.frame_seconds
                affordable = int((self.seconds - framing) / cost.step_seconds)
                wanted = min(wanted, affordable)
        return max(1, wanted)

    def light(self, teaching: bool, cost: TrainingCost, now: float, draws: bool = False) -> bool:
        """Whether the next frame while playing is a cheap one. Crowded, and a whole frame
        not fitting the share: cheap frames, with a whole one as often as the share affords
        (`TrainingCost.whole_every`) and at least every WHOLE_FRAME_SECONDS (`now` is
        `time.monotonic()`). Crowded and the page `draws` its maps from the weights (which
        every frame carries): cheap frames too, since all they leave stale is the metrics,
        which the lab then measures every other frame (`PlaygroundLab.play`). Never while
        `teaching`: a student who skipped a frame is sent a whole one."""
        if teaching or not self.crowded:
            return False
        if now - cost.whole_at >= WHOLE_FRAME_SECONDS:
            return False
        return draws or cost.lights + 1 < cost.whole_every(self.seconds)


def frame_rate(settings: Settings, workers: int, players: int) -> float:
    """Frames a second each playing session gets: NP_FRAMES_PER_SECOND while there is a
    worker each; in a crowd (more sessions play than there are workers) at most
    NP_CROWDED_FRAMES_PER_SECOND (what the eye still follows) and the room's share of
    NP_CROWDED_FRAME_BUDGET, so the rate falls as the room grows (2,100 over 200 learners:
    10.5) and each frame's share of the workers goes to a larger burst of training."""
    s = settings
    if players <= workers:
        return s.frames_per_second
    return min(s.frames_per_second, s.crowded_frames_per_second, s.crowded_frame_budget / players)


def next_frame_at(scheduled: float, period: float, now: float) -> float:
    """When the frame after the one `scheduled` (time.monotonic()) is due: one `period`
    later, so the time a frame takes and the sleep's own delay come out of the wait and the
    loop keeps its rate (sleeping a period after the work fell 5 % short of it); a loop that
    fell behind by more than a period (a slow machine) starts afresh from `now` instead of
    sending a rush of frames to catch up."""
    return max(scheduled + period, now - period)


class Player:
    """Trains its session's lab: `step` requests now, and play/pause/speed of the loop."""

    #: The commands it carries out (the session's `dispatch` hands them here).
    COMMANDS = (p.Play, p.Pause, p.Step, p.SetSpeed)

    def __init__(self, session: "Session") -> None:
        self.session = session
        self.task: asyncio.Task | None = None  # the play loop
        #: The rest of a long `step` request, trained a slice at a time while the session
        #: reads on (a `pause` or `ping` is answered between slices), and its steps to go.
        self.stepping: asyncio.Task | None = None
        self.step_steps = 0

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    @property
    def settings(self) -> Settings:
        return self.session.runtime.settings

    def require_trainable(self) -> None:
        if not self.session.lab.trainable:
            raise LabError("not_trainable", "This page has nothing to train.")

    # --- what the learner asks ----------------------------------------------------------

    async def handle(self, command: p.Play | p.Pause | p.Step | p.SetSpeed) -> None:
        match command:
            case p.Play():
                await self.play()
            case p.Pause():
                await self.pause()
            case p.Step(steps=steps):
                await self.step(steps)
            case p.SetSpeed(steps_per_frame=n):
                await self.set_speed(n)

    async def play(self) -> None:
        self.require_trainable()
        await self.start()
        await self.session.send_status()

    async def pause(self) -> None:
        await self.stop()
        await self.session.send_status()

    async def set_speed(self, steps_per_frame: int) -> None:
        self.session.workspace.steps_per_frame = min(
            steps_per_frame, max_steps_per_frame(self.settings)
        )
        await self.session.send_status()

    def steps_per_request(self) -> int:
        """This lab's cap on one request's steps (the RNN page's is lower)."""
        return self.session.lab.lab_class.steps_per_request(self.settings)

    async def step(self, asked: int) -> None:
        """Train `asked` steps (at most the lab's cap), then send one frame and a status.
        It trains in slices on its own task, `stepping`, so the session reads on: a pause
        is answered at once and stops it (the slice under way is its last), and the
        commands after it wait their turn without holding up the reading (the session's
        backlog)."""
        self.require_trainable()
        asked = min(asked, self.steps_per_request())
        granted = self.session.workspace.steps.take(asked)
        if granted == 0:
            raise self.step_limit_error()
        self.step_steps = granted
        self.stepping = asyncio.create_task(
            self.step_on(granted < asked), name=f"step-{self.session.id}"
        )

    async def step_finished(self) -> None:
        """Wait for the rest of a long `step` request, if one is training (without
        cancelling it when this waiter is)."""
        if self.stepping is not None and not self.stepping.done():
            await asyncio.wait([self.stepping])

    async def step_slice(self) -> bool:
        """One slice of the `step` request; True when it is done (its frame was sent)."""
        n = min(self.slice_steps(), self.step_steps)
        self.step_steps -= n
        return await self.train_slice(n, self.step_steps == 0, True)

    async def step_on(self, limited: bool) -> None:
        """The `step` request's slices, its frame and status (and `step_limit` when the
        steps-per-second budget granted fewer steps than asked)."""
        try:
            while not await self.step_slice():
                pass
            await self.session.send_status()
            if limited:
                error = self.step_limit_error()
                await self.session.reject(error.code, error.message, **error.params)
        except WebSocketDisconnect:
            return  # the receive loop sees the close and cleans up
        except Exception as exc:  # noqa: BLE001 - told to the page
            self.step_steps = 0
            await self.training_failed(exc)
            await self.session.send_status()

    def step_limit_error(self) -> LabError:
        rate = self.settings.max_steps_per_second
        return LabError(
            "step_limit",
            f"This server trains at most {rate:g} steps a second per learner. Wait a moment.",
            limit=rate,
        )

    # --- pacing -------------------------------------------------------------------------

    def frames_per_second(self) -> float:
        """The frame cap (`frame_rate`) for this session's room."""
        pool = self.session.runtime.pool
        return frame_rate(self.settings, pool.workers, pool.players)

    def fair_share(self) -> FairShare:
        pool = self.session.runtime.pool
        return FairShare(pool.workers, pool.players, self.frames_per_second())

    def wanted_steps(self) -> int:
        return min(
            self.session.workspace.steps_per_frame,
            max_steps_per_frame(self.settings),
            self.steps_per_request(),
        )

    def steps_for_next_frame(self, light: bool = False) -> int:
        """The fair burst (`FairShare.burst`) for the next frame (cheap if `light`), taken
        from the learner's steps-per-second budget (0 when it is spent)."""
        workspace = self.session.workspace
        return workspace.steps.take(
            self.fair_share().burst(self.wanted_steps(), workspace.cost, light)
        )

    def light_frame(self) -> bool:
        """Whether the play loop's next frame is a cheap one (`FairShare.light`)."""
        session = self.session
        teaching = session.workspace.room is not None
        draws = "maps" in session.page.draws
        return self.fair_share().light(teaching, session.workspace.cost, time.monotonic(), draws)

    def edit_is_light(self) -> bool:
        """An edit's frame: cheap too while the play loop sends cheap frames (the lab still
        puts in the maps that the edit itself changed)."""
        return self.running and self.light_frame()

    # --- training -----------------------------------------------------------------------

    def slice_steps(self) -> int:
        """Steps in one slice of training: at most a frame's (and the lab's cap on a
        request), and once a step's cost is measured, about SLICE_SECONDS of work."""
        chunk = min(max_steps_per_frame(self.settings), self.steps_per_request())
        cost = self.session.workspace.cost
        if cost.step_seconds > 0:
            chunk = min(chunk, int(SLICE_SECONDS / cost.step_seconds))
        return max(1, chunk)

    async def train_and_send(
        self, steps: int, interactive: bool = True, light: bool = False
    ) -> None:
        """Train `steps` steps in slices (`slice_steps`), then send one frame (cheap if
        `light`). Between slices, other learners' calls take their turn. Not `interactive`:
        a burst of the play loop."""
        while steps > 0:
            n = min(self.slice_steps(), steps)
            steps -= n
            if await self.train_slice(n, steps == 0, interactive, light):
                return

    async def train_slice(self, n: int, last: bool, interactive: bool, light: bool = False) -> bool:
        """Train `n` steps on a worker; send the frame when `last`, or when the lab stopped
        early (diverged, finished): True when a frame was sent (the training is over)."""
        session = self.session
        workspace = session.workspace
        lab, cost, pool = workspace.lab, workspace.cost, session.runtime.pool
        playing = not interactive
        framing = session.framing(light)

        def train() -> str | None:
            text, trained, framed = lab.train(n, framing if last else None, playing)
            cost.record(trained, n, framed if last else None, light)
            return text

        workspace.changed()  # due for a checkpoint
        text = await pool.run(workspace.lane, train, interactive)
        session.metrics.steps.labels(session.lab_name).inc(n)
        if text is None and (lab.diverged or lab.finished):  # stopped early: show where
            text = await pool.run(workspace.lane, lambda: lab.frame(framing), interactive)
        if text is None:
            return False
        await session.send_frame_text(text)
        return True

    async def training_failed(self, exc: Exception) -> None:
        """Tell the page why training (the loop, or a long step) stopped."""
        session = self.session
        if isinstance(exc, LabGone):  # its process died: rebuilt and shown
            await session.recovery.recover(exc.lab)
        elif isinstance(exc, LabError):
            await session.send_error(exc.code, exc.message, **exc.params)
        elif not session.connected:
            raise exc
        else:
            log.error("training failed", exc_info=exc)
            await session.send_error(*p.INTERNAL_ERROR)

    # --- the loop -----------------------------------------------------------------------

    async def start(self) -> None:
        if not self.running:
            session = self.session
            await session.call_lab(session.lab.clear_stop)
            self.task = asyncio.create_task(self.loop(), name=f"play-{session.id}")

    async def stop(self) -> None:
        """Stop playing, and the rest of a long `step` request."""
        await cancel_quietly(self.task)
        await cancel_quietly(self.stepping)
        self.task = self.stepping = None
        self.step_steps = 0

    async def loop(self) -> None:
        """Train and stream until paused, diverged, finished or disconnected, at most `fps`
        frames a second (fewer when the lab asks for a slower pace: slow motion)."""
        session = self.session
        pool = session.runtime.pool
        pool.players += 1
        previous = None
        due = time.monotonic()  # when the next frame is due
        try:
            while True:
                period = max(1.0 / self.frames_per_second(), session.lab.play_period)
                started = time.monotonic()
                if previous is not None:  # a frame is late when the last one took too long
                    late = started - previous > LATE * period
                    session.workspace.cost.pace(late, self.wanted_steps())
                previous = started
                try:
                    light = self.light_frame()
                    steps = self.steps_for_next_frame(light)
                    if steps == 0:  # over the steps-per-second budget: wait for it to refill
                        await asyncio.sleep(session.workspace.steps.seconds_until(1))
                        due = time.monotonic()
                        continue
                    await self.train_and_send(steps, False, light)
                except WebSocketDisconnect:
                    return  # the receive loop sees the close and cleans up
                except LabGone as exc:  # its process died: rebuilt, shown (status too)
                    await self.training_failed(exc)
                    return
                except Exception as exc:  # noqa: BLE001 - told to the page
                    await self.training_failed(exc)
                    break
                if session.lab.diverged:
                    await session.send_error(
                        "diverged",
                        "Training diverged: a loss or weight grew without bound. Reset to go on.",
                    )
                    break
                if session.lab.finished:  # the lab stopped on its own; its frame says why
                    break
                due = next_frame_at(due, period, time.monotonic())
                await asyncio.sleep(max(0.0, due - time.monotonic()))
        finally:
            pool.players -= 1
        # Still inside the task, so `running` would read True: say "stopped" explicitly.
        await session.send_status(running=False)
