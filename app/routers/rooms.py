"""`/room?code=...`: where a student's "join" form goes; it leads to the room's lab page.
`/room/class?code=...`: the teacher's view of the class in a window of its own."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from neural_playground.app.rooms import RoomError, normalize_code
from neural_playground.app.rootpath import root_of
from neural_playground.app.routers.access import client_address
from neural_playground.app.routers.pages import render

router = APIRouter(tags=["pages"])


async def find_room(
    request: Request, code: str, template: str, page: str
) -> tuple[str | None, Response | None]:
    """The lab of the open room `code`, or the page that says why not (`template`): too many
    wrong codes from this address (429), rooms unreachable (503), no such room (404)."""
    runtime = request.app.state.runtime
    address = client_address(request)
    # Wrong codes are counted per client address (see app/routers/access.py); while an
    # address has none left, codes are not even looked up (a hit would show itself).
    if code and not runtime.room_guesses.allowed(address):
        wait = max(1, round(runtime.room_guesses.retry_after(address)))
        response = render(request, template, page=page, code=code, slow=wait)
        response.status_code = 429
        response.headers["retry-after"] = str(wait)
        return None, response
    try:
        lab = await runtime.rooms.lookup(code) if code.isalnum() else None
    except RoomError:  # Redis unreachable: not the learner's mistake, not a guess
        response = render(request, template, page=page, code=code, unavailable=True)
        response.status_code = 503
        return None, response
    if lab in runtime.labs:
        return lab, None
    if code:
        runtime.room_guesses.failed(address)
    response = render(request, template, page=page, code=code, missing=bool(code))
    response.status_code = 404 if code else 200
    return None, response


@router.get("/room", response_class=HTMLResponse)
async def join_room(request: Request, code: str = "") -> Response:
    """Lab pages live at their lesson's route; the page follows the room when it sees `?room=`."""
    code = normalize_code(code)[:12]
    lab, refusal = await find_room(request, code, "room.html", "room")
    if refusal is not None:
        return refusal
    lesson = request.app.state.lessons.get(lab)
    page = lesson.route if lesson else f"/{lab}"  # a page-less lab (tests) by its name
    return RedirectResponse(f"{root_of(request.scope)}{page}?room={code}", status_code=303)


@router.get("/room/class", response_class=HTMLResponse)
async def class_page(request: Request, code: str = "") -> Response:
    """The teacher's view of the class in a window of its own (static/js/core/classpage.js):
    the roster of the room's teacher tab in this browser, passed on by that tab, so only the
    browser that teaches the room (it holds the teacher key) sees anything."""
    code = normalize_code(code)[:12]
    _, refusal = await find_room(request, code, "class.html", "class")
    return refusal or render(request, "class.html", page="class", code=code)
