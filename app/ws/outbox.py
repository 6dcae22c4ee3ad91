"""What a session sends: one message at a time on the wire, and never waiting for good.

A client that stops reading fills the socket's buffers, then a send would wait forever:
past NP_SEND_TIMEOUT_SECONDS the outbox gives up, marks itself `stalled` and ends the
session (its receive loop may be waiting on that same silent client).
"""

import asyncio
import logging

from fastapi import WebSocket, WebSocketDisconnect
from pydantic import BaseModel

log = logging.getLogger(__name__)


class Outbox:
    def __init__(self, websocket: WebSocket, timeout_seconds: float) -> None:
        self.ws = websocket
        self.timeout_seconds = timeout_seconds
        self.lock = asyncio.Lock()  # frames and answers never interleave on the wire
        self.stalled = False  # a send timed out: the client stopped reading
        #: The task to cancel when a send stalls (the session's `run`), once it is known.
        self.reader: asyncio.Task | None = None

    async def send_text(self, text: str) -> None:
        async with self.lock:
            try:
                async with asyncio.timeout(self.timeout_seconds):
                    await self.ws.send_text(text)
            except TimeoutError:
                self.stall()
                raise WebSocketDisconnect(code=1006) from None
            except RuntimeError as exc:  # the server already answered the client's close
                raise WebSocketDisconnect(code=1006) from exc

    async def send(self, message: BaseModel) -> None:
        await self.send_text(message.model_dump_json())

    def stall(self) -> None:
        """A send timed out: end the session (its receive loop may wait on a silent client)."""
        log.warning("client stopped reading; closing its session")
        self.stalled = True
        if self.reader is not None and self.reader is not asyncio.current_task():
            self.reader.cancel()
