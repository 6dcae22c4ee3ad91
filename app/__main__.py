"""`neural-playground [--host H] [--port P]`: serve the playground (what `make run` calls).

It runs uvicorn's own command line, so every `UVICORN_*` variable (e.g. `UVICORN_WORKERS`,
`UVICORN_WS_MAX_SIZE`) works here as in the Docker image.
"""

import argparse
import importlib
import os

from neural_playground.app.settings import get_settings

#: Transport defaults for a classroom, as in the Dockerfile: per-message compression costs
#: the server about as much CPU as the training itself, and CPU is what a room runs out of.
TRANSPORT_DEFAULTS = {"UVICORN_WS_PER_MESSAGE_DEFLATE": "false"}


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="neural-playground", description=__doc__)
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    args = parser.parse_args()
    for name, value in TRANSPORT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    if settings.log_format == "text":  # JSON logs stay JSON only, line for line
        print(f"Neural Playground: http://{args.host}:{args.port}{settings.root}/")
    uvicorn_cli = importlib.import_module("uvicorn.main").main
    uvicorn_cli(
        ["neural_playground.app.main:app", "--host", args.host, "--port", str(args.port)],
        prog_name="neural-playground",
    )


if __name__ == "__main__":
    main()
