"""One websocket session: a browser tab, and the workspace it drives.

The session reads and writes the wire, checks each message at the door (`app.ws.checks`:
size, rate, shape) and hands it to whoever carries it out: its lab (every call on the
server's lab workers, `app.labrun.pool`, in the order the learner sent them, so a long
training burst never stalls other sessions), its `Player` (training and the play loop,
`app.ws.player`) or its `RoomLink` (teaching, following and forking a room,
`app.ws.roomlink`). A newer connection of the same tab may resume its workspace
(`Runtime.claim`), or take it from this one (`hand_over`).
"""

import asyncio
import contextlib
import logging
import secrets
from typing import TYPE_CHECKING

from fastapi import WebSocket, WebSocketDisconnect
from pydantic import BaseModel
from starlette.websockets import WebSocketState

from app.aio import cancel_quietly
from app.labrun.labcalls import FrameKind
from app.labrun.labhost import LabGone, LabHandle
from app.logs import session_id
from app.protocol import LabError
from app.rooms import frames as room_frames
from app.rooms import normalize_code
from app.rooms.hub import FRAME
from app.settings import Settings
from app.ws import protocol as p
from app.ws.checks import read_command, validate_state
from app.ws.limits import TokenBucket
from app.ws.player import Player, max_steps_per_frame
from app.ws.roomlink import RoomLink
from app.ws.workspace import Workspace

if TYPE_CHECKING:
    from app.runtime import Runtime

log = logging.getLogger(__name__)

# Close codes (RFC 6455 and the registry): 1008 policy violation, 1011 the server could
# not go on (the page reconnects), 1013 try again later; 4000 (private range): this
# session's work continues in another connection.
CLOSE_IDLE = 1000
CLOSE_POLICY = 1008
CLOSE_UNAVAILABLE = 1011
CLOSE_FULL = 1013
CLOSE_REPLACED = 4000

#: What a student may still send while following a room: everything else would change
#: their own lab behind a screen that shows the teacher's.
FOLLOWER_COMMANDS = (p.Ping, p.GetState, p.Follow, p.Unfollow, p.Fork, p.Resume)


def public_limits(settings: Settings) -> dict[str, float | int]:
    """The limits a page is told in `hello` (to check input before sending it)."""
    s = settings
    return {
        "max_layers": s.max_layers,
        "max_neurons": s.max_neurons,
        "max_inputs": s.max_inputs,
        "max_data_points": s.max_data_points,
        "max_message_bytes": s.max_message_bytes,
        "max_messages_per_second": s.max_messages_per_second,
        "max_steps_per_request": s.max_steps_per_request,
        "max_steps_per_second": s.max_steps_per_second,
        "max_steps_per_frame": max_steps_per_frame(s),
        "frames_per_second": s.frames_per_second,
        "max_abs_value": s.max_abs_value,
    }


