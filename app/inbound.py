"""What an HTTP request may send us: a body read up to a cap, JSON checked for depth first.

Both guards act *before* the expensive step they protect:

- `read_capped` stops reading at the cap. `Request.body()` would buffer a whole chunked
  upload (a 500 MB POST held about 1 GB of server memory before any size check could run).
- `too_deep` counts bracket nesting without parsing. Python's `json` recurses once per
  level, so about a thousand nested `[` end in RecursionError (a 500), and every level
  costs validation later. No saved state of any lab nests deeper than 6.
"""

import re

from starlette.requests import Request

#: Deepest JSON nesting accepted; every lab's state is at most 6 deep (tests/app/test_export.py).
MAX_JSON_DEPTH = 32

# A JSON string (escapes included), so that brackets inside strings are not counted.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The request's body, or None as soon as it is known to pass `limit` bytes.

    A declared Content-Length over the cap is refused before reading anything; a chunked
    body is read chunk by chunk and abandoned once the cap is passed (never buffered whole).
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def too_deep(text: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON `text` nests arrays and objects more than `limit` levels deep.

    A scan, not a parse: invalid JSON is left for the parser to refuse.
    """
    if text.count(b"[") + text.count(b"{") <= limit:
        return False  # the common case: not even enough brackets to be too deep
    depth = 0
    for byte in _NOT_BRACKET.sub(b"", _STRING.sub(b"", text)):
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False
