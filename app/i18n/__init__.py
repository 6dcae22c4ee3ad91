"""Korean and English message catalogs, and the choice of language for a request.

Catalogs are flat JSON objects (`"neurons.title": "..."`): one folder per language, one
file per page (`en/neurons.json`) plus `common.json`, merged at load. Both languages have the
same files and keys, and no key appears in two files (tests/app/test_i18n.py checks).
Templates call `t(key, **params)`; scripts receive the whole catalog
of the page's language and call `NP.t(key, params)`. Placeholders look like `{name}`.
"""

import json
from functools import cache
from pathlib import Path

from fastapi import Request

LANGUAGES = ("ko", "en")
COOKIE = "np_lang"
HERE = Path(__file__).parent


def catalog_files(lang: str) -> list[Path]:
    return sorted((HERE / lang).glob("*.json"))


@cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in catalog_files(lang):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def translate(lang: str, key: str, **params: object) -> str:
    """The sentence for `key`, or the key itself so a missing entry is visible, not blank."""
    text = catalog(lang).get(key, key)
    return text.format(**params) if params else text


def choose_language(request: Request, default: str) -> str:
    """Explicit choice (query, then cookie) wins; otherwise the browser's first match."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default
