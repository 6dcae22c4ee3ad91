"""Korean and English message catalogs, and the choice of language for a request.

Catalogs are flat JSON objects (`"neurons.title": "..."`): one folder per language, one
file per page (`en/neurons.json`) plus `common.json`, merged at load. Both languages have the
same files and keys, and no key appears in two files (tests/app/test_i18n.py checks).
Templates call `t(key, **params)`; scripts receive the part of the catalog their page uses
(`page_catalog`) and call `NP.t(key, params)`. Placeholders look like `{name}`.

A file is a namespace. A page embeds `SHARED` (what the page head, the classroom layer, rooms
and the connection say), the files named after the lesson modules its scripts import
(`lessons/<x>.js` and `lessons/shared/<x>.js` -> `<x>.json`: a lab's own keys, the notes and
errors its frames carry, live in its file), its tour's `<page>_tour.json`, and any other key
its scripts name (`page_keys`).
"""

import json
import re
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


# The files every page's scripts read: the page head's and the classroom layer's strings.
SHARED = ("common", "classroom", "workshop")
IMPORT = re.compile(r"""\bfrom\s+["'](\.[^"']+)["']|\bimport\s*\(?\s*["'](\.[^"']+)["']""")


def module_graph(entry: Path) -> frozenset[Path]:
    """`entry` and every module it imports, directly or not (relative imports)."""
    seen: set[Path] = set()
    todo = [entry.resolve()]
    while todo:
        module = todo.pop()
        if module in seen or not module.is_file():
            continue
        seen.add(module)
        for match in IMPORT.finditer(module.read_text(encoding="utf-8")):
            todo.append((module.parent / (match[1] or match[2])).resolve())
    return frozenset(seen)


# In a script, a quoted key ("rnn.title") or the start of one built from a template literal
# (`rnn.gate.${name}`). A family named by its first part alone (`tour.${page}...`,
# `activation.${name}`) is left to the files: matched by prefix it would bring every page's.
QUOTED_KEY = re.compile(r"""["'`]([a-z0-9_]+\.[a-z0-9_.]+)["'`]""")
KEY_PREFIX = re.compile(r"""`([a-z0-9_]+\.[a-z0-9_]+[a-z0-9_.]*)\$\{""")


def page_modules(static_dir: Path, lab: str | None) -> frozenset[Path]:
    """The scripts a page runs (templates/partials/head.html loads the classroom layer, and on
    lab pages sharing, the tour and the lesson's module), with all they import."""
    js = static_dir / "js"
    entries = [js / "core" / "classroom.js"]
    if lab:
        entries += [js / "core" / "share.js", js / "core" / "tour.js", js / "lessons" / f"{lab}.js"]
    return frozenset().union(*(module_graph(entry) for entry in entries))


@cache
def page_keys(
    static_dir: Path, lab: str | None, tour: str | None, catalog_file: str | None = None
) -> frozenset[str]:
    """The keys a page embeds: the files `SHARED`, its lesson modules', its tour's and its
    lesson's own (`Lesson.catalog`), and any other key its scripts name (the playground's
    network labels are the neurons page's)."""
    js = static_dir / "js"
    modules = page_modules(static_dir, lab)
    files = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in catalog_files("en")}
    lessons = (js / "lessons").resolve()
    names = set(SHARED) | {m.stem for m in modules if m.is_relative_to(lessons)}
    if tour:
        names.add(f"{tour}_tour")
    if catalog_file:
        names.add(catalog_file)
    keys = {key for name in names & files.keys() for key in files[name]}
    every = catalog("en")
    for module in modules:
        source = module.read_text(encoding="utf-8")
        keys.update(key for key in QUOTED_KEY.findall(source) if key in every)
        for prefix in KEY_PREFIX.findall(source):
            keys.update(key for key in every if key.startswith(prefix))
    return frozenset(keys)


@cache
def page_catalog(lang: str, keys: frozenset[str]) -> str:
    """The JSON text of those keys' strings for a page's <script type="application/json">:
    as written (Hangul is 3 bytes in UTF-8, 6 as \\uXXXX), with every `<` escaped so no text
    can close the script element (`</script>`) or open a comment (`<!--`)."""
    strings = {key: text for key, text in catalog(lang).items() if key in keys}
    text = json.dumps(strings, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c")


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
