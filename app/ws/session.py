"""One websocket session: a browser tab, the workspace it drives, and the loop that streams frames.

Receiving, validating and answering happen on the event loop; every call into the lab (and
the JSON encoding of its frames) runs on the server's lab workers (`app.labrun.pool`), in the
order the learner sent them, so a long training burst never stalls other sessions.

A session may also *teach* a room (its frames and statuses are published to followers) or
*follow* one (its screen shows the teacher's frames; its own lab waits, untouched).
"""

import asyncio
import contextlib
import logging
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ValidationError
from starlette.websockets import WebSocketState

from app.aio import cancel_quietly
from app.labrun.labhost import FrameKind, LabHandle
from app.logs import session_id
from app.protocol import LabError, describe_validation_error
from app.rooms import Mailbox, RoomError, normalize_code
from app.rooms import frames as room_frames
from app.rooms.hub import END, FRAME
from app.ws import protocol as p
from app.ws.limits import TokenBucket
from app.ws.workspace import Workspace

if TYPE_CHECKING:
    from app.runtime import Runtime

log = logging.getLogger(__name__)

# Close codes (RFC 6455 and the registry): 1008 policy violation, 1013 try again later;
# 4000 (private range): this session's work continues in another connection.
CLOSE_IDLE = 1000
CLOSE_POLICY = 1008
CLOSE_FULL = 1013
CLOSE_REPLACED = 4000

#: What a student may still send while following a room: everything else would change
#: their own lab behind a screen that shows the teacher's.
FOLLOWER_COMMANDS = (p.Ping, p.GetState, p.Follow, p.Unfollow, p.Fork, p.Resume)
#: A frame that starts this many frame periods after the one before is late.
LATE = 1.25
#: Longest a worker spends on one slice of a `step` request before others get their turn.
SLICE_SECONDS = 0.02
#: In a full room, a playing session's maps are refreshed at least this often.
WHOLE_FRAME_SECONDS = 1.0
INTERNAL_ERROR = ("internal_error", "Something went wrong on the server; the page still works.")


@dataclass(eq=False)
class Following:
    code: str
    lab: str
    mailbox: Mailbox
    forwarder: asyncio.Task | None = None


