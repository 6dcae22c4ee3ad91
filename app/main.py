"""The application factory: settings, templates, static files and every router, in one place."""

from collections.abc import Mapping

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app.labs import LESSONS, Lab, Lesson
from app.labs.common.lessons import labs_of, lesson_map, tours_of
from app.logs import RequestId, configure_logging
from app.page_names import PAGE_NAMES
from app.routers import access, export, health, metrics, pages, rooms, vendor, ws
from app.runtime import Runtime
from app.security import AccessGate, HostGate, SecurityHeaders
from app.settings import Settings, get_settings


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
    app.state.access_attempts = {}
    app.state.lessons = dict(lessons)
    app.state.sections = lesson_map(lessons)  # the home page's cards and the navigation
    app.state.tours = tours_of(lessons)
    app.state.templates = Jinja2Templates(directory=settings.templates_dir)
    app.state.templates.env.globals["plotly_style_guards"] = vendor.PLOTLY_STYLE_GUARDS
    app.state.templates.env.globals["page_names"] = PAGE_NAMES
    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    for module in (health, metrics, vendor, access, rooms, pages, export, ws):
        app.include_router(module.router)
    app.include_router(pages.lesson_router(lessons))
    # Outermost last: every response gets an id and the security headers, even refusals.
    app.add_middleware(AccessGate, settings=settings)
    # Only names we answer to (DNS rebinding): a foreign name learns nothing, not even /access.
    app.add_middleware(HostGate, settings=settings)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestId)
    return app


app = create_app()
