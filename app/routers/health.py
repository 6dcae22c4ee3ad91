"""Liveness for load balancers, Docker's HEALTHCHECK and the tests."""

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
