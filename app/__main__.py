"""`python -m app [--host H] [--port P]`: serve the playground (what `make run` calls)."""

import argparse

import uvicorn

from app.settings import get_settings


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    args = parser.parse_args()
    print(f"Neural Playground: http://{args.host}:{args.port}")
    uvicorn.run("app.main:app", host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
