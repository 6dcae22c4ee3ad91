"""`/ws/{lab}`: one websocket session per browser tab, driving one lab."""

import asyncio
import contextlib
import logging

from fastapi import APIRouter, WebSocket

from neural_playground.app.runtime import Runtime
from neural_playground.app.security import access_granted, origin_allowed
from neural_playground.app.ws import protocol as p
from neural_playground.app.ws.departure import (
    CLOSE_FULL,
    CLOSE_POLICY,
    CLOSE_RESTART,
    CLOSE_UNAVAILABLE,
)

router = APIRouter(tags=["websocket"])
log = logging.getLogger(__name__)

LAB_UNAVAILABLE = "This lab could not start on the server. The page tries again in a moment."


async def refuse(
    websocket: WebSocket, runtime: Runtime, code: str, message: str, close: int, **params
) -> None:
    """Accept only to say why (the page shows it), then close."""
    runtime.metrics.refused.labels(code).inc()
    log.info("connection refused", extra={"reason": code})
    await websocket.accept()
    await websocket.send_text(p.Error(code=code, message=message, params=params).model_dump_json())
    await websocket.close(code=close)


@router.websocket("/ws/{lab_name}")
async def lab_socket(websocket: WebSocket, lab_name: str) -> None:
    runtime: Runtime = websocket.app.state.runtime
    settings = runtime.settings
    if not origin_allowed(websocket, settings):
        # Refused before the handshake completes: a foreign page learns nothing.
        runtime.metrics.refused.labels("origin").inc()
        log.warning("websocket from a foreign origin refused")
        await websocket.close(code=CLOSE_POLICY)
        return
    if not access_granted(websocket, settings):
        await refuse(
            websocket,
            runtime,
            "access_required",
            "This workshop needs its access code.",
            CLOSE_POLICY,
        )
        return
    if runtime.draining:  # this replica is stopping: the page tries again, elsewhere
        await websocket.accept()
        await websocket.close(code=CLOSE_RESTART)
        return
    lab_class = runtime.labs.get(lab_name)
    if lab_class is None:
        await refuse(websocket, runtime, "unknown_lab", "There is no such lab.", CLOSE_POLICY)
        return
    if not await runtime.claim_session():  # `open_session` gives the claim back
        await refuse(
            websocket,
            runtime,
            "server_full",
            "The server is full. Try again in a minute.",
            CLOSE_FULL,
            limit=settings.max_sessions,
        )
        return
    try:
        await websocket.accept()
    except BaseException:  # gone before the handshake completed: its slot is free again
        await runtime.unclaim_session()
        raise
    try:
        session = await runtime.open_session(websocket, lab_class)
    except Exception:  # no lab for it (its lab process could not make one): say so, close
        log.exception("could not open a session")
        error = p.Error(code="lab_unavailable", message=LAB_UNAVAILABLE)
        with contextlib.suppress(Exception):
            await websocket.send_text(error.model_dump_json())
            await websocket.close(code=CLOSE_UNAVAILABLE)
        return
    try:
        await session.run()
    finally:
        # Runs to the end even if this task is cancelled (some servers cancel it on close).
        await asyncio.shield(runtime.close_session(session))
