"""Exports of a lab's network: its weights as NumPy `.npz` or JSON, and the network as a
PyTorch script, a Keras script or a Jupyter notebook (app/codegen).

Stateless on purpose: the page sends the state it got from `get_state`; a fresh lab
restores it (validated exactly like `set_state`) and names its arrays (`Lab.weights`) or
describes itself to the code generator (`app/labs/<lesson>/code_export.py`). So the
endpoints are the same for every lab, and no session is touched.
"""

import io
import json
from collections.abc import Callable
from typing import Literal, TypeVar

import numpy as np
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from neural_playground.app import codegen, i18n
from neural_playground.app.inbound import MAX_JSON_DEPTH, read_capped, too_deep
from neural_playground.app.labs import Lab
from neural_playground.app.labs.common.lessons import code_exporter
from neural_playground.app.labs.common.saved_state import read_state, restore_saved
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings

router = APIRouter(prefix="/export", tags=["export"])
T = TypeVar("T")


def problem(status: int, code: str, message: str, **params: object) -> JSONResponse:
    """The same shape as the websocket `error` message, so the page translates it alike."""
    return JSONResponse({"code": code, "message": message, "params": params}, status_code=status)


def restored(lab_class: type[Lab], data: object, settings: Settings, use: Callable[[Lab], T]) -> T:
    """What `use` makes of a lab restored from a posted state: checked like every saved state
    (`read_state`), and whatever the lab or `use` refuses is `bad_state`, never a 500."""
    state = read_state(lab_class.State, data, settings.max_abs_value)
    return restore_saved(lab_class(settings), state, use)


def lab_weights(lab_class: type[Lab], data: object, settings: Settings) -> dict[str, np.ndarray]:
    return restored(lab_class, data, settings, lab_class.weights)


def npz_bytes(weights: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **weights)
    return buffer.getvalue()


async def posted_json(request: Request) -> object | JSONResponse:
    """The posted state as parsed JSON, or the problem response that refuses it."""
    settings: Settings = request.app.state.settings
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
        return json.loads(body)
    except ValueError:
        return problem(400, "invalid_json", "The message is not valid JSON.")


def known_lab(request: Request, lab_name: str) -> type[Lab] | JSONResponse:
    lab_class = request.app.state.runtime.labs.get(lab_name)
    if lab_class is None:
        return problem(404, "unknown_lab", f"No lab named '{lab_name}'.")
    return lab_class


@router.post("/{lab_name}/weights.{fmt}")
async def export_weights(lab_name: str, fmt: Literal["npz", "json"], request: Request):
    lab_class = known_lab(request, lab_name)
    if isinstance(lab_class, JSONResponse):
        return lab_class
    if not lab_class.has_weights():
        return problem(404, "no_weights", "This page has no network weights to export.")
    data = await posted_json(request)
    if isinstance(data, JSONResponse):
        return data
    settings: Settings = request.app.state.settings
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


def code_text(
    lab_class: type[Lab], describe: Callable, data: object, settings: Settings, fmt: str, lang: str
) -> str:
    return codegen.render(restored(lab_class, data, settings, describe), fmt, lang)


MEDIA_TYPES = {"py": "text/x-python; charset=utf-8", "ipynb": "application/x-ipynb+json"}


@router.post("/{lab_name}/{kind}.{ext}")
async def export_code(
    lab_name: str,
    kind: Literal["pytorch", "keras", "notebook"],
    ext: Literal["py", "ipynb"],
    request: Request,
):
    """The network as code: `pytorch.py`, `keras.py` or `notebook.ipynb`, explained in the
    page's language (`?lang=`, else the learner's as for pages)."""
    fmt = f"{kind}.{ext}"
    lab_class = known_lab(request, lab_name)
    if isinstance(lab_class, JSONResponse):
        return lab_class
    if fmt not in codegen.FORMATS:
        return problem(404, "unknown_format", f"No export named '{fmt}'.")
    describe = code_exporter(lab_class)
    if describe is None:
        return problem(404, "no_weights", "This page has no network to export.")
    data = await posted_json(request)
    if isinstance(data, JSONResponse):
        return data
    settings: Settings = request.app.state.settings
    lang = i18n.choose_language(request, settings.default_language)
    try:
        text = await run_in_threadpool(code_text, lab_class, describe, data, settings, fmt, lang)
    except LabError as exc:
        return problem(422, exc.code, exc.message, **exc.params)
    filename = f"{lab_name}_{kind}.{ext}"
    return Response(
        text.encode("utf-8"),
        media_type=MEDIA_TYPES[ext],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
