"""`/room?code=...`: where a student's "join" form goes; it leads to the room's lab page."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from neural_playground.app.rooms import RoomError, normalize_code
from neural_playground.app.rootpath import root_of
from neural_playground.app.routers.access import client_address
from neural_playground.app.routers.pages import render

router = APIRouter(tags=["pages"])


@router.get("/room", response_class=HTMLResponse)
async def join_room(request: Request, code: str = "") -> Response:
    """Lab pages live at their lesson's route; the page follows the room when it sees `?room=`."""
    code = normalize_code(code)[:12]
    runtime = request.app.state.runtime
    if code:
        # Wrong codes are counted per client address (see app/routers/access.py); while an
        # address has none left, codes are not even looked up (a hit would show itself).
        address = client_address(request)
        if not runtime.room_guesses.allowed(address):
            wait = max(1, round(runtime.room_guesses.retry_after(address)))
            response = render(request, "room.html", page="room", code=code, slow=wait)
            response.status_code = 429
            response.headers["retry-after"] = str(wait)
            return response
    try:
        lab = await runtime.rooms.lookup(code) if code.isalnum() else None
    except RoomError:  # Redis unreachable: not the learner's mistake, not a guess
        response = render(request, "room.html", page="room", code=code, unavailable=True)
        response.status_code = 503
        return response
    if lab in runtime.labs:
        lesson = request.app.state.lessons.get(lab)
        page = lesson.route if lesson else f"/{lab}"  # a page-less lab (tests) by its name
        return RedirectResponse(f"{root_of(request.scope)}{page}?room={code}", status_code=303)
    if code:
        runtime.room_guesses.failed(address)
    response = render(request, "room.html", page="room", code=code, missing=bool(code))
    response.status_code = 404 if code else 200
    return response