class Session:
    def __init__(self, websocket: WebSocket, workspace: Workspace, runtime: "Runtime") -> None:
        self.ws = websocket
        self.runtime = runtime
        self.settings = runtime.settings
        self.metrics = runtime.metrics
        self.id = secrets.token_urlsafe(8)
        self.resume_token = secrets.token_urlsafe(16)  # a secret: never logged
        self.send_lock = asyncio.Lock()  # frames and answers never interleave on the wire
        self.limiter = TokenBucket(self.settings.max_messages_per_second)
        self.player: asyncio.Task | None = None
        self.following: Following | None = None
        self.handed_over = False  # its workspace was resumed by another connection
        self.workspace = workspace
        self.lab_name = workspace.lab.name
        self.attach(workspace)

    @property
    def lab(self) -> LabHandle:
        return self.workspace.lab

    def attach(self, workspace: Workspace) -> None:
        self.workspace = workspace
        workspace.on_revoked = self.room_taken_over

    def detach(self) -> Workspace:
        """Hand the workspace back (to be parked); this session is over."""
        self.workspace.on_revoked = None
        return self.workspace

    # --- sending ------------------------------------------------------------------------

    async def send_text(self, text: str) -> None:
        async with self.send_lock:
            try:
                await self.ws.send_text(text)
            except RuntimeError as exc:  # the server already answered the client's close
                raise WebSocketDisconnect(code=1006) from exc

    async def send(self, message: BaseModel) -> None:
        await self.send_text(message.model_dump_json())

    async def send_error(self, code: str, message: str, /, **params) -> None:
        await self.send(p.Error(code=code, message=message, params=params))

    async def reject(self, code: str, message: str, /, **params) -> None:
        """Answer a message that could not be carried out (counted by reason in /metrics)."""
        self.metrics.rejected.labels(code).inc()
        log.debug("message rejected", extra={"code": code})
        await self.send_error(code, message, **params)

    async def send_frame_text(self, text: str) -> None:
        """A frame of this session's own lab: to the tab, and to the room it teaches (while
        teaching, `text` is a room's pair of frames: the tab is sent the small one)."""
        await self.send_text(room_frames.split(text)[0])
        self.metrics.frames.labels(self.lab_name, "lab").inc()
        await self.publish(FRAME, text)

    async def send_status(self, running: bool | None = None) -> None:
        text = p.Status(
            running=self.running if running is None else running,
            step=self.lab.step_count,
            diverged=self.lab.diverged,
            steps_per_frame=self.workspace.steps_per_frame,
        ).model_dump_json()
        await self.send_text(text)
        await self.publish("status", text)

    async def publish(self, kind: str, text: str) -> None:
        code = self.workspace.room
        if code is None:
            return
        try:
            await self.runtime.rooms.publish(code, kind, text)
        except Exception:  # noqa: BLE001 - the room's trouble must not break the teacher's page
            log.exception("publishing to a room failed", extra={"room": code})

    @property
    def running(self) -> bool:
        return self.player is not None and not self.player.done()

    # --- calling the lab ----------------------------------------------------------------

    async def call_lab(self, method, *args):
        """`method(*args)` of this session's lab handle, on its lane (after earlier calls)."""
        return await self.runtime.pool.run(self.workspace.lane, lambda: method(*args))

    @property
    def frame_kind(self) -> FrameKind:
        """Frames after an edit: what changed, and while teaching a room, the whole frame
        too (for students who join late, or whose screens skip frames)."""
        return "room" if self.workspace.room is not None else "update"

    async def send_frame(self) -> None:
        """A full frame: the page (new, or back from a room) may show nothing of this lab."""
        await self.send_frame_text(await self.call_lab(self.lab.frame))

    async def train_and_send(
        self, steps: int, interactive: bool = True, kind: FrameKind | None = None
    ) -> None:
        """Train `steps` steps in slices (at most a frame's steps, about SLICE_SECONDS of
        work), then send one frame (of `kind`, by default `frame_kind`). Between slices,
        other learners' calls take their turn. Not `interactive`: a burst of the play loop.
        """
        workspace = self.workspace
        lab, cost, pool = workspace.lab, workspace.cost, self.runtime.pool
        chunk = self.max_steps_per_frame()
        if cost.step_seconds > 0:  # a slow lab's slices stay short in time, not only in steps
            chunk = max(1, min(chunk, int(SLICE_SECONDS / cost.step_seconds)))

        kind, playing = kind or self.frame_kind, not interactive

        def train(n: int, with_frame: bool) -> str | None:
            text, trained, framed = lab.train(n, kind if with_frame else None, playing)
            cost.record(trained, n, framed if with_frame else None, kind == "light")
            return text

        while steps > 0:
            n = min(chunk, steps)
            steps -= n
            text = await pool.run(
                workspace.lane, lambda n=n, last=steps == 0: train(n, last), interactive
            )
            self.metrics.steps.labels(self.lab_name).inc(n)
            if text is None and (lab.diverged or lab.finished):  # stopped early: show where
                text = await pool.run(workspace.lane, lambda: lab.frame(kind), interactive)
            if text is not None:
                await self.send_frame_text(text)
                return

    # --- the session's life -------------------------------------------------------------

    async def run(self) -> None:
        """Greet, then answer messages until the client leaves or goes idle."""
        session_id.set(self.id)
        log.info("session opened", extra={"lab": self.lab_name})
        reason = "closed"
        try:  # a tab closed before the greeting is sent is a normal end too
            await self.send(
                p.Hello(
                    session=self.id,
                    lab=self.lab_name,
                    limits=self.public_limits(),
                    resume=self.resume_token,
                )
            )
            await self.send_frame()
            await self.send_status()
            while True:
                try:
                    raw = await asyncio.wait_for(
                        self.ws.receive(), timeout=self.settings.idle_timeout_seconds
                    )
                except TimeoutError:
                    if self.running or self.following:
                        continue
                    reason = "idle"
                    await self.close_idle()
                    return
                if raw["type"] == "websocket.disconnect" or self.handed_over:
                    reason = "handed over" if self.handed_over else "closed"
                    return
                await self.on_raw(raw)
        except WebSocketDisconnect:
            return
        finally:
            log.info("session closed", extra={"lab": self.lab_name, "reason": reason})

    async def finish(self) -> None:
        """Stop training and following, remembering whether it trained (for a resume)."""
        if not self.handed_over:
            self.workspace.playing = self.running
            await self.stop_playing()
            await self.stop_following()

    async def close_idle(self) -> None:
        """Leave the page its state (to restore if the resume grace runs out), then close."""
        with contextlib.suppress(Exception):
            state = await self.call_lab(self.lab.snapshot)
            await self.send(p.State(lab=self.lab_name, state=state.model_dump(mode="json")))
        await self.ws.close(code=CLOSE_IDLE, reason="idle")

    async def on_raw(self, raw: dict) -> None:
        text = raw.get("text")
        if text is None:
            await self.reject("not_text", "Messages must be JSON text, not binary.")
            return
        if len(text.encode()) > self.settings.max_message_bytes:
            await self.reject(
                "too_large",
                f"Message too large: at most {self.settings.max_message_bytes} bytes.",
                limit=self.settings.max_message_bytes,
            )
            return
        if not self.limiter.allow():
            await self.reject(
                "rate_limited",
                f"Too many messages: at most {self.settings.max_messages_per_second:g} a second.",
                limit=self.settings.max_messages_per_second,
            )
            return
        try:
            command = self.lab.commands.validate_json(text)
        except ValidationError as exc:
            if exc.errors()[0]["type"] == "json_invalid":
                await self.reject("invalid_json", "The message is not valid JSON.")
            else:
                detail = describe_validation_error(exc)
                await self.reject("invalid_message", f"Invalid message: {detail}", detail=detail)
            return
        try:
            await self.dispatch(command)
        except LabError as exc:  # RoomError too
            await self.reject(exc.code, exc.message, **exc.params)
        except WebSocketDisconnect:
            raise
        except Exception:
            if not self.connected:
                raise
            # A bug in a lab must cost one answer, not the learner's session.
            log.exception("command failed", extra={"command": getattr(command, "type", "?")})
            await self.reject(*INTERNAL_ERROR)

    @property
    def connected(self) -> bool:
        return self.ws.application_state == WebSocketState.CONNECTED

    async def dispatch(self, command: BaseModel) -> None:
        if self.following and not isinstance(command, FOLLOWER_COMMANDS):
            raise LabError(
                "following",
                "You are watching the teacher's screen: fork it to try things yourself.",
            )
        match command:
            case p.Ping():
                await self.send(p.Pong())
            case p.Play():
                self.require_trainable()
                await self.start_playing()
                await self.send_status()
            case p.Pause():
                await self.stop_playing()
                await self.send_status()
            case p.Step(steps=steps):
                await self.step(steps)
            case p.SetSpeed(steps_per_frame=n):
                self.workspace.steps_per_frame = min(n, self.max_steps_per_frame())
                await self.send_status()
            case p.GetState():
                await self.send_state()
            case p.SetState(state=data):
                state = self.validate_state(data)
                await self.stop_playing()
                await self.send_frame_text(await self.call_lab(self.lab.restore, state))
                await self.send_status()
            case p.Reset():
                await self.stop_playing()
                await self.send_frame_text(await self.call_lab(self.lab.reset, self.frame_kind))
                await self.send_status()
            case p.Resume(token=token):
                await self.resume(token)
            case p.OpenRoom():
                await self.open_room()
            case p.CloseRoom():
                await self.close_room()
            case p.Teach(code=code, key=key):
                await self.teach(normalize_code(code), key)
            case p.Follow(code=code):
                await self.follow(normalize_code(code))
            case p.Unfollow():
                await self.stop_following()
                await self.send(p.Room(role="none"))
                await self.send_frame()
                await self.send_status()
            case p.Fork():
                await self.fork()
            case _:
                text = await self.call_lab(self.lab.handle, command, self.edit_frame_kind())
                await self.send_frame_text(text)

    def validate_state(self, data: dict) -> BaseModel:
        try:
            return self.lab.State.model_validate(data)
        except ValidationError as exc:
            detail = describe_validation_error(exc)
            raise LabError(
                "bad_state", f"That saved state does not fit: {detail}", detail=detail
            ) from None

    async def send_state(self) -> None:
        """The whole state of what this tab shows: its own lab, or the followed teacher's."""
        if self.following:
            state = await self.runtime.rooms.fetch_state(self.following.code)
            await self.send(p.State(lab=self.following.lab, state=state))
            return
        snapshot = await self.call_lab(self.lab.snapshot)
        await self.send(p.State(lab=self.lab_name, state=snapshot.model_dump(mode="json")))

    # --- training -----------------------------------------------------------------------

    def require_trainable(self) -> None:
        if not self.lab.trainable:
            raise LabError("not_trainable", "This page has nothing to train.")

    def max_steps_per_frame(self) -> int:
        s = self.settings
        return max(1, int(s.max_steps_per_second / s.frames_per_second))

    def step_limit_error(self) -> LabError:
        rate = self.settings.max_steps_per_second
        return LabError(
            "step_limit",
            f"This server trains at most {rate:g} steps a second per learner. Wait a moment.",
            limit=rate,
        )

    async def step(self, asked: int) -> None:
        self.require_trainable()
        asked = min(asked, self.settings.max_steps_per_request)
        granted = self.workspace.steps.take(asked)
        if granted == 0:
            raise self.step_limit_error()
        await self.train_and_send(granted)
        await self.send_status()
        if granted < asked:
            error = self.step_limit_error()
            await self.reject(error.code, error.message, **error.params)

    def wanted_steps(self) -> int:
        return min(self.workspace.steps_per_frame, self.max_steps_per_frame())

    def steps_for_next_frame(self, kind: FrameKind = "update") -> int:
        """Steps for the next frame: the learner's speed, within the per-second budget and,
        when more sessions play than there are workers, within this session's fair share of
        the workers and the pace frames keep (`TrainingCost.pace`), so that in a full room
        training slows down before frames do. With a worker to spare, the learner's speed
        is kept exactly (and a lab trains the same whatever else the machine is doing).
        `kind`: the frame's, whose cost comes out of the share."""
        workspace = self.workspace
        wanted = self.wanted_steps()
        pool, cost = self.runtime.pool, workspace.cost
        if pool.players > pool.workers:
            wanted = int(min(wanted, cost.allowance))
            if cost.step_seconds > 0:
                framing = cost.light_seconds if kind == "light" else cost.frame_seconds
                affordable = int((self.share() - framing) / cost.step_seconds)
                wanted = min(wanted, affordable)
        return workspace.steps.take(max(1, wanted))

    def play_frame_kind(self) -> FrameKind:
        """The next frame's kind while playing. When more sessions play than there are
        workers and a whole frame does not fit this session's share of them, most frames
        are light (the numbers, not the maps: `Lab.light_frame`), with a whole one as often
        as the share affords and at least every WHOLE_FRAME_SECONDS. So a full room keeps
        its frame rate, and the maps refresh less often than the numbers."""
        kind = self.frame_kind
        pool, cost = self.runtime.pool, self.workspace.cost
        if kind == "room" or pool.players <= pool.workers:
            return kind
        if time.monotonic() - cost.whole_at >= WHOLE_FRAME_SECONDS:
            return kind
        return kind if cost.lights + 1 >= cost.whole_every(self.share()) else "light"

    def edit_frame_kind(self) -> FrameKind:
        """An edit's frame: light too while the play loop sends light frames (the lab still
        puts in the maps that the edit itself changed)."""
        if self.running and self.play_frame_kind() == "light":
            return "light"
        return self.frame_kind

    def share(self) -> float:
        """Seconds of a worker per frame that are this session's when every player gets
        the same (meaningful when more sessions play than there are workers)."""
        pool = self.runtime.pool
        return pool.workers / (max(1, pool.players) * self.settings.frames_per_second)

    async def start_playing(self) -> None:
        if not self.running:
            await self.call_lab(self.lab.clear_stop)
            self.player = asyncio.create_task(self.play(), name=f"play-{self.id}")

    async def play(self) -> None:
        """Train and stream until paused, diverged, finished or disconnected, at most `fps`
        frames a second (fewer when the lab asks for a slower pace: slow motion)."""
        pool = self.runtime.pool
        pool.players += 1
        previous = None
        try:
            while True:
                period = max(1.0 / self.settings.frames_per_second, self.lab.play_period)
                started = time.monotonic()
                if previous is not None:  # a frame is late when the last one took too long
                    late = started - previous > LATE * period
                    self.workspace.cost.pace(late, self.wanted_steps())
                previous = started
                try:
                    kind = self.play_frame_kind()
                    steps = self.steps_for_next_frame(kind)
                    if steps == 0:  # over the steps-per-second budget: wait for it to refill
                        await asyncio.sleep(self.workspace.steps.seconds_until(1))
                        continue
                    await self.train_and_send(steps, False, kind)
                except LabError as exc:
                    await self.send_error(exc.code, exc.message, **exc.params)
                    break
                except WebSocketDisconnect:
                    return  # the receive loop sees the close and cleans up
                except Exception:
                    if not self.connected:
                        raise
                    log.exception("training failed")
                    await self.send_error(*INTERNAL_ERROR)
                    break
                if self.lab.diverged:
                    await self.send_error(
                        "diverged",
                        "Training diverged: the loss is no longer finite. Reset to go on.",
                    )
                    break
                if self.lab.finished:  # the lab stopped on its own; its frame says why
                    break
                await asyncio.sleep(max(0.0, period - (time.monotonic() - started)))
        finally:
            pool.players -= 1
        # Still inside the task, so `running` would read True: say "stopped" explicitly.
        await self.send_status(running=False)

    async def stop_playing(self) -> None:
        await cancel_quietly(self.player)
        self.player = None

    # --- resuming -----------------------------------------------------------------------

    async def resume(self, token: str) -> None:
        workspace = await self.runtime.claim(token, self.lab_name, self)
        if workspace is None:
            await self.send(p.Resumed(restored=False))
            return
        await self.stop_following()
        await self.stop_playing()
        previous = self.workspace
        self.attach(workspace)
        await self.runtime.drop(previous)
        log.info("session resumed", extra={"lab": self.lab_name})
        await self.send(p.Resumed(restored=True))
        await self.send_frame()
        if workspace.playing:  # it was training when the connection dropped: go on
            workspace.playing = False
            await self.start_playing()
        await self.send_status()
        if workspace.room is not None:
            await self.send(p.Room(role="teacher", code=workspace.room, lab=self.lab_name))

    async def hand_over(self) -> Workspace:
        """Give this session's workspace to a newer connection of the same tab and close."""
        self.handed_over = True
        self.workspace.playing = self.running
        await self.stop_playing()
        await self.stop_following()
        workspace = self.detach()
        with contextlib.suppress(Exception):
            await self.ws.close(code=CLOSE_REPLACED, reason="continued in another connection")
        return workspace

    # --- rooms: teaching ----------------------------------------------------------------

    async def open_room(self) -> None:
        workspace = self.workspace
        if workspace.room is not None:
            await self.send(p.Room(role="teacher", code=workspace.room, lab=self.lab_name))
            return
        teacher = workspace.make_teacher(self.runtime.pool)
        code, key = await self.runtime.rooms.open(self.lab_name, teacher)
        workspace.room, workspace.teacher = code, teacher
        log.info("room opened", extra={"room": code, "lab": self.lab_name})
        await self.send(p.Room(role="teacher", code=code, lab=self.lab_name, key=key))
        await self.send_frame()  # so students who join now see something at once
        await self.send_status()

    async def close_room(self) -> None:
        workspace = self.workspace
        code, teacher = workspace.room, workspace.teacher
        if code is None or teacher is None:
            raise LabError("no_room", "This page is not showing a room.")
        workspace.room = workspace.teacher = None
        await self.runtime.rooms.close(code, teacher)
        log.info("room closed", extra={"room": code})
        await self.send(p.Room(role="none", code=code, ended=True))

    async def teach(self, code: str, key: str) -> None:
        lab = await self.runtime.rooms.lookup(code)
        if lab is None:
            raise RoomError("no_room", "There is no open room with that code.", code=code)
        if lab != self.lab_name:
            raise RoomError("room_other_lab", "That room is on another page.", code=code, lab=lab)
        workspace = self.workspace
        if workspace.room == code:  # already teaching it (a page that re-attaches after a reload)
            await self.send(p.Room(role="teacher", code=code, lab=lab))
            return
        if workspace.room is not None:
            await self.runtime.release(workspace)
        teacher = workspace.make_teacher(self.runtime.pool)
        await self.runtime.rooms.teach(code, key, teacher)
        workspace.room, workspace.teacher = code, teacher
        log.info("room taken over with its key", extra={"room": code})
        await self.send(p.Room(role="teacher", code=code, lab=lab))
        await self.send_frame()
        await self.send_status()

    def room_taken_over(self, code: str) -> None:
        """The hub gave our room to another session (it had the key), or the room ended."""
        task = asyncio.get_running_loop().create_task(
            self.send(p.Room(role="none", code=code, ended=True))
        )
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    # --- rooms: following ---------------------------------------------------------------

    async def follow(self, code: str) -> None:
        if self.workspace.room is not None:
            raise RoomError("room_teaching", "Close your own room before following another.")
        lab = await self.runtime.rooms.lookup(code)
        if lab is None:
            raise RoomError("no_room", "There is no open room with that code.", code=code)
        if lab != self.lab_name:
            raise RoomError("room_other_lab", "That room is on another page.", code=code, lab=lab)
        await self.stop_following()
        await self.stop_playing()
        mailbox = Mailbox()
        await self.runtime.rooms.follow(code, mailbox)
        self.following = Following(code, lab, mailbox)
        await self.send(p.Room(role="student", code=code, lab=lab))
        self.following.forwarder = asyncio.create_task(
            self.forward(self.following), name=f"follow-{self.id}"
        )

    async def forward(self, following: Following) -> None:
        """Send the teacher's newest frames and statuses as they come, skipping stale ones."""
        while True:
            for kind, text in await following.mailbox.get():
                if kind == END:
                    self.following = None
                    await self.runtime.rooms.unfollow(following.code, following.mailbox)
                    await self.send(p.Room(role="none", code=following.code, ended=True))
                    await self.send_frame()
                    await self.send_status()
                    return
                await self.send_text(text)
                if kind == FRAME:
                    self.metrics.frames.labels(self.lab_name, "room").inc()

    async def stop_following(self) -> None:
        following, self.following = self.following, None
        if following is None:
            return
        await cancel_quietly(following.forwarder)
        with contextlib.suppress(Exception):
            await self.runtime.rooms.unfollow(following.code, following.mailbox)

    async def fork(self) -> None:
        """The teacher's whole state into this session's own lab: now it is the student's."""
        if self.following is None:
            raise LabError("not_following", "Fork copies a room you follow; follow one first.")
        data = await self.runtime.rooms.fetch_state(self.following.code)
        state = self.validate_state(data)
        code = self.following.code
        await self.stop_following()
        await self.send(p.Room(role="none", code=code))
        await self.send_frame_text(await self.call_lab(self.lab.restore, state))
        await self.send_status()
        log.info("room forked", extra={"room": code})

    def public_limits(self) -> dict[str, float | int]:
        s = self.settings
        return {
            "max_layers": s.max_layers,
            "max_neurons": s.max_neurons,
            "max_inputs": s.max_inputs,
            "max_data_points": s.max_data_points,
            "max_message_bytes": s.max_message_bytes,
            "max_messages_per_second": s.max_messages_per_second,
            "max_steps_per_request": s.max_steps_per_request,
            "max_steps_per_second": s.max_steps_per_second,
            "max_steps_per_frame": self.max_steps_per_frame(),
            "frames_per_second": s.frames_per_second,
            "max_abs_value": s.max_abs_value,
        }
