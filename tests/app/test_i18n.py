"""The catalogs: same keys in both languages, no key defined twice, every used key exists."""

import json
import re
from pathlib import Path

import pytest

from app import i18n

ROOT = Path(__file__).resolve().parents[2]
# t("key", ...) in templates and scripts with a whole literal key; t("prefix." ~ var) is skipped.
USED_KEY = re.compile(r"""\bt\(\s*["'`]([a-z0-9_.]+)["'`]\s*[,)]""")


def test_both_languages_have_the_same_files_and_keys():
    en = {p.name: set(json.loads(p.read_text())) for p in i18n.catalog_files("en")}
    ko = {p.name: set(json.loads(p.read_text())) for p in i18n.catalog_files("ko")}
    assert en.keys() == ko.keys()
    for name in en:
        assert en[name] == ko[name], f"{name}: {sorted(en[name] ^ ko[name])}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_key_is_defined_in_two_files(lang):
    seen: dict[str, str] = {}
    for path in i18n.catalog_files(lang):
        for key in json.loads(path.read_text()):
            assert key not in seen, f"{key} in both {seen[key]} and {path.name}"
            seen[key] = path.name


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_entry_is_empty(lang):
    assert all(value.strip() for value in i18n.catalog(lang).values())


def used_keys() -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / "templates").rglob("*.html"):
        found |= {(path.name, k) for k in USED_KEY.findall(path.read_text())}
    for path in (ROOT / "static" / "js").rglob("*.js"):
        found |= {(path.name, k) for k in USED_KEY.findall(path.read_text())}
    return found


def test_every_literal_key_used_by_a_page_exists():
    keys = i18n.catalog("en")
    missing = sorted((file, key) for file, key in used_keys() if key not in keys)
    assert not missing, missing
    assert len(used_keys()) > 40  # the scan itself works
