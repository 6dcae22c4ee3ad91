"""Everything one running server shares between its connections, and its start and stop.

`create_app` builds one `Runtime`: the labs it serves, the lab workers (`LabPool`), the open
and parked sessions, the teacher rooms, and the metrics. Its `lifespan` starts the workers
and the background tasks (event-loop watch, expiry of parked sessions and empty rooms).
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Mapping

from fastapi import FastAPI, WebSocket

from neural_playground.app.aio import cancel_quietly
from neural_playground.app.drain import Drain
from neural_playground.app.labrun.labhost import CHANNELS, LabHost
from neural_playground.app.labrun.pool import LabPool
from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.common.saved_state import read_state
from neural_playground.app.metrics import Metrics, watch_event_loop
from neural_playground.app.protocol import LabError
from neural_playground.app.rooms import make_hub
from neural_playground.app.settings import Settings
from neural_playground.app.shared_counts import SharedCount
from neural_playground.app.ws.limits import GuessThrottle, TokenBucket
from neural_playground.app.ws.registry import SessionRegistry
from neural_playground.app.ws.resume_store import ResumeStore
from neural_playground.app.ws.session import Session
from neural_playground.app.ws.workspace import Workspace

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 1.0


class Runtime:
    def __init__(self, settings: Settings, labs: Mapping[str, type[Lab]]) -> None:
        self.settings = settings
        self.labs = dict(labs)
        self.metrics = m = Metrics()
        threads = CHANNELS if settings.lab_processes else 1
        self.pool = LabPool(settings.lab_workers, threads, on_call=m.lab_call.observe)
        self.host = LabHost(settings)
        self.sessions = SessionRegistry(settings.max_sessions, settings.resume_grace_seconds)
        self.rooms = make_hub(settings)
        # Wrong room codes: per client address (join form and websockets), per session.
        refill = settings.room_guess_refill_seconds
        self.room_guesses = GuessThrottle(settings.room_guess_burst, refill)
        self.room_guesses_by_session = GuessThrottle(settings.room_guess_session_burst, refill)
        self.resume_store = ResumeStore(
            settings.redis_url, settings.resume_grace_seconds, settings.redis_timeout_seconds
        )
        #: NP_MAX_SESSIONS over every replica, when they share a Redis.
        self.session_count = (
            SharedCount(
                self.resume_store.redis,
                "sessions",
                lambda: len(self.sessions) + self.sessions.claimed,
                settings.redis_timeout_seconds,
            )
            if self.resume_store.redis is not None
            else None
        )
        self.tasks: list[asyncio.Task] = []
        #: Set on SIGTERM (app/drain.py): no new sessions, /readyz says 503.
        self.draining = False
        self.drainer = Drain(self)
        m.watch(m.sessions, lambda: len(self.sessions))
        m.watch(m.parked, lambda: len(self.sessions.parked))
        m.watch(m.playing, lambda: self.pool.players)
        m.watch(m.queue, lambda: self.pool.queued)
        m.watch(m.rooms, lambda: self.rooms.room_count())
        m.watch(m.followers, lambda: self.rooms.follower_count())
        m.lab_pids = self.host.pids

    @contextlib.asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        self.host.start()
        self.pool.start()
        await self.rooms.start()
        self.tasks = [
            asyncio.create_task(watch_event_loop(self.metrics), name="event-loop-watch"),
            asyncio.create_task(self.housekeeping(), name="housekeeping"),
            asyncio.create_task(self.checkpoints(), name="checkpoints"),
        ]
        self.drainer.install()
        if self.session_count is not None:
            self.tasks.append(asyncio.create_task(self.session_count.run(), name="session-count"))
        try:
            yield
        finally:
            self.drainer.uninstall()
            for task in self.tasks:
                await cancel_quietly(task)
            await self.rooms.stop()
            if self.session_count is not None:
                await self.session_count.forget()
            await self.resume_store.close()
            self.pool.stop()
            self.host.stop()

    async def readiness(self) -> dict[str, str]:
        """What /readyz checks: each "ok", "off" (not configured) or what is wrong."""
        redis = "off"
        if self.resume_store.redis is not None:
            timeout = self.settings.redis_timeout_seconds
            redis = "ok" if await self.resume_store.reachable(timeout) else "unreachable"
        labs = "off"
        if self.host.processes:
            # Ready once each lab process has built every lab once (labhost.serve).
            labs = ("ok" if self.host.warm() else "warming") if self.host.alive() else "down"
        return {
            "accepting": "draining" if self.draining else "ok",
            "lab_processes": labs,
            "redis": redis,
        }

    async def drain(self) -> int:
        """SIGTERM (app/drain.py): take no new sessions, and move every open one out (its
        work left where another replica takes it back, then closed with 1012). Sessions
        still being made meanwhile are moved once registered. How many were moved."""
        self.draining = True
        moved: set[Session] = set()
        while True:
            staying = [s for s in self.sessions.sessions.values() if s not in moved]
            if not staying and not self.sessions.claimed:
                return len(moved)
            moved.update(staying)
            await asyncio.gather(*(s.departure.move_out() for s in staying), return_exceptions=True)
            if not staying:
                await asyncio.sleep(0.05)  # a session being made: wait for it

    async def housekeeping(self) -> None:
        while True:
            await asyncio.sleep(HOUSEKEEPING_SECONDS)
            try:
                # A lab process that died while nobody called it would stay dead (and this
                # replica unready) until a learner's call found it: start it again now.
                if not self.host.alive():
                    await asyncio.to_thread(self.host.revive)
                for workspace in self.sessions.expire():
                    await self.drop(workspace)
                await self.rooms.reap()
            except Exception:  # noqa: BLE001 - keep cleaning up next time round
                log.exception("housekeeping failed")

    # --- checkpoints ----------------------------------------------------------------------

    async def checkpoints(self) -> None:
        """Every NP_CHECKPOINT_SECONDS, copy each changed live lab's state out of its lab
        process (a background call on its lane, between training bursts): kept in its
        workspace to rebuild a lab whose process died, and in Redis for a reconnect after
        this replica crashed."""
        period = min(HOUSEKEEPING_SECONDS, self.settings.checkpoint_seconds)
        while True:
            await asyncio.sleep(period)
            now = time.monotonic()
            due = [s for s in list(self.sessions.sessions.values()) if self.checkpoint_due(s, now)]
            await asyncio.gather(*(self.checkpoint(s) for s in due), return_exceptions=True)

    def checkpoint_due(self, session: Session, now: float) -> bool:
        workspace = session.workspace
        age = now - workspace.saved_at
        if workspace.dirty:
            return age >= self.settings.checkpoint_seconds
        # Unchanged: only Redis's copy needs renewing before it expires (after the grace).
        return self.resume_store.redis is not None and age >= self.settings.resume_grace_seconds / 2

    async def checkpoint(self, session: Session) -> None:
        workspace = session.workspace
        lab = workspace.lab
        if workspace.dirty or workspace.saved is None:
            changes = workspace.changes  # first: a change made during the snapshot stays due
            try:
                state = await self.pool.run(workspace.lane, lab.snapshot, False)
            except Exception:  # noqa: BLE001 - a lab gone is rebuilt by its session's next call
                return
            if workspace.lab is not lab:  # rebuilt meanwhile: this state is not its lab's
                return
            workspace.keep(state, changes)
        else:
            workspace.saved_at = time.monotonic()
        live = self.sessions.sessions.get(session.id) is session  # not closed meanwhile
        if self.resume_store.redis is not None and live:
            await self.resume_store.put(
                session.resume_token,
                session.lab_name,
                workspace.saved.model_dump(mode="json"),
                session.player.running,
            )

    async def rebuild_lab(self, workspace: Workspace) -> bool:
        """A new lab for a workspace whose lab process died, in the process started in its
        place: from its checkpoint (True), or its start state when it has none or the
        checkpoint no longer fits (False)."""
        lab_class, lane = workspace.lab.lab_class, workspace.lane
        lab = await self.pool.run(lane, lambda: self.host.create(lab_class, lane.home))
        saved, restored = workspace.saved, False
        if saved is not None:
            try:
                await self.pool.run(lane, lambda: lab.restore(saved))
                restored = True
            except LabError:
                workspace.saved = None
        workspace.lab = lab
        workspace.saved_changes = workspace.changes  # its checkpoint, or its start state
        return restored

    # --- sessions -------------------------------------------------------------------------

    async def new_workspace(self, lab_class: type[Lab]) -> Workspace:
        """A fresh lab, built on a worker (some labs make data sets when they start)."""
        lane = self.pool.new_lane()
        lab = await self.pool.run(lane, lambda: self.host.create(lab_class, lane.home))
        s = self.settings
        steps = TokenBucket(
            s.max_steps_per_second, max(s.max_steps_per_second, s.max_steps_per_request)
        )
        return Workspace(lab=lab, steps=steps, lane=lane)

    async def claim_session(self) -> bool:
        """A slot for a new connection: on this replica (atomic on the event loop), then,
        with Redis, among every replica's sessions (atomic in Redis). Given back by
        `open_session` (or `unclaim_session` if the connection never gets that far)."""
        if not self.sessions.claim_slot():
            return False
        if self.session_count is None or await self.session_count.claim(self.settings.max_sessions):
            return True
        self.sessions.release_slot()
        return False

    async def full(self) -> bool:
        """No room for another session: the same count as `claim_session`'s (every replica's,
        with Redis), so that the "server full" page and the websocket cap agree."""
        if self.sessions.full:
            return True
        if self.session_count is None:
            return False
        total = await self.session_count.total()  # None: Redis away, this replica decides
        return total is not None and total >= self.settings.max_sessions

    async def unclaim_session(self) -> None:
        self.sessions.release_slot()
        if self.session_count is not None:
            await self.session_count.release()

    async def open_session(self, websocket: WebSocket, lab_class: type[Lab]) -> Session:
        """A session in the slot its connection claimed (`claim_session`)."""
        try:
            session = Session(websocket, await self.new_workspace(lab_class), self)
        except BaseException:
            await self.unclaim_session()
            raise
        self.sessions.add(session)
        self.sessions.release_slot()  # registered: counted as open now
        return session

    async def close_session(self, session: Session) -> None:
        """The connection is gone: park its workspace for a resume, or let it go.

        Shielded by the caller: a server may cancel a finished connection's task, and this
        must still run to the end.
        """
        parked = self.sessions.closing[session.resume_token] = asyncio.Event()
        self.sessions.remove(session)
        if self.session_count is not None:
            await self.session_count.release()
        try:
            await self.park(session)
        finally:
            if self.sessions.closing.get(session.resume_token) is parked:
                del self.sessions.closing[session.resume_token]
            parked.set()

    async def park(self, session: Session) -> None:
        """Keep a closed session's workspace for NP_RESUME_GRACE_SECONDS (see close_session)."""
        await session.departure.finish()
        if session.departure.handed_over:
            return
        workspace = session.detach()
        if session.departure.moved:  # its work is in the resume store or the page (drain): not here
            await self.release(workspace)
            return
        if self.settings.resume_grace_seconds <= 0:
            await self.drop(workspace)
            return
        if workspace.dirty or self.resume_store.redis is not None:
            # Its last state, kept outside the lab process while parked (a parked lab whose
            # process dies is rebuilt from it), and for a reconnect on another replica. Still
            # dirty while a checkpoint's snapshot is on its way: this one does not wait for it.
            with contextlib.suppress(Exception):
                changes = workspace.changes
                state = await self.pool.run(workspace.lane, workspace.lab.snapshot)
                workspace.keep(state, changes)
                await self.resume_store.put(
                    session.resume_token,
                    session.lab_name,
                    state.model_dump(mode="json"),
                    workspace.playing,
                )
        token, lab = session.resume_token, session.lab_name
        for evicted in self.sessions.park(token, lab, workspace, session.client):
            await self.drop(evicted)

    async def claim(self, token: str, lab: str, claimant: Session) -> Workspace | None:
        """The workspace behind a resume token: parked here, taken from a half-open session
        here, or rebuilt from the state another replica left in Redis."""
        closing = self.sessions.closing.get(token)
        if closing is not None:  # its old connection is still being parked: wait for it
            await closing.wait()
        workspace = self.sessions.take_parked(token, lab)
        if workspace is not None:
            await self.resume_store.drop(token)
            return workspace
        holder = self.sessions.live(token)
        if holder is not None and holder is not claimant and holder.lab_name == lab:
            await self.resume_store.drop(token)  # its checkpoint: the token is used up
            return await holder.departure.hand_over()
        stored = await self.resume_store.take(token, lab)
        if stored is None or lab not in self.labs:
            return None
        data, playing = stored
        lab_class = self.labs[lab]
        workspace = await self.new_workspace(lab_class)
        try:
            state = read_state(lab_class.State, data, self.settings.max_abs_value)
            await self.pool.run(workspace.lane, lambda: workspace.lab.restore(state))
        except LabError:
            await self.drop(workspace)
            return None
        workspace.keep(state)
        workspace.playing = playing
        return workspace

    async def release(self, workspace: Workspace) -> None:
        """Let go of what a workspace holds outside itself: a room it taught waits for a new
        teacher (one with the key) until NP_ROOM_IDLE_SECONDS."""
        if workspace.room is not None and workspace.teacher is not None:
            with contextlib.suppress(Exception):
                await self.rooms.leave(workspace.room, workspace.teacher)
        workspace.room = workspace.teacher = None

    async def drop(self, workspace: Workspace) -> None:
        """A workspace nobody will come back for: its room closes and its lab goes.

        Its room closes now rather than waiting NP_ROOM_IDLE_SECONDS for a teacher with the
        key: the teacher's tab has been gone for the whole resume grace, and a room nobody
        teaches must not hold one of the few room slots (connections that open a room and
        hang up could otherwise fill every slot and lock every teacher out).
        """
        if workspace.room is not None and workspace.teacher is not None:
            with contextlib.suppress(Exception):
                await self.rooms.close(workspace.room, workspace.teacher)
        await self.release(workspace)
        with contextlib.suppress(Exception):
            await self.pool.run(workspace.lane, workspace.lab.close)
