"""Structured logs: every line carries the request id and, inside a websocket, the session id.

`NP_LOG_FORMAT=json` writes one JSON object a line (for log collectors), uvicorn's own lines
(start, errors, the access log) too; `text` writes the same fields for a terminal and leaves
uvicorn's lines as uvicorn writes them. Log what happened (codes, counts, ids), never what a
client sent (the access log keeps the path, not the query).
"""

import json
import logging
import re
import secrets
import sys
import time
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
session_id: ContextVar[str | None] = ContextVar("session_id", default=None)

#: Fields of a record that are the logging module's own, not ours (and uvicorn's copy of its
#: message with terminal colours).
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}
_HANDLER_NAME = "neural-playground"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class ContextFilter(logging.Filter):
    """Stamp each record with the ids of the request and session it happened in."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.session = session_id.get()
        return True


def extra_fields(record: logging.LogRecord) -> dict:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD}


#: uvicorn's loggers: "uvicorn" (with "uvicorn.error" under it) and the access log.
UVICORN_LOGGERS = ("uvicorn", "uvicorn.access")


def access_fields(record: logging.LogRecord) -> dict | None:
    """An access-log line of uvicorn's as fields (its arguments: client address, method,
    path with query, HTTP version, status); None for any other record."""
    if record.name != "uvicorn.access" or not isinstance(record.args, tuple):
        return None
    if len(record.args) != 5:
        return None
    client, method, path, http, status = record.args
    return {
        "event": "request",
        "client": client,
        "method": method,
        "path": str(path).partition("?")[0],
        "http": http,
        "status": status,
    }


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            **{k: v for k, v in extra_fields(record).items() if v is not None},
        }
        entry.update(access_fields(record) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in extra_fields(record).items() if v is not None)
        line = f"{record.levelname:<7} {record.name}: {record.getMessage()} {fields}".rstrip()
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(fmt: str = "text", level: str = "info") -> None:
    """Send the `app` loggers to stderr in the chosen format, and in JSON uvicorn's too (it
    set up its own before importing the app). Safe to call more than once."""
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    logger = logging.getLogger("neural_playground.app")
    logger.setLevel(level.upper())
    take_over(logger, handler, keep_others=True)
    if fmt == "json":
        for name in UVICORN_LOGGERS:
            take_over(logging.getLogger(name), handler, keep_others=False)


def take_over(logger: logging.Logger, handler: logging.Handler, keep_others: bool) -> None:
    """`handler` in place of an earlier one of ours (and of every other, unless kept)."""
    for old in list(logger.handlers):
        if not keep_others or old.get_name() == _HANDLER_NAME:
            logger.removeHandler(old)
    logger.addHandler(handler)
    logger.propagate = False


class RequestId:
    """Pure ASGI middleware: give each request (and websocket) an id for its log lines.

    A sane `X-Request-ID` from a proxy is kept so logs line up across hops; the id is echoed
    in the response.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", ())).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SANE_ID.fullmatch(given) else secrets.token_hex(8)
        token = request_id.set(rid)

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)
