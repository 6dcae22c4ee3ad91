"""Bytes on the wire for a first and a repeat visit of every page, in Korean and English.

A real server (uvicorn in a subprocess) and a real HTTP client asking `Accept-Encoding: br,
gzip`, fetching what a browser would: the page, its stylesheet, icon and scripts, every module
they import, and Plotly on pages whose lesson modules load it (core/plotly.js: at start or with
the first chart; the neurons and backprop pages draw none). The repeat visit honours the cache
headers of the first: a fresh cached response (`max-age`) is not asked for, one with an ETag is
asked with `If-None-Match`. Bytes are the body as sent (compressed) plus the response's status
line and headers; the websocket's frames are not counted. `python -m bench pages`.
"""

import gzip
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import brotli
import httpx

from bench.server import server_process
from neural_playground.app.i18n import IMPORT
from neural_playground.app.labs import LESSONS

ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)="(/[^"]+)\"""")
PLOTLY = re.compile(r"""["']([^"']*plotly\.min\.js)["']""")
MAX_AGE = re.compile(r"max-age=(\d+)")
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, "identity": bytes}


@dataclass
class Browser:
    """A browser's HTTP cache, as much as the repeat visit needs."""

    client: httpx.Client
    # url -> (fresh until, etag)
    cache: dict[str, tuple[float, str | None]] = field(default_factory=dict)

    def get(self, url: str) -> tuple[int, str]:
        """Fetch `url` (unless fresh in the cache): (bytes on the wire, decoded text)."""
        fresh_until, etag = self.cache.get(url, (0.0, None))
        if time.time() < fresh_until:
            return 0, ""
        headers = {"if-none-match": etag} if etag else {}
        with self.client.stream("GET", url, headers=headers) as response:
            raw = b"".join(response.iter_raw())
            wire = len(raw) + 17 + sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
            control = response.headers.get("cache-control", "")
            age = MAX_AGE.search(control)
            self.cache[url] = (
                time.time() + int(age[1]) if age and "no-cache" not in control else 0.0,
                response.headers.get("etag"),
            )
            body = DECODE[response.headers.get("content-encoding", "identity")](raw)
        return wire, body.decode(errors="ignore")

    def visit(self, path: str) -> int:
        """Load `path` as a page with its assets and modules: the bytes moved."""
        total, html = self.get(path)
        todo = ASSET.findall(html)
        seen: set[str] = set()
        charts, plotly = False, []
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            size, text = self.get(url)
            total += size
            if url.endswith(".js"):
                imported = [urljoin(url, m[1] or m[2]) for m in IMPORT.finditer(text)]
                todo += imported
                plotly += [urljoin(url, m) for m in PLOTLY.findall(text)]
                # A lesson that charts loads Plotly; share.js only to export a chart's picture.
                charts |= "/lessons/" in url and any(m.endswith("/plotly.js") for m in imported)
        return total + sum(self.get(url)[0] for url in set(plotly) if charts)


def measure(base: str) -> list[tuple[str, str, int, int]]:
    """(page, language, first visit, repeat visit) in bytes for every page."""
    pages = ["/", *(lesson.route for lesson in LESSONS.values())]
    rows = []
    for lang in ("ko", "en"):
        for path in pages:
            headers = {"accept-encoding": "br, gzip", "accept-language": lang}
            with httpx.Client(base_url=base, headers=headers) as client:
                browser = Browser(client)
                first = browser.visit(path)
                repeat = browser.visit(path)
            rows.append((path, lang, first, repeat))
    return rows


def run() -> list[tuple[str, str, str]]:
    with server_process(NP_LAB_PROCESSES="false") as (host, _):
        rows = measure(f"http://{host}")
    out = []
    for path, lang, first, repeat in rows:
        out.append((f"page {path} ({lang}), first visit", f"{first / 1000:.0f}", "kB"))
        out.append((f"page {path} ({lang}), repeat visit", f"{repeat / 1000:.1f}", "kB"))
    return out
