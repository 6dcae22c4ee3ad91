"""A session's place in a teacher room: teaching one, following one, forking it.

A session may *teach* a room (its frames and statuses are published to followers; the room
is its workspace's, so it survives a reconnect) or *follow* one (its screen shows the
teacher's frames; its own lab waits, untouched, until the student unfollows or forks).
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel

from neural_playground.app.aio import cancel_quietly
from neural_playground.app.protocol import LabError
from neural_playground.app.rooms import Mailbox, RoomError, RoomHub, normalize_code
from neural_playground.app.rooms.hub import END, FRAME, MOVE, TOUR
from neural_playground.app.ws import protocol as p
from neural_playground.app.ws.checks import validate_state

if TYPE_CHECKING:
    from neural_playground.app.ws.session import Session

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Following:
    code: str
    lab: str
    mailbox: Mailbox
    forwarder: asyncio.Task | None = None


class RoomLink:
    #: The commands it carries out (the session's `dispatch` hands them here).
    COMMANDS = (
        p.OpenRoom,
        p.CloseRoom,
        p.Teach,
        p.Follow,
        p.Rejoin,
        p.Unfollow,
        p.Fork,
        p.RoomTour,
    )

    def __init__(self, session: "Session") -> None:
        self.session = session
        self.following: Following | None = None

    async def handle(self, command: BaseModel) -> None:
        match command:
            case p.OpenRoom():
                await self.open_room()
            case p.CloseRoom():
                await self.close_room()
            case p.Teach(code=code, key=key):
                await self.teach(normalize_code(code), key)
            case p.Follow(code=code, name=name):
                await self.follow(normalize_code(code), name)
            case p.Rejoin(code=code, name=name):
                await self.rejoin(normalize_code(code), name)
            case p.Unfollow():
                await self.unfollow()
            case p.Fork():
                await self.fork()
            case p.RoomTour(step=step):
                await self.tour(step)

    @property
    def rooms(self) -> RoomHub:
        return self.session.runtime.rooms

    async def publish(self, kind: str, text: str) -> None:
        """To the room this session's workspace teaches, if any."""
        code = self.session.workspace.room
        if code is None:
            return
        try:
            await self.rooms.publish(code, kind, text)
        except Exception:  # noqa: BLE001 - the room's trouble must not break the teacher's page
            log.exception("publishing to a room failed", extra={"room": code})

    def check_guesses(self) -> None:
        """Refuse, unchecked, a session or address that has used up its wrong room codes
        (NP_ROOM_GUESS_*): looking the code up would tell a guesser when one is right."""
        runtime, session = self.session.runtime, self.session
        by_address = runtime.room_guesses.allowed(session.client)
        if by_address and runtime.room_guesses_by_session.allowed(session.id):
            return
        wait = max(
            runtime.room_guesses.retry_after(session.client),
            runtime.room_guesses_by_session.retry_after(session.id),
        )
        raise RoomError(
            "too_many_guesses",
            "Too many wrong room codes: wait a moment.",
            retry_after=max(1, round(wait)),
        )

    def wrong_guess(self) -> None:
        runtime, session = self.session.runtime, self.session
        runtime.room_guesses.failed(session.client)
        runtime.room_guesses_by_session.failed(session.id)

    async def lookup(self, code: str, same_lab: bool = True) -> str:
        """The lab of the open room `code`, which must be this session's (`same_lab`)."""
        self.check_guesses()
        lab = await self.rooms.lookup(code)
        if lab is None:
            self.wrong_guess()
            raise RoomError("no_room", "There is no open room with that code.", code=code)
        if same_lab and lab != self.session.lab_name:
            raise RoomError("room_other_lab", "That room is on another page.", code=code, lab=lab)
        return lab

    async def show_own_lab(self) -> None:
        """A full frame and a status (the page may show nothing of this lab, or a room's)."""
        await self.session.send_frame()
        await self.session.send_status()

    # --- teaching -----------------------------------------------------------------------

    async def open_room(self) -> None:
        session, workspace = self.session, self.session.workspace
        if workspace.room is not None:
            await session.send(p.Room(role="teacher", code=workspace.room, lab=session.lab_name))
            return
        teacher = workspace.make_teacher(session.runtime.pool, session.client)
        session.class_view.teach(teacher)
        code, key = await self.rooms.open(session.lab_name, teacher)
        workspace.room, workspace.teacher = code, teacher
        log.info("room opened", extra={"room": code, "lab": session.lab_name})
        await session.send(p.Room(role="teacher", code=code, lab=session.lab_name, key=key))
        await self.show_own_lab()  # so students who join now see something at once

    async def close_room(self) -> None:
        workspace = self.session.workspace
        code, teacher = workspace.room, workspace.teacher
        if code is None or teacher is None:
            raise LabError("no_room", "This page is not showing a room.")
        workspace.room = workspace.teacher = None
        await self.rooms.close(code, teacher)
        log.info("room closed", extra={"room": code})
        await self.session.send(p.Room(role="none", code=code, ended=True))

    async def teach(self, code: str, key: str) -> None:
        """Teach the room `code` from this page: another tab, a reload, or the teacher's
        next lesson (the room, and its students, follow the teacher there)."""
        await self.lookup(code, same_lab=False)
        session, workspace = self.session, self.session.workspace
        lab = session.lab_name
        if workspace.room == code:  # already teaching it (a page that re-attaches after a reload)
            await session.send(p.Room(role="teacher", code=code, lab=lab))
            return
        if workspace.room is not None:
            await session.runtime.release(workspace)
        teacher = workspace.make_teacher(session.runtime.pool, session.client)
        session.class_view.teach(teacher)
        try:
            await self.rooms.teach(code, key, teacher, lab)
        except RoomError as exc:
            if exc.code == "bad_room_key":
                self.wrong_guess()
            raise
        workspace.room, workspace.teacher = code, teacher
        log.info("room taught from a page", extra={"room": code, "lab": lab})
        await session.send(p.Room(role="teacher", code=code, lab=lab))
        await self.show_own_lab()

    async def tour(self, step: int | None) -> None:
        """The teacher's tour step, for the room's students (and late joiners)."""
        if self.session.workspace.room is None:
            return  # a page's tour outside a room: nobody to show it to
        await self.publish(TOUR, p.RoomTour(type="room_tour", step=step).model_dump_json())

    def taken_over(self, code: str) -> None:
        """The hub gave our room to another session (it had the key), or the room ended."""
        task = asyncio.get_running_loop().create_task(
            self.session.send(p.Room(role="none", code=code, ended=True))
        )
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    # --- following ----------------------------------------------------------------------

    async def follow(self, code: str, name: str = "") -> None:
        session = self.session
        if session.workspace.room is not None:
            raise RoomError("room_teaching", "Close your own room before following another.")
        lab = await self.lookup(code)
        await self.stop_following()
        await session.player.stop()
        mailbox = Mailbox(lab)
        await self.rooms.follow(code, mailbox)
        self.following = Following(code, lab, mailbox)
        await session.send(p.Room(role="student", code=code, lab=lab))
        self.following.forwarder = asyncio.create_task(
            self.forward(self.following), name=f"follow-{session.id}"
        )
        await session.class_view.join(code, name)

    async def forward(self, following: Following) -> None:
        """Send the teacher's newest frames and statuses as they come, skipping stale ones."""
        session = self.session
        while True:
            for kind, text in await following.mailbox.get():
                if kind == MOVE:  # the teacher opened another lesson: the page goes there
                    self.following = None
                    await self.rooms.unfollow(following.code, following.mailbox)
                    await session.class_view.leave()  # its page rejoins from the new lesson
                    await session.send(
                        p.Room(role="student", code=following.code, lab=text, moved=True)
                    )
                    return
                if kind == END:
                    self.following = None
                    await self.rooms.unfollow(following.code, following.mailbox)
                    await session.class_view.leave()
                    await session.send(p.Room(role="none", code=following.code, ended=True))
                    await self.show_own_lab()
                    return
                await session.send_text(text)
                if kind == FRAME:
                    session.metrics.frames.labels(session.lab_name, "room").inc()

    async def rejoin(self, code: str, name: str = "") -> None:
        """On the room's roster again with this session's own lab (the learner forked, then
        reloaded: the resumed session is theirs, the membership was the old session's)."""
        session = self.session
        if session.workspace.room is not None:
            raise RoomError("room_teaching", "Close your own room before following another.")
        await self.lookup(code, same_lab=False)  # on their own: any lesson
        await self.stop_following()
        await session.class_view.join(code, name)
        await session.send(p.Room(role="none", code=code, member=True))

    async def unfollow(self) -> None:
        await self.stop_following()
        await self.session.class_view.leave()
        await self.session.send(p.Room(role="none"))
        await self.show_own_lab()

    async def stop_following(self) -> None:
        following, self.following = self.following, None
        if following is None:
            return
        await cancel_quietly(following.forwarder)
        with contextlib.suppress(Exception):
            await self.rooms.unfollow(following.code, following.mailbox)

    async def fork(self) -> None:
        """The teacher's whole state into this session's own lab: now it is the student's."""
        if self.following is None:
            raise LabError("not_following", "Fork copies a room you follow; follow one first.")
        session, code = self.session, self.following.code
        state = validate_state(session.lab, await self.rooms.fetch_state(code), session.settings)
        await self.stop_following()
        await session.send(p.Room(role="none", code=code, member=True))
        await session.send_frame_text(await session.call_lab(session.lab.restore, state))
        session.workspace.keep(state)
        await session.send_status()
        await session.class_view.report(p.RoomReport(type="room_report"))  # now on their own
        log.info("room forked", extra={"room": code})
