"""The address students are told to type to join a room (the teacher's projector shows it).

The teacher's own browser often asks for the server by a loopback name (`127.0.0.1:8000`,
`localhost`): told to students, that address leads each of them to their own machine. So:

1. NP_PUBLIC_URL when set (a proxy's name, a DNS name the school gave the server);
2. else the address the teacher's browser used, when it is not a loopback one (students on
   the same network reach the server the same way);
3. else, when the server listens on every interface (NP_HOST 0.0.0.0 or ::), this machine's
   LAN address, on the teacher's port;
4. else loopback after all: a server bound to loopback cannot be reached from elsewhere.
"""

import ipaddress
import socket
import time
from urllib.parse import urlsplit

from starlette.requests import Request

from neural_playground.app.rootpath import root_of
from neural_playground.app.settings import Settings

LAN_CACHE_SECONDS = 30.0
WILDCARDS = ("0.0.0.0", "::", "")
_lan: tuple[float, list[str]] = (0.0, [])


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def find_lan_addresses() -> list[str]:
    """This machine's non-loopback IPv4 address that routes outward, if any. A UDP socket
    "connected" to a documentation address sends nothing; the kernel just picks the source
    address it would use (no DNS lookup: it may hang on a workshop network)."""
    addresses = []
    for probe in ("192.0.2.1", "10.255.255.255"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.connect((probe, 9))
                address = s.getsockname()[0]
            except OSError:
                continue
        if address not in addresses and not ipaddress.ip_address(address).is_loopback:
            addresses.append(address)
    return addresses


def lan_addresses() -> list[str]:
    global _lan
    stamp, found = _lan
    if time.monotonic() - stamp > LAN_CACHE_SECONDS:
        found = find_lan_addresses()
        _lan = (time.monotonic(), found)
    return found


def join_url(request: Request, settings: Settings) -> str:
    """Where students join, as a URL ending in /room (see the module's docstring); under
    NP_ROOT_PATH, a NP_PUBLIC_URL includes the prefix (it is the address students type)."""
    if settings.public_url:
        return settings.public_url.rstrip("/") + "/room"
    room = f"{root_of(request.scope)}/room"
    scheme = request.url.scheme
    host_header = request.headers.get("host", "")
    parts = urlsplit(f"//{host_header}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if host_header and not is_loopback(parts.hostname or ""):
        return f"{scheme}://{host_header}{room}"
    if settings.host in WILDCARDS:
        for address in lan_addresses():
            return f"{scheme}://{address}{f':{port}' if port else ''}{room}"
    return f"{scheme}://{host_header or 'localhost'}{room}"


def shown(url: str) -> str:
    """The URL as students read it off a projector: plain http needs no scheme typed."""
    return url.removeprefix("http://")
