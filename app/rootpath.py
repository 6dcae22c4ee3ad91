"""Hosting under a sub-path (NP_ROOT_PATH, e.g. `/playground` behind a proxy).

The proxy takes `https://school.example/playground/...` and passes `/...` on, the prefix
removed (nginx `location /playground/ { proxy_pass http://app/; }`, Traefik's StripPrefix,
jupyter-server-proxy): as uvicorn's own `--root-path`, this middleware puts the prefix back
into the request's path and sets the ASGI `root_path`, so that routing (which strips it
again), `request.url` and every link the server writes carry it. Templates prefix links with
`root`, scripts with `appPath()` (static/js/core/dom.js, read from `<html data-root>`).
"""

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send


class RootPath:
    """Pure ASGI middleware: the app as if it were mounted at `root` ("" is no prefix)."""

    def __init__(self, app: ASGIApp, root: str) -> None:
        self.app = app
        self.root = root

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.root and scope["type"] in ("http", "websocket"):
            raw = scope.get("raw_path") or scope["path"].encode()
            scope = {
                **scope,
                "root_path": self.root,
                "path": self.root + scope["path"],
                "raw_path": self.root.encode() + raw,
            }
        await self.app(scope, receive, send)


def root_of(scope: Scope) -> str:
    """The prefix every URL of ours takes in this request ("" when hosted at the root)."""
    return scope.get("root_path", "").rstrip("/")


def route_path(scope: Scope) -> str:
    """The request's path without the prefix: what the routes (and the gates) match."""
    root, path = root_of(scope), scope["path"]
    return path[len(root) :] if root and path.startswith(root + "/") else path


def safe_next(target: str, root: str = "") -> str:
    """Only a path of ours (under NP_ROOT_PATH `root`): a crafted `next` must not become an
    open redirect. Anything else goes to the home page."""
    parts = urlsplit(target)
    ok = not parts.scheme and not parts.netloc and target.startswith(root + "/")
    # "//host" and "/\host" are other sites to a browser.
    return target if ok and not target.startswith("//") and "\\" not in target else root + "/"
