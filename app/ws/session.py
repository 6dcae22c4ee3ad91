"""One websocket session: a browser tab, and the workspace it drives.

The session reads and writes the wire, checks each message at the door (`app.ws.checks`:
size, rate, shape) and hands it to whoever carries it out: its lab (every call on the
server's lab workers, `app.labrun.pool`, in the order the learner sent them, so a long
training burst never stalls other sessions), or one of its parts that declares the command
among its `COMMANDS`: its `Player` (training and the play loop, `app.ws.player`), its
`Recovery` (resume, restore, reset: `app.ws.recovery`), its `RoomLink` (teaching, following
and forking a room, `app.ws.roomlink`) or its `ClassView` (the roster, `app.ws.classview`).
How it ends, and where its work goes, is its `Departure`'s (`app.ws.departure`): parked
for a resume, moved out when the replica stops, or handed to a newer connection of the tab.
"""

import asyncio
import logging
import secrets
from typing import TYPE_CHECKING

from fastapi import WebSocket, WebSocketDisconnect
from pydantic import BaseModel
from starlette.websockets import WebSocketState

from neural_playground.app.labrun.labcalls import Framing
from neural_playground.app.labrun.labhost import LabHandle
from neural_playground.app.logs import session_id
from neural_playground.app.protocol import LabError
from neural_playground.app.rooms import frames as room_frames
from neural_playground.app.rooms.hub import FRAME
from neural_playground.app.ws import protocol as p
from neural_playground.app.ws.backlog import Backlog
from neural_playground.app.ws.checks import read_command
from neural_playground.app.ws.classview import ClassView
from neural_playground.app.ws.departure import Departure
from neural_playground.app.ws.limits import TokenBucket, public_limits
from neural_playground.app.ws.outbox import Outbox
from neural_playground.app.ws.page import PageRecord
from neural_playground.app.ws.player import Player
from neural_playground.app.ws.recovery import Recovery
from neural_playground.app.ws.roomlink import RoomLink
from neural_playground.app.ws.workspace import Workspace

if TYPE_CHECKING:
    from neural_playground.app.runtime import Runtime

log = logging.getLogger(__name__)

#: What a student may still send while following a room: everything else would change
#: their own lab behind a screen that shows the teacher's.
FOLLOWER_COMMANDS = (
    p.Ping,
    p.GetState,
    p.Follow,
    p.Unfollow,
    p.Fork,
    p.Resume,
    p.PageDraws,
    p.RoomReport,
)


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
        self.room_link = RoomLink(self)
        self.class_view = ClassView(self)
        self.departure = Departure(self)  # closing, parking, moving out, handing over
        #: Who carries out which commands (the rest are the lab's own).
        self.carriers = (self.player, self.recovery, self.room_link, self.class_view)
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
            limits = public_limits(self.settings, self.player.steps_per_request())
            await self.send(
                p.Hello(session=self.id, lab=self.lab_name, limits=limits, resume=self.resume_token)
            )
            await self.send_frame()
            await self.send_status()
            while True:
                try:
                    async with asyncio.timeout(self.settings.idle_timeout_seconds):
                        raw = await self.ws.receive()  # not wait_for: see app.aio.wait_set
                except TimeoutError:
                    if self.player.running or self.room_link.following:
                        continue
                    reason = "idle"
                    await self.departure.close_idle()
                    return
                handed_over = self.departure.handed_over
                if raw["type"] == "websocket.disconnect" or handed_over:
                    reason = "handed over" if handed_over else "closed"
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
        if self.room_link.following and not isinstance(command, FOLLOWER_COMMANDS):
            raise LabError(
                "following",
                "You are watching the teacher's screen: fork it to try things yourself.",
            )
        for carrier in self.carriers:
            if isinstance(command, carrier.COMMANDS):
                await carrier.handle(command)
                return
        match command:
            case p.Ping():
                await self.send(p.Pong())
            case p.PageDraws(parts=parts):
                self.page.draws = frozenset(parts)  # the next frame leaves them out
            case p.GetState():
                await self.send_state()
            case _:
                await self.edit(command)

    async def edit(self, command: BaseModel) -> None:
        """A command of the lab's own (an edit of its network, data or settings)."""
        framing = self.framing(self.player.edit_is_light())
        text = await self.call_lab(self.lab.handle, command, framing)
        self.workspace.changed()
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
