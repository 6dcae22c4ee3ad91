"""`/room?code=...`: where a student's "join" form goes; it leads to the room's lab page."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.rooms import normalize_code
from app.routers.pages import render

router = APIRouter(tags=["pages"])


@router.get("/room", response_class=HTMLResponse)
async def join_room(request: Request, code: str = "") -> Response:
    """Lab pages live at their lesson's route; the page follows the room when it sees `?room=`."""
    code = normalize_code(code)[:12]
    runtime = request.app.state.runtime
    lab = await runtime.rooms.lookup(code) if code.isalnum() else None
    if lab in runtime.labs:
        lesson = request.app.state.lessons.get(lab)
        page = lesson.route if lesson else f"/{lab}"  # a page-less lab (tests) by its name
        return RedirectResponse(f"{page}?room={code}", status_code=303)
    response = render(request, "room.html", page="room", code=code, missing=bool(code))
    response.status_code = 404 if code else 200
    return response
