"""The static files and the vendored Plotly, compressed once when the app is made.

A class of 100 shares one school link, so every asset goes out compressed (brotli, else gzip)
and is fetched once: pages name assets under `/static/<version>/...`, where `version` is a hash
of every asset, with `Cache-Control: immutable`. One hash for all keeps the ES modules'
relative imports (`../core/dom.js`) working unchanged. Compressing here, once, and not per
request matters: gzip alone costs ~0.4 s of CPU per Plotly request.
"""

import gzip
import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import brotli

IMMUTABLE = "public, max-age=31536000, immutable"
# The unversioned URLs (/static/js/..., /vendor/plotly.min.js) stay for old links and tests:
# a browser asks again each time, answered 304 while nothing changed.
REVALIDATE = "no-cache"

# Content types by suffix (also left alone by the app's per-response GZip, app/main.py).
TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
# Brotli's best quality takes ~10 s on Plotly's 1.5 MB; 9 takes 0.8 s for 3% more bytes.
BROTLI_BEST_UP_TO = 256 * 1024


@dataclass(frozen=True)
class Asset:
    media_type: str
    etag: str  # of the content, whichever encoding carries it
    encodings: Mapping[str, bytes]  # "identity", and "br" / "gzip" where they are smaller


@cache
def compress(body: bytes) -> Mapping[str, bytes]:
    """`body` in each encoding that makes it smaller (cached: tests make many apps)."""
    quality = 11 if len(body) <= BROTLI_BEST_UP_TO else 9
    encoded = {
        "br": brotli.compress(body, quality=quality),
        "gzip": gzip.compress(body, compresslevel=9, mtime=0),
    }
    return {"identity": body} | {k: v for k, v in encoded.items() if len(v) < len(body)}


def load(path: Path) -> Asset:
    body = path.read_bytes()
    media_type = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    digest = hashlib.sha256(body).hexdigest()[:20]
    return Asset(media_type or "application/octet-stream", f'"{digest}"', compress(body))


class Assets:
    """Every file under `static_dir`, and `extra` files under the names given (relative URLs)."""

    def __init__(self, static_dir: Path, extra: Mapping[str, Path]):
        files = {p.relative_to(static_dir).as_posix(): p for p in static_dir.rglob("*")}
        files |= dict(extra)
        self.files: dict[str, Asset] = {
            name: load(path) for name, path in sorted(files.items()) if path.is_file()
        }
        whole = hashlib.sha256()
        for name, asset in self.files.items():
            whole.update(f"{name}\0{asset.etag}\0".encode())
        self.version = whole.hexdigest()[:12]

    def url(self, name: str) -> str:
        """The fingerprinted URL of an asset (templates: `static_url("js/boot.js")`)."""
        return f"/static/{self.version}/{name}"


def choose_encoding(accept_encoding: str, offered: Mapping[str, bytes]) -> str:
    """The best of `offered` the client accepts (`Accept-Encoding`, q=0 refuses one)."""
    accepted: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        accepted[coding.strip()] = q
    for coding in ("br", "gzip"):
        if coding in offered and accepted.get(coding, accepted.get("*", 0.0)) > 0:
            return coding
    return "identity"
