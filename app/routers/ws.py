"""`/ws/{lab}`: one websocket session per browser tab, driving one lab."""

import asyncio

from fastapi import APIRouter, WebSocket

from app.labs import LABS
from app.settings import Settings
from app.ws import protocol as p
from app.ws.registry import SessionRegistry
from app.ws.session import CLOSE_FULL, Session

router = APIRouter(tags=["websocket"])


@router.websocket("/ws/{lab_name}")
async def lab_socket(websocket: WebSocket, lab_name: str) -> None:
    settings: Settings = websocket.app.state.settings
    registry: SessionRegistry = websocket.app.state.sessions
    await websocket.accept()
    lab_class = LABS.get(lab_name)
    if lab_class is None:
        error = p.Error(code="unknown_lab", message=f"No lab named '{lab_name}'.")
        await websocket.send_text(error.model_dump_json())
        await websocket.close(code=1008)
        return
    if registry.full:
        error = p.Error(
            code="server_full",
            message="The server is full. Try again in a minute.",
            params={"limit": settings.max_sessions},
        )
        await websocket.send_text(error.model_dump_json())
        await websocket.close(code=CLOSE_FULL)
        return
    # Off the event loop: a lab may load data first (the digits take a moment, once).
    lab = await asyncio.to_thread(lab_class, settings)
    session = Session(websocket, lab, settings)
    registry.add(session)
    try:
        await session.run()
    finally:
        registry.remove(session)
