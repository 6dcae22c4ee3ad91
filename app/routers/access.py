"""`/access`: the entry page of a workshop with an access code (NP_ACCESS_CODE)."""

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from neural_playground.app.inbound import read_capped
from neural_playground.app.rootpath import root_of, safe_next
from neural_playground.app.routers.pages import render
from neural_playground.app.security import (
    ACCESS_COOKIE,
    ACCESS_COOKIE_SECONDS,
    access_token,
    code_matches,
    embeddable,
)
from neural_playground.app.ws.limits import GuessThrottle

router = APIRouter(tags=["pages"])

MAX_FORM_BYTES = 2_048


def client_address(request: Request) -> str:
    """The client's address as uvicorn reports it: the learner's own when a proxy in
    FORWARDED_ALLOW_IPS forwards it (X-Forwarded-For), else the connecting address. A school
    NAT is one address for a whole class: only wrong codes are counted against it."""
    return request.client.host if request.client else "?"


def guesses(request: Request) -> GuessThrottle:
    return request.app.state.access_guesses


@router.get("/access", response_class=HTMLResponse)
def access_page(request: Request, next: str = "") -> Response:
    target = safe_next(next, root_of(request.scope))
    return render(request, "access.html", page="access", next=target, failed=False)


@router.post("/access")
async def access_submit(request: Request) -> Response:
    body = await read_capped(request, MAX_FORM_BYTES)
    if body is None:
        return Response("Form too large.", status_code=413)
    form = parse_qs(body.decode("utf-8", "replace"))
    target = safe_next(form.get("next", [""])[0], root_of(request.scope))
    settings = request.app.state.settings
    throttle, address = guesses(request), client_address(request)
    # Refused unchecked while the address has no wrong guess left: a right code let through
    # here would tell a guesser which of their guesses was right.
    if not throttle.allowed(address):
        response = render(request, "access.html", page="access", next=target, failed="slow")
        response.status_code = 429
        response.headers["retry-after"] = str(max(1, round(throttle.retry_after(address))))
        return response
    if not code_matches(form.get("code", [""])[0], settings):
        throttle.failed(address)
        response = render(request, "access.html", page="access", next=target, failed="wrong")
        response.status_code = 401
        return response
    response = RedirectResponse(target, status_code=303)
    secure = request.url.scheme == "https"
    # In another site's frame (NP_FRAME_ANCESTORS) a Lax cookie would never be sent back.
    cross_site = secure and embeddable(settings)
    response.set_cookie(
        ACCESS_COOKIE,
        access_token(settings),
        max_age=ACCESS_COOKIE_SECONDS,
        httponly=True,
        samesite="none" if cross_site else "lax",
        secure=secure,
    )
    return response