class Session:
    """One tab's connection: the wire, the door, and who carries out each message."""

    def __init__(self, websocket: WebSocket, workspace: Workspace, runtime: "Runtime") -> None:
        self.ws = websocket
        self.runtime = runtime
        self.settings = runtime.settings
        self.metrics = runtime.metrics
        self.id = secrets.token_urlsafe(8)
        #: The client's address (the proxy's unless uvicorn trusts its forwarded headers):
        #: parked work is evicted per client, fairly.
        address = getattr(websocket, "client", None)  # None without a socket (unit tests)
        self.client = address.host if address else ""
        self.resume_token = secrets.token_urlsafe(16)  # a secret: never logged
        self.send_lock = asyncio.Lock()  # frames and answers never interleave on the wire
        self.limiter = TokenBucket(self.settings.max_messages_per_second)
        self.player = Player(self)
        self.room_link = RoomLink(self)
        self.handed_over = False  # its workspace was resumed by another connection
        #: The last of the work still to do in order: a long step training on, then the
        #: commands that came after it (each waits for the one before).
        self.backlog: asyncio.Task | None = None
        self.pauses = 0  # pauses received: a step or play queued before one is called off
        self.run_task: asyncio.Task | None = None  # the task running `run`
        self.send_stalled = False  # a send timed out: the client stopped reading
        self.workspace = workspace
        self.lab_name = workspace.lab.name
        self.attach(workspace)

    @property
    def lab(self) -> LabHandle:
        return self.workspace.lab

    def attach(self, workspace: Workspace) -> None:
        self.workspace = workspace
        workspace.on_revoked = self.room_link.taken_over

    def detach(self) -> Workspace:
        """Hand the workspace back (to be parked); this session is over."""
        self.workspace.on_revoked = None
        return self.workspace

    # --- sending ------------------------------------------------------------------------

    async def send_text(self, text: str) -> None:
        async with self.send_lock:
            try:
                # A client that stops reading fills the socket's buffers, then a send waits
                # for good: past NP_SEND_TIMEOUT_SECONDS the session ends, freeing its slot.
                async with asyncio.timeout(self.settings.send_timeout_seconds):
                    await self.ws.send_text(text)
            except TimeoutError:
                self.stalled()
                raise WebSocketDisconnect(code=1006) from None
            except RuntimeError as exc:  # the server already answered the client's close
                raise WebSocketDisconnect(code=1006) from exc

    def stalled(self) -> None:
        """A send timed out: end the session (its receive loop may wait on a silent client)."""
        log.warning("client stopped reading; closing its session")
        self.send_stalled = True
        if self.run_task is not None and self.run_task is not asyncio.current_task():
            self.run_task.cancel()

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
        await self.room_link.publish(FRAME, text)

    async def send_status(self, running: bool | None = None) -> None:
        text = p.Status(
            running=self.player.running if running is None else running,
            step=self.lab.step_count,
            diverged=self.lab.diverged,
            steps_per_frame=self.workspace.steps_per_frame,
        ).model_dump_json()
        await self.send_text(text)
        await self.room_link.publish("status", text)

    @property
    def connected(self) -> bool:
        return self.ws.application_state == WebSocketState.CONNECTED

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

    # --- the session's life -------------------------------------------------------------

    async def run(self) -> None:
        """Greet, then answer messages until the client leaves or goes idle."""
        session_id.set(self.id)
        log.info("session opened", extra={"lab": self.lab_name})
        self.run_task = asyncio.current_task()
        reason = "closed"
        try:  # a tab closed before the greeting is sent is a normal end too
            # This lab's own cap on a request's steps (the RNN page's is lower).
            limits = public_limits(self.settings)
            limits["max_steps_per_request"] = self.player.steps_per_request()
            await self.send(
                p.Hello(session=self.id, lab=self.lab_name, limits=limits, resume=self.resume_token)
            )
            await self.send_frame()
            await self.send_status()
            while True:
                try:
                    raw = await asyncio.wait_for(
                        self.ws.receive(), timeout=self.settings.idle_timeout_seconds
                    )
                except TimeoutError:
                    if self.player.running or self.room_link.following:
                        continue
                    reason = "idle"
                    await self.close_idle()
                    return
                if raw["type"] == "websocket.disconnect" or self.handed_over:
                    reason = "handed over" if self.handed_over else "closed"
                    return
                await self.on_raw(raw)
        except WebSocketDisconnect:
            reason = "send timeout" if self.send_stalled else reason
            return
        except asyncio.CancelledError:
            if not self.send_stalled:
                raise
            asyncio.current_task().uncancel()  # our own cancel (`stalled`): a normal end
            reason = "send timeout"
            return
        finally:
            log.info("session closed", extra={"lab": self.lab_name, "reason": reason})

    async def finish(self) -> None:
        """The connection is gone: stop its work (unless another connection took it)."""
        if not self.handed_over:
            await self.stop_work()

    async def stop_work(self) -> None:
        """Stop training and following, remembering whether it trained (for a resume)."""
        self.workspace.playing = self.player.running
        await cancel_quietly(self.backlog)  # and the queue behind it (`queued`)
        await self.player.stop()
        await self.room_link.stop_following()

    async def close_idle(self) -> None:
        """Leave the page its state (to restore if the resume grace runs out), then close."""
        with contextlib.suppress(Exception):
            await self.send_state()
        await self.ws.close(code=CLOSE_IDLE, reason="idle")

    async def on_raw(self, raw: dict) -> None:
        try:
            command = read_command(raw.get("text"), self.settings, self.limiter, self.lab.commands)
        except LabError as exc:  # refused at the door
            await self.reject(exc.code, exc.message, **exc.params)
            return
        if isinstance(command, p.Pause):
            self.pauses += 1  # steps and plays queued before it are dropped
        elif self.backlog is not None and not self.backlog.done():
            # A long step trains on: what follows it waits its turn (answers stay in the
            # order sent, a ping too), while this loop reads on and a pause stops the step.
            self.backlog = asyncio.create_task(
                self.queued(self.backlog, command, self.pauses), name=f"queued-{self.id}"
            )
            return
        await self.handle(command)
        if self.player.stepping is not None and not self.player.stepping.done():
            self.backlog = self.player.stepping

    async def queued(self, before: asyncio.Task, command: BaseModel, pauses: int) -> None:
        """Carry out `command` once the work before it is done (not if it is a step or a
        play that a pause sent after it called off)."""
        try:
            await asyncio.wait([before])
        except asyncio.CancelledError:  # the session ends: so does all the work before
            before.cancel()
            raise
        if pauses != self.pauses and isinstance(command, (p.Step, p.Play)):
            return
        with contextlib.suppress(WebSocketDisconnect):  # the receive loop sees the close
            await self.handle(command)
            await self.player.step_finished()  # a step it started: what follows waits too

    async def handle(self, command: BaseModel) -> None:
        """Carry out one command that passed the door, answering any refusal or failure."""
        try:
            await self.carry_out(command)
        except LabError as exc:  # refused by the lab, or by a room (RoomError)
            await self.reject(exc.code, exc.message, **exc.params)
        except WebSocketDisconnect:
            raise
        except Exception:
            if not self.connected:
                raise
            # A bug in a lab must cost one answer, not the learner's session.
            log.exception("command failed", extra={"command": command.type})
            await self.reject(*p.INTERNAL_ERROR)

    async def carry_out(self, command: BaseModel) -> None:
        """`dispatch`, and when the lab's process had died, rebuild the lab first (then the
        command is carried out on the new lab, unless it may have run on the old one)."""
        try:
            await self.dispatch(command)
        except LabGone as exc:
            await self.recover(exc.lab)
            # A resume has already swapped workspaces: its token is used up.
            if not exc.sent and not isinstance(command, p.Resume):
                await self.dispatch(command)

    async def recover(self, gone: LabHandle | None) -> None:
        """The process holding this session's lab died: stop training, rebuild the lab from
        its checkpoint (or start state) in the process started in its place, say so once
        (`lab_restarted`), and show it. Nothing to do if the lab was rebuilt already."""
        workspace = self.workspace
        async with workspace.rebuilding:
            if gone is not None and workspace.lab is not gone:
                return
            await self.player.stop()  # a no-op when called from the player's own task
            restored = await self.runtime.rebuild_lab(workspace)
        log.warning("lab rebuilt after its process died", extra={"lab": self.lab_name})
        back = "as it was a few seconds ago" if restored else "from the start"
        await self.send_error(
            "lab_restarted",
            f"The server restarted the worker running this lab: it is back {back}.",
            restored=restored,
            step=self.lab.step_count,
        )
        await self.send_frame()
        await self.send_status(running=False)

    async def dispatch(self, command: BaseModel) -> None:
        player, room_link = self.player, self.room_link
        if room_link.following and not isinstance(command, FOLLOWER_COMMANDS):
            raise LabError(
                "following",
                "You are watching the teacher's screen: fork it to try things yourself.",
            )
        match command:
            case p.Ping():
                await self.send(p.Pong())
            case p.Play():
                await player.play()
            case p.Pause():
                await player.pause()
            case p.Step(steps=steps):
                await player.step(steps)
            case p.SetSpeed(steps_per_frame=n):
                await player.set_speed(n)
            case p.GetState():
                await self.send_state()
            case p.SetState(state=data):
                state = validate_state(self.lab, data)
                await self.replace_lab(self.lab.restore, state)
                self.workspace.keep(state)  # a checkpoint for free
                self.workspace.dirty = False
            case p.Reset():
                await self.replace_lab(self.lab.reset, self.frame_kind)
                self.workspace.dirty = True
            case p.Resume(token=token):
                await self.resume(token)
            case p.OpenRoom():
                await room_link.open_room()
            case p.CloseRoom():
                await room_link.close_room()
            case p.Teach(code=code, key=key):
                await room_link.teach(normalize_code(code), key)
            case p.Follow(code=code):
                await room_link.follow(normalize_code(code))
            case p.Unfollow():
                await room_link.unfollow()
            case p.Fork():
                await room_link.fork()
            case _:
                text = await self.call_lab(self.lab.handle, command, player.edit_frame_kind())
                self.workspace.dirty = True
                await self.send_frame_text(text)

    async def replace_lab(self, method, *args) -> None:
        """Stop training, then restore or reset the lab (`method(*args)`) and show it."""
        await self.player.stop()
        await self.send_frame_text(await self.call_lab(method, *args))
        await self.send_status()

    async def send_state(self) -> None:
        """The whole state of what this tab shows: its own lab, or the followed teacher's."""
        following = self.room_link.following
        if following:
            state = await self.runtime.rooms.fetch_state(following.code)
            await self.send(p.State(lab=following.lab, state=state))
            return
        snapshot = await self.call_lab(self.lab.snapshot)
        await self.send(p.State(lab=self.lab_name, state=snapshot.model_dump(mode="json")))

    # --- resuming -----------------------------------------------------------------------

    async def resume(self, token: str) -> None:
        workspace = await self.runtime.claim(token, self.lab_name, self)
        if workspace is None:
            await self.send(p.Resumed(restored=False))
            return
        await self.room_link.stop_following()
        await self.player.stop()
        previous = self.workspace
        self.attach(workspace)
        await self.runtime.drop(previous)
        log.info("session resumed", extra={"lab": self.lab_name})
        await self.send(p.Resumed(restored=True))
        await self.send_frame()
        if workspace.playing:  # it was training when the connection dropped: go on
            workspace.playing = False
            await self.player.start()
        await self.send_status()
        if workspace.room is not None:
            await self.send(p.Room(role="teacher", code=workspace.room, lab=self.lab_name))

    async def hand_over(self) -> Workspace:
        """Give this session's workspace to a newer connection of the same tab and close."""
        self.handed_over = True  # first: the receive loop must not act on it any more
        await self.stop_work()
        workspace = self.detach()
        with contextlib.suppress(Exception):
            await self.ws.close(code=CLOSE_REPLACED, reason="continued in another connection")
        return workspace
