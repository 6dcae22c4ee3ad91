"""Security for a server on a workshop network: headers, websocket origins, the access code.

- Every HTTP response carries a Content-Security-Policy that allows nothing from another
  origin (the page, its scripts, Plotly and the websocket are all served by us), plus
  nosniff, a strict referrer policy and frame-ancestors 'none' (no clickjacking), or the
  sites NP_FRAME_ANCESTORS names (an LMS or slides that embed a page).
- A websocket whose `Origin` is not ours (or in NP_ALLOWED_ORIGINS) is refused before it is
  accepted: another site open in the learner's browser cannot drive their session.
- With NP_ACCESS_CODE set, every page and websocket needs the cookie that the entry page
  (/access) sets once the code is typed: signed with NP_SECRET_KEY, one of its own per login.
- A request whose `Host` is a name we do not answer to is refused (DNS rebinding, below).
"""

import hashlib
import hmac
import ipaddress
import logging
import secrets
import socket
import time
from urllib.parse import quote, urlsplit

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from neural_playground.app.rootpath import root_of, route_path
from neural_playground.app.settings import Settings

# Two allowances, both for Plotly (and no script ever runs from a string):
# - Plotly adds its own rules through an *empty* <style> element it fills with insertRule()
#   (CSSOM, which CSP does not police). The hash of the empty string lets exactly that empty
#   element in; any <style> with content is still refused.
# - d3 inside Plotly writes `style` attributes while drawing (`.attr("style", ...)`):
#   style-src-attr 'unsafe-inline' allows attributes only, never stylesheets or elements.
EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    f"style-src-elem 'self' {EMPTY_STYLE_HASH}",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    return "; ".join((*POLICY, f"frame-ancestors {frame_ancestors}"))


CONTENT_SECURITY_POLICY = content_security_policy()


