"""The application factory: settings, templates, static files and every router, in one place."""

from collections.abc import Mapping

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from neural_playground.app.assets import TYPES, Assets
from neural_playground.app.labs import LESSONS, Lab, Lesson
from neural_playground.app.labs.common.lessons import labs_of, lesson_map, tours_of
from neural_playground.app.logs import RequestId, configure_logging
from neural_playground.app.page_names import PAGE_NAMES
from neural_playground.app.rootpath import RootPath
from neural_playground.app.routers import (
    access,
    export,
    health,
    metrics,
    pages,
    rooms,
    static,
    vendor,
    ws,
)
from neural_playground.app.runtime import Runtime
from neural_playground.app.security import AccessGate, HostGate, SecurityHeaders
from neural_playground.app.settings import Settings, get_settings
from neural_playground.app.ws.limits import GuessThrottle

NOT_GZIPPED = (*DEFAULT_EXCLUDED_CONTENT_TYPES, *TYPES.values(), "application/octet-stream")


def create_app(
    settings: Settings | None = None,
    labs: Mapping[str, type[Lab]] | None = None,
    lessons: Mapping[str, Lesson] | None = None,
) -> FastAPI:
    """The app for `settings`, serving the pages of `lessons` (default: every lesson found
    in app/labs) and `labs` at /ws (default: the lessons' labs; tests add page-less ones)."""
    settings = settings or get_settings()
    configure_logging(settings.log_format, settings.log_level)
    lessons = LESSONS if lessons is None else lessons
    runtime = Runtime(settings, labs_of(lessons) if labs is None else labs)
    app = FastAPI(
        title="Neural Playground", docs_url=None, redoc_url=None, lifespan=runtime.lifespan
    )
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.sessions = runtime.sessions
    # Wrong access codes per client address (app/routers/access.py).
    app.state.access_guesses = GuessThrottle(
        settings.access_guess_burst, settings.access_guess_refill_seconds
    )
    app.state.lessons = dict(lessons)
    app.state.sections = lesson_map(lessons)  # the home page's cards and the navigation
    app.state.tours = tours_of(lessons)
    app.state.templates = Jinja2Templates(directory=settings.templates_dir)
    app.state.plotly_js = vendor.choose_plotly(settings.static_dir)
    app.state.templates.env.globals["plotly_style_guards"] = vendor.style_guards(
        app.state.plotly_js
    )
    app.state.templates.env.globals["page_names"] = PAGE_NAMES
    app.state.assets = Assets(settings.static_dir, {"vendor/plotly.min.js": app.state.plotly_js})
    root = settings.root  # NP_ROOT_PATH: every URL the pages and scripts use starts with it
    app.state.templates.env.globals["root"] = root
    app.state.templates.env.globals["static_url"] = lambda name: root + app.state.assets.url(name)
    for module in (health, metrics, static, access, rooms, pages, export, ws):
        app.include_router(module.router)
    app.include_router(pages.lesson_router(lessons))
    # Pages and JSON: small, compressed per response. Static files come precompressed
    # (app/assets.py), weight exports are binary: left alone.
    app.add_middleware(GZipMiddleware, compresslevel=6, exclude_content_types=NOT_GZIPPED)
    # Outermost last: every response gets an id and the security headers, even refusals.
    app.add_middleware(AccessGate, settings=settings)
    # Only names we answer to (DNS rebinding): a foreign name learns nothing, not even /access.
    app.add_middleware(HostGate, settings=settings)
    app.add_middleware(SecurityHeaders, settings=settings)
    app.add_middleware(RequestId)
    app.add_middleware(RootPath, root=root)  # first of all: everything sees the whole path
    return app


app = create_app()
