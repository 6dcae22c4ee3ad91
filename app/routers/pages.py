"""HTML pages. Handlers only pick a template and the language; the engine speaks over /ws.

Each lesson's page is routed from its `LESSON` (`lesson_router`, included by app/main.py).
"""

from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from neural_playground.app import i18n, join
from neural_playground.app.labs import Lesson
from neural_playground.app.labs.common.lessons import code_exporter, tour_link
from neural_playground.app.rootpath import root_of, safe_next

router = APIRouter(tags=["pages"])

ONE_YEAR = 365 * 24 * 3600
RETRY_SECONDS = 60


def here_without_lang(request: Request) -> str:
    """This page's path and query for the language switch, minus `lang` (which would win)."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    return request.url.path + (f"?{query}" if query else "")


def render(request: Request, template: str, *, full: bool = False, **context) -> HTMLResponse:
    """`full`: the server has no room for the session this page would open (a lab page asks
    `runtime.full()`): say so kindly instead."""
    settings = request.app.state.settings
    lang = i18n.choose_language(request, settings.default_language)
    if full:
        template, context = "full.html", {"page": "full", "retry_seconds": RETRY_SECONDS}

    def t(key: str, **params: object) -> str:
        return i18n.translate(lang, key, **params)

    lessons, labs = request.app.state.lessons, request.app.state.runtime.labs
    page, lab = context.get("page"), context.get("lab")
    lesson = lessons.get(page)
    tour = lesson and lesson.tour
    keys = i18n.page_keys(settings.static_dir, lab, tour and tour.page, lesson and lesson.catalog)
    classroom = {
        "tour": tour,  # guided tour, share and export: see tours.py, share.js
        "trainable": lab is not None and labs[lab].trainable,
        "has_weights": lab is not None and labs[lab].has_weights(),
        "has_code": lab is not None and code_exporter(labs[lab]) is not None,
        "here": here_without_lang(request),
        # Where students join a room: never the teacher's loopback when a better one exists.
        "join_url": join.shown(join.join_url(request, settings)),
    }
    response = request.app.state.templates.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "t": t,
            # Already JSON, and safe inside <script>: see page_catalog.
            "catalog": Markup(i18n.page_catalog(lang, keys)),
            "sections": request.app.state.sections,
            **classroom,
            **context,
        },
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
    tours = request.app.state.tours
    lessons = [(s, tour_link(s.number, s.path, tours)) for s in request.app.state.sections]
    return render(request, "home.html", page="home", lessons=lessons)


def lesson_router(lessons: Mapping[str, Lesson]) -> APIRouter:
    """One page per lesson, at its route (teacher rooms send students to `<route>?room=...`)."""
    lesson_pages = APIRouter(tags=["pages"])
    for lesson in lessons.values():
        lesson_pages.add_api_route(
            lesson.route,
            lesson_page(lesson),
            methods=["GET"],
            response_class=HTMLResponse,
            name=lesson.name,
        )
    return lesson_pages


def lesson_page(lesson: Lesson):
    async def page(request: Request) -> HTMLResponse:
        context = lesson.page_context(request.app.state.settings)
        full = await request.app.state.runtime.full()
        return render(request, lesson.template, full=full, **context)

    page.__name__ = f"{lesson.name}_page"
    return page


@router.get("/lang/{code}")
def set_language(request: Request, code: str, next: str = "") -> RedirectResponse:
    """Remember the language in a cookie, then go back to the page the switch was on."""
    # Only same-site paths: a crafted `next` must not turn this into an open redirect.
    response = RedirectResponse(safe_next(next, root_of(request.scope)), status_code=303)
    if code in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, code, max_age=ONE_YEAR, samesite="lax")
    return response
