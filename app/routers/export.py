"""Weights export: a lab's state in, its network's weights out as NumPy `.npz` or JSON.

Stateless on purpose: the page sends the state it got from `get_state`; a fresh lab
restores it (validated exactly like `set_state`) and names its arrays (`Lab.weights`).
So the endpoint is the same for every lab with weights, and no session is touched.
"""

import io
import json
from typing import Literal

import numpy as np
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from app.inbound import MAX_JSON_DEPTH, read_capped, too_deep
from app.labs import Lab
from app.labs.common.saved_state import read_state, restore_saved
from app.protocol import LabError
from app.settings import Settings

router = APIRouter(prefix="/export", tags=["export"])


def problem(status: int, code: str, message: str, **params: object) -> JSONResponse:
    """The same shape as the websocket `error` message, so the page translates it alike."""
    return JSONResponse({"code": code, "message": message, "params": params}, status_code=status)


def lab_weights(lab_class: type[Lab], data: object, settings: Settings) -> dict[str, np.ndarray]:
    state = read_state(lab_class.State, data, settings.max_abs_value)
    lab = lab_class(settings)
    restore_saved(lab, state)
    return lab.weights()


def npz_bytes(weights: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **weights)
    return buffer.getvalue()


@router.post("/{lab_name}/weights.{fmt}")
async def export_weights(lab_name: str, fmt: Literal["npz", "json"], request: Request):
    settings: Settings = request.app.state.settings
    lab_class = request.app.state.runtime.labs.get(lab_name)
    if lab_class is None:
        return problem(404, "unknown_lab", f"No lab named '{lab_name}'.")
    if not lab_class.has_weights():
        return problem(404, "no_weights", "This page has no network weights to export.")
    # Read no more than the cap (a chunked upload is never buffered whole), and refuse deep
    # nesting before the parser recurses into it (RecursionError was a 500).
    body = await read_capped(request, settings.max_message_bytes)
    if body is None:
        return problem(
            413,
            "too_large",
            f"Message too large: at most {settings.max_message_bytes} bytes.",
            limit=settings.max_message_bytes,
        )
    if too_deep(body):
        return problem(
            400,
            "too_deep",
            f"The message nests more than {MAX_JSON_DEPTH} levels deep.",
            limit=MAX_JSON_DEPTH,
        )
    try:
        data = json.loads(body)
    except ValueError:
        return problem(400, "invalid_json", "The message is not valid JSON.")
    try:
        weights = await run_in_threadpool(lab_weights, lab_class, data, settings)
    except LabError as exc:
        return problem(422, exc.code, exc.message, **exc.params)
    if fmt == "json":
        return {name: array.tolist() for name, array in weights.items()}
    content = await run_in_threadpool(npz_bytes, weights)
    return Response(
        content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{lab_name}-weights.npz"'},
    )
