"""Liveness and readiness, for load balancers, Docker's HEALTHCHECK, Kubernetes and the tests.

`/healthz` says the process answers (restart it if not). `/readyz` says whether to send it
learners: 503 while it drains (SIGTERM, app/drain.py), while its lab processes warm up or one
is down, or while
the Redis it was given (REDIS_URL) does not answer, so that a balancer sends new visitors to
a replica that can serve them, and restarts nothing.
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    checks = await request.app.state.runtime.readiness()
    ready = all(value in ("ok", "off") for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )
