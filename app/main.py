"""The application factory: settings, templates, static files and every router, in one place."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app.routers import export, health, pages, vendor, ws
from app.settings import Settings, get_settings
from app.ws.registry import SessionRegistry


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="Neural Playground", docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=settings.templates_dir)
    app.state.sessions = SessionRegistry(settings.max_sessions)
    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    for module in (health, vendor, pages, export, ws):
        app.include_router(module.router)
    return app


app = create_app()
