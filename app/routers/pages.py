"""HTML pages. Handlers only pick a template and the language; the engine speaks over /ws."""

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app import i18n
from app.pages import SECTIONS

router = APIRouter(tags=["pages"])

ONE_YEAR = 365 * 24 * 3600
RETRY_SECONDS = 60


def render(request: Request, template: str, **context) -> HTMLResponse:
    settings = request.app.state.settings
    lang = i18n.choose_language(request, settings.default_language)
    # A lab page would open a session: when the server is full, say so kindly instead.
    full = "lab" in context and request.app.state.runtime.sessions.full
    if full:
        template, context = "full.html", {"page": "full", "retry_seconds": RETRY_SECONDS}

    def t(key: str, **params: object) -> str:
        return i18n.translate(lang, key, **params)

    response = request.app.state.templates.TemplateResponse(
        request,
        template,
        {"lang": lang, "t": t, "catalog": i18n.catalog(lang), "sections": SECTIONS, **context},
    )
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, max_age=ONE_YEAR, samesite="lax")
    if full:
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_SECONDS)
        response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", page="home")


@router.get("/neurons", response_class=HTMLResponse)
def neurons(request: Request) -> HTMLResponse:
    return render(request, "neurons.html", page="neurons", lab="neurons")


@router.get("/lang/{code}")
def set_language(code: str, next: str = "/") -> RedirectResponse:
    """Remember the language in a cookie, then go back to the page the switch was on."""
    # Only same-site paths: a crafted `next` must not turn this into an open redirect.
    target = urlsplit(next)
    safe_next = next if not target.scheme and not target.netloc and next.startswith("/") else "/"
    response = RedirectResponse(safe_next, status_code=303)
    if code in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, code, max_age=ONE_YEAR, samesite="lax")
    return response
