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

from app.labrun.labcalls import Framing
from app.labrun.labhost import LabHandle
from app.logs import session_id
from app.protocol import LabError
from app.rooms import frames as room_frames
from app.rooms import normalize_code
from app.rooms.hub import FRAME
from app.settings import Settings
from app.ws import protocol as p
from app.ws.backlog import Backlog
from app.ws.checks import read_command
from app.ws.classview import ClassView
from app.ws.limits import TokenBucket
from app.ws.outbox import Outbox
from app.ws.page import PageRecord
from app.ws.player import Player, max_steps_per_frame
from app.ws.recovery import Recovery
from app.ws.roomlink import RoomLink
from app.ws.workspace import Workspace

if TYPE_CHECKING:
    from app.runtime import Runtime

log = logging.getLogger(__name__)

# Close codes (RFC 6455 and the registry): 1008 policy violation, 1011 the server could
# not go on (the page reconnects), 1012 service restart (this replica stops: the page
# reconnects at once, to another one, and resumes), 1013 try again later; 4000 (private
# range): this session's work continues in another connection.
CLOSE_IDLE = 1000
CLOSE_POLICY = 1008
CLOSE_UNAVAILABLE = 1011
CLOSE_RESTART = 1012
CLOSE_FULL = 1013
CLOSE_REPLACED = 4000

#: What a student may still send while following a room: everything else would change
#: their own lab behind a screen that shows the teacher's.
FOLLOWER_COMMANDS = (
    p.Ping, p.GetState, p.Follow, p.Unfollow, p.Fork, p.Resume, p.PageDraws, p.RoomReport
)


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
        self.outbox = Outbox(websocket, self.settings.send_timeout_seconds)
        self.limiter = TokenBucket(self.settings.max_messages_per_second)
        self.page = PageRecord()  # what the tab holds of the lab's frames
        self.player = Player(self)
        self.backlog = Backlog(self)  # commands behind a long step
        self.recovery = Recovery(self)  # the lab rebuilt, restored or reset
        self.handed_over = False  # its workspace was resumed by another connection
        self.moved = False  # its work left this replica (drain): nothing to park here
        self.room_link = RoomLink(self)
        self.class_view = ClassView(self)
        self.workspace = workspace
        self.lab_name = workspace.lab.name
        self.attach(workspace)

    @property
    def lab(self) -> LabHandle:
        return self.workspace.lab

    def attach(self, workspace: Workspace) -> None:
        self.workspace = workspace
        workspace.on_revoked = self.room_link.taken_over
        if workspace.teacher is not None:  # a resumed teacher: its room's roster comes here
            self.class_view.teach(workspace.teacher)

    def detach(self) -> Workspace:
        """Hand the workspace back (to be parked); this session is over."""
        self.workspace.on_revoked = None
        return self.workspace

    # --- sending ------------------------------------------------------------------------

    async def send_text(self, text: str) -> None:
        await self.outbox.send_text(text)

    async def send(self, message: BaseModel) -> None:
        await self.outbox.send(message)

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
        self.page.shown()
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

    def framing(self, light: bool = False) -> Framing:
        """The next frame of this session's lab: the parts its page lacks in full, the others
        where they changed (`light`: the cheap frame of a crowded server), and while teaching
        a room, the room's whole frame too (for students who join late, or whose screens
        skip frames)."""
        return Framing(self.page.parts(light), self.workspace.room is not None)

    async def send_frame(self) -> None:
        """Everything: the page (new, or back from a room) may show nothing of this lab."""
        self.page.forget()
        await self.send_frame_text(await self.call_lab(self.lab.frame, self.framing()))

    # --- the session's life -------------------------------------------------------------

    async def run(self) -> None:
        """Greet, then answer messages until the client leaves or goes idle."""
        session_id.set(self.id)
        log.info("session opened", extra={"lab": self.lab_name})
        self.outbox.reader = asyncio.current_task()
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
            reason = "send timeout" if self.outbox.stalled else reason
            return
        except asyncio.CancelledError:
            if not self.outbox.stalled:
                raise
            asyncio.current_task().uncancel()  # the outbox's cancel (`stall`): a normal end
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
        await self.backlog.cancel()
        await self.player.stop()
        await self.room_link.stop_following()
        await self.class_view.stop()

    async def move_out(self) -> None:
        """This replica stops (SIGTERM, app/drain.py): leave the tab's whole state in the
        resume store (Redis), or without one in the page (restored wherever it reconnects),
        then close with 1012 so that the page reconnects at once, to another replica."""
        self.moved = True
        await self.stop_work()
        with contextlib.suppress(Exception):
            state = (await self.call_lab(self.lab.snapshot)).model_dump(mode="json")
            store = self.runtime.resume_store
            if not await store.put(self.resume_token, self.lab_name, state, self.workspace.playing):
                await self.send(p.State(lab=self.lab_name, state=state))
        with contextlib.suppress(Exception):
            await self.ws.close(code=CLOSE_RESTART, reason="server restarting")

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
        await self.backlog.submit(command)

    async def handle(self, command: BaseModel) -> None:
        """Carry out one command that passed the door, answering any refusal or failure."""
        try:
            await self.recovery.carry_out(command)
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
            case p.PageDraws(parts=parts):
                self.page.draws = frozenset(parts)  # the next frame leaves them out
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
                await self.recovery.set_state(data)
            case p.Reset():
                await self.recovery.reset()
            case p.Resume(token=token):
                await self.recovery.resume(token)
            case p.OpenRoom():
                await room_link.open_room()
            case p.CloseRoom():
                await room_link.close_room()
            case p.Teach(code=code, key=key):
                await room_link.teach(normalize_code(code), key)
            case p.Follow(code=code, name=name):
                await room_link.follow(normalize_code(code), name)
            case p.Unfollow():
                await room_link.unfollow()
            case p.Fork():
                await room_link.fork()
            case p.RoomTour(step=step):
                await room_link.tour(step)
            case p.RoomReport():
                await self.class_view.report(command)
            case p.Spotlight(learner=learner):
                await self.class_view.spotlight(learner)
            case p.RoomPreset(name=name):
                await self.class_view.send_preset(name)
            case _:
                framing = self.framing(player.edit_is_light())
                text = await self.call_lab(self.lab.handle, command, framing)
                self.workspace.dirty = True
                await self.send_frame_text(text)

    async def send_state(self) -> None:
        """The whole state of what this tab shows: its own lab, or the followed teacher's."""
        following = self.room_link.following
        if following:
            state = await self.runtime.rooms.fetch_state(following.code)
            await self.send(p.State(lab=following.lab, state=state))
            return
        snapshot = await self.call_lab(self.lab.snapshot)
        await self.send(p.State(lab=self.lab_name, state=snapshot.model_dump(mode="json")))

    # --- handing over -----------------------------------------------------------------------

    async def hand_over(self) -> Workspace:
        """Give this session's workspace to a newer connection of the same tab and close."""
        self.handed_over = True  # first: the receive loop must not act on it any more
        await self.stop_work()
        workspace = self.detach()
        with contextlib.suppress(Exception):
            await self.ws.close(code=CLOSE_REPLACED, reason="continued in another connection")
        return workspace