def security_headers(frame_ancestors: str = "'none'") -> tuple[tuple[bytes, bytes], ...]:
    """The headers of every response. X-Frame-Options (for browsers without CSP level 2)
    can say only "no one" or "this site": with other sites allowed it is left out."""
    sources = " ".join(frame_ancestors.replace(",", " ").split())
    frame_options = {"'none'": b"DENY", "'self'": b"SAMEORIGIN"}.get(sources)
    return (
        (b"content-security-policy", content_security_policy(sources).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        *([(b"x-frame-options", frame_options)] if frame_options else []),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    )


def embeddable(settings: Settings) -> bool:
    """Other sites may frame the pages: cookies must then ride cross-site (SameSite=None)."""
    return any(src not in ("'none'", "'self'") for src in settings.frame_ancestors.split())


#: Health probes (app/routers/health.py), answered whatever name they ask by.
PROBES = ("/healthz", "/readyz")
ACCESS_COOKIE = "np_access"
ACCESS_COOKIE_SECONDS = 12 * 3600
#: Reachable without the access code: health checks, metrics, the entry page and its assets.
OPEN_PATHS = (*PROBES, "/metrics", "/access", "/static/", "/vendor/", "/favicon.ico")


class SecurityHeaders:
    """Pure ASGI middleware: add the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = security_headers(settings.frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- host names (DNS rebinding) ----------------------------------------------------------------
#
# A page on evil.example can re-point its own name at this server's address (127.0.0.1, or the
# workshop host's LAN address) once the learner has it open: the browser then treats our
# server as same-origin with that page, which could read our pages and drive sessions. Every
# such request carries `Host: evil.example`, so we answer only names we know. An IP address
# is always fine: a rebinding page has a name, never an address, and a workshop's learners
# type the host's LAN address, whatever NP_HOST the server was started with.

log = logging.getLogger(__name__)


def own_host_names() -> frozenset[str]:
    """Names this machine answers to without any configuration (no DNS lookup: it may hang)."""
    name = socket.gethostname().lower().rstrip(".")
    short = name.split(".")[0]
    return frozenset(n for n in ("localhost", name, short, f"{short}.local") if n != ".local")


def host_allowed(host_header: str, allowed: frozenset[str], own: frozenset[str]) -> bool:
    """Whether `Host` names this server: an IP address, a *.localhost name (RFC 6761), one of
    `own`, one of `allowed` (NP_ALLOWED_HOSTS; `*.name` covers subdomains, `*` anything)."""
    if "*" in allowed:
        return True
    try:
        name = (urlsplit(f"//{host_header}").hostname or "").rstrip(".")
    except ValueError:  # an unbalanced "[" and such: not a host of ours
        return False
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    if name.endswith(".localhost") or name in own or name in allowed:
        return True
    return any(a.startswith("*.") and name.endswith(a[1:]) for a in allowed)


class HostGate:
    """Pure ASGI middleware: refuse pages and websockets asked for by a name not ours."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.allowed = settings.hosts
        self.own = own_host_names()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        # The probes tell nobody anything: they may ask by any name (a pod's, a balancer's).
        if route_path(scope) in PROBES or host_allowed(host, self.allowed, self.own):
            await self.app(scope, receive, send)
            return
        log.warning("request for a host name not ours refused (see NP_ALLOWED_HOSTS)")
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # before accepting: HTTP 403
            return
        response = PlainTextResponse(
            "This server does not answer to that name: add it to NP_ALLOWED_HOSTS.",
            status_code=400,
        )
        await response(scope, receive, send)


# --- websocket origins -----------------------------------------------------------------------


def origin_allowed(connection: HTTPConnection, settings: Settings) -> bool:
    """Same origin as the page (by the Host header), or one of NP_ALLOWED_ORIGINS.

    Browsers always send Origin on websockets; a client without one is not a browser, so no
    one's cookies or session ride along and cross-site hijacking does not apply.
    """
    origin = connection.headers.get("origin")
    if origin is None:
        return True
    origin = origin.strip().rstrip("/").lower()
    allowed = settings.origins
    if "*" in allowed or origin in allowed:
        return True
    host = connection.headers.get("host", "").lower()
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and bool(host) and parts.netloc == host


# --- the workshop access code ----------------------------------------------------------------


def cookie_key(settings: Settings) -> bytes:
    """The key access cookies are signed with: the server secret bound to the access code, so
    a new code (or a new secret) turns every earlier cookie away."""
    secret = settings.secret_key.get_secret_value().encode()
    code = settings.access_code.get_secret_value().encode()
    return hmac.new(secret, b"neural-playground-access\0" + code, hashlib.sha256).digest()


def cookie_mac(settings: Settings, nonce: str, issued: str) -> str:
    return hmac.new(cookie_key(settings), f"{nonce}.{issued}".encode(), hashlib.sha256).hexdigest()


def access_token(settings: Settings, now: float | None = None) -> str:
    """A fresh cookie value for someone who typed the code: `nonce.issued.mac`.

    Each one differs (a random nonce), tells nothing about the code (an HMAC under the server
    secret: the old cookie, a plain hash of the code, could be guessed offline from a short
    code), and holds its own issue time, so a copied cookie stops working after 12 hours even
    if it is replayed by hand.
    """
    nonce = secrets.token_urlsafe(16)
    issued = str(int(time.time() if now is None else now))
    return f"{nonce}.{issued}.{cookie_mac(settings, nonce, issued)}"


def token_valid(token: str, settings: Settings, now: float | None = None) -> bool:
    nonce, _, rest = token.partition(".")
    issued, _, mac = rest.partition(".")
    # Plain ASCII digits, a few of them: int() refuses "²" and 5,000-digit strings (a 500).
    if not (nonce and mac and issued.isascii() and issued.isdigit() and len(issued) <= 12):
        return False
    age = (time.time() if now is None else now) - int(issued)
    fresh = -60 <= age <= ACCESS_COOKIE_SECONDS  # a minute of clock skew between replicas
    return hmac.compare_digest(mac.encode(), cookie_mac(settings, nonce, issued).encode()) and fresh


def code_matches(typed: str, settings: Settings) -> bool:
    expected = settings.access_code.get_secret_value()
    return hmac.compare_digest(typed.strip().encode(), expected.encode())


def access_granted(connection: HTTPConnection, settings: Settings) -> bool:
    if not settings.access_code.get_secret_value():
        return True
    return token_valid(connection.cookies.get(ACCESS_COOKIE, ""), settings)


def is_open_path(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in OPEN_PATHS)


class AccessGate:
    """Pure ASGI middleware: without the access cookie, pages redirect to the entry page.

    Websockets are checked by their route, which can still tell the page why (see
    app/routers/ws.py).
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_open_path(route_path(scope)):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        if access_granted(connection, self.settings):
            await self.app(scope, receive, send)
            return
        accept = Headers(scope=scope).get("accept", "*/*")
        if scope["method"] in ("GET", "HEAD") and ("text/html" in accept or "*/*" in accept):
            target = scope["path"] + (
                "?" + scope["query_string"].decode("latin-1") if scope["query_string"] else ""
            )
            entry = f"{root_of(scope)}/access"
            response = RedirectResponse(f"{entry}?next={quote(target, safe='')}", 303)
        else:
            response = PlainTextResponse("An access code is needed.", status_code=401)
        await response(scope, receive, send)
