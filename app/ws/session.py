"""One websocket session: a browser tab, its lab, and the loop that streams frames.

Receiving, validating and answering happen on the event loop; every call into the lab
(and the JSON encoding of its frames) runs in a worker thread, one at a time under
`self.lock`, so a long training burst never stalls other sessions' messages.
"""

import asyncio
import contextlib
import logging
import secrets
import time

from fastapi import WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ValidationError

from app.labs.base import Lab, LabError
from app.settings import Settings
from app.ws import protocol as p

log = logging.getLogger(__name__)

# Close codes (RFC 6455 and the registry): 1008 policy violation, 1013 try again later.
CLOSE_IDLE = 1000
CLOSE_FULL = 1013


class RateLimiter:
    """Token bucket: `rate` messages a second on average, bursts of up to one second's worth."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.tokens = max(rate, 1.0)
        self.stamp = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(max(self.rate, 1.0), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


def describe_validation_error(exc: ValidationError) -> str:
    """A short sentence from pydantic's errors: where, and what was wrong."""
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(x) for x in err["loc"] if x not in ("function-after",))
        parts.append(f"{where}: {err['msg']}" if where else err["msg"])
    return "; ".join(parts)


class Session:
    def __init__(self, websocket: WebSocket, lab: Lab, settings: Settings) -> None:
        self.ws = websocket
        self.lab = lab
        self.settings = settings
        self.id = secrets.token_urlsafe(8)
        self.lock = asyncio.Lock()  # one lab call at a time
        self.send_lock = asyncio.Lock()  # frames and answers never interleave on the wire
        self.limiter = RateLimiter(settings.max_messages_per_second)
        self.steps_per_frame = 1
        self.player: asyncio.Task | None = None

    # --- sending ------------------------------------------------------------------------

    async def send_text(self, text: str) -> None:
        async with self.send_lock:
            await self.ws.send_text(text)

    async def send(self, message: BaseModel) -> None:
        await self.send_text(message.model_dump_json())

    async def send_error(self, code: str, message: str, **params) -> None:
        await self.send(p.Error(code=code, message=message, params=params))

    async def send_status(self) -> None:
        await self.send(
            p.Status(
                running=self.running,
                step=self.lab.step_count,
                diverged=self.lab.diverged,
                steps_per_frame=self.steps_per_frame,
            )
        )

    @property
    def running(self) -> bool:
        return self.player is not None and not self.player.done()

    # --- calling the lab ----------------------------------------------------------------

    async def call_lab(self, fn, *args) -> str:
        """Run `fn(*args)` then encode the lab's frame, both off the event loop."""

        def work() -> str:
            fn(*args)
            return self.lab.frame().model_dump_json()

        async with self.lock:
            return await asyncio.to_thread(work)

    async def send_frame(self) -> None:
        await self.send_text(await self.call_lab(lambda: None))

    # --- the session's life -------------------------------------------------------------

    async def run(self) -> None:
        """Greet, then answer messages until the client leaves or goes idle."""
        await self.send(p.Hello(session=self.id, lab=self.lab.name, limits=self.public_limits()))
        await self.send_frame()
        await self.send_status()
        try:
            while True:
                try:
                    raw = await asyncio.wait_for(
                        self.ws.receive(), timeout=self.settings.idle_timeout_seconds
                    )
                except TimeoutError:
                    if self.running:
                        continue
                    await self.ws.close(code=CLOSE_IDLE, reason="idle")
                    return
                if raw["type"] == "websocket.disconnect":
                    return
                await self.on_raw(raw)
        except WebSocketDisconnect:
            return
        finally:
            await self.stop_playing()

    async def on_raw(self, raw: dict) -> None:
        text = raw.get("text")
        if text is None:
            await self.send_error("not_text", "Messages must be JSON text, not binary.")
            return
        if len(text.encode()) > self.settings.max_message_bytes:
            await self.send_error(
                "too_large",
                f"Message too large: at most {self.settings.max_message_bytes} bytes.",
                limit=self.settings.max_message_bytes,
            )
            return
        if not self.limiter.allow():
            await self.send_error(
                "rate_limited",
                f"Too many messages: at most {self.settings.max_messages_per_second:g} a second.",
                limit=self.settings.max_messages_per_second,
            )
            return
        try:
            command = self.lab.commands.validate_json(text)
        except ValidationError as exc:
            if exc.errors()[0]["type"] == "json_invalid":
                await self.send_error("invalid_json", "The message is not valid JSON.")
            else:
                detail = describe_validation_error(exc)
                await self.send_error(
                    "invalid_message", f"Invalid message: {detail}", detail=detail
                )
            return
        try:
            await self.dispatch(command)
        except LabError as exc:
            await self.send_error(exc.code, exc.message, **exc.params)

    async def dispatch(self, command: BaseModel) -> None:
        match command:
            case p.Ping():
                await self.send(p.Pong())
            case p.Play():
                self.require_trainable()
                if not self.running:
                    self.lab.diverged = False
                    self.lab.finished = False
                    self.player = asyncio.create_task(self.play())
                await self.send_status()
            case p.Pause():
                await self.stop_playing()
                await self.send_status()
            case p.Step(steps=steps):
                self.require_trainable()
                await self.train_and_send(min(steps, self.settings.max_steps_per_request))
                await self.send_status()
            case p.SetSpeed(steps_per_frame=n):
                self.steps_per_frame = min(n, self.max_steps_per_frame())
                await self.send_status()
            case p.GetState():
                async with self.lock:
                    state = await asyncio.to_thread(self.lab.snapshot)
                await self.send(p.State(lab=self.lab.name, state=state.model_dump(mode="json")))
            case p.SetState(state=data):
                try:
                    state = self.lab.State.model_validate(data)
                except ValidationError as exc:
                    detail = describe_validation_error(exc)
                    raise LabError(
                        "bad_state", f"That saved state does not fit: {detail}", detail=detail
                    ) from None
                await self.stop_playing()
                await self.send_text(await self.call_lab(self.lab.restore, state))
                await self.send_status()
            case p.Reset():
                await self.stop_playing()
                await self.send_text(await self.call_lab(self.lab.reset))
                await self.send_status()
            case _:
                await self.send_text(await self.call_lab(self.lab.handle, command))

    def require_trainable(self) -> None:
        if not self.lab.trainable:
            raise LabError("not_trainable", "This page has nothing to train.")

    def max_steps_per_frame(self) -> int:
        s = self.settings
        return max(1, int(s.max_steps_per_second / s.frames_per_second))

    async def train_and_send(self, steps: int) -> None:
        await self.send_text(await self.call_lab(self.lab.train, steps))

    async def play(self) -> None:
        """Train and stream until paused, diverged, finished or disconnected, at most `fps`
        frames a second (fewer when the lab asks for a slower pace)."""
        while True:
            period = max(1.0 / self.settings.frames_per_second, self.lab.play_period())
            started = time.monotonic()
            try:
                await self.train_and_send(min(self.steps_per_frame, self.max_steps_per_frame()))
            except LabError as exc:
                await self.send_error(exc.code, exc.message, **exc.params)
                break
            if self.lab.diverged:
                await self.send_error(
                    "diverged", "Training diverged: the loss is no longer finite. Reset to go on."
                )
                break
            if self.lab.finished:
                break
            await asyncio.sleep(max(0.0, period - (time.monotonic() - started)))
        # Still inside the task, so `running` would read True: say "stopped" explicitly.
        await self.send(
            p.Status(
                running=False,
                step=self.lab.step_count,
                diverged=self.lab.diverged,
                steps_per_frame=self.steps_per_frame,
            )
        )

    async def stop_playing(self) -> None:
        if self.player is not None:
            self.player.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.player
            self.player = None

    def public_limits(self) -> dict[str, float | int]:
        s = self.settings
        return {
            "max_layers": s.max_layers,
            "max_neurons": s.max_neurons,
            "max_inputs": s.max_inputs,
            "max_message_bytes": s.max_message_bytes,
            "max_messages_per_second": s.max_messages_per_second,
            "max_steps_per_request": s.max_steps_per_request,
            "max_steps_per_frame": self.max_steps_per_frame(),
            "frames_per_second": s.frames_per_second,
            "max_abs_value": s.max_abs_value,
        }
