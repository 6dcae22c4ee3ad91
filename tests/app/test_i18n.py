"""The catalogs: same keys in both languages, no key defined twice, every used key exists."""

import json
import re
from pathlib import Path

import pytest

from neural_playground.app import i18n
from neural_playground.app.labs import TOURS

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


PAGES = ("", "neurons", "backprop", "descent", "playground", "batchnorm", "conv", "rnn")
PAGES += ("autoencoder", "gan", "digits")
TEMPLATE_PREFIX = re.compile(r"""\bt\(\s*`([a-z0-9_.]+)\$\{""")


def embedded_catalog(html: str) -> dict[str, str]:
    text = html.split('<script id="np-catalog" type="application/json">')[1].split("</script>")[0]
    return json.loads(text)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_embeds_the_keys_its_scripts_use_and_not_the_whole_catalog(client, page):
    for lang in i18n.LANGUAGES:
        html = client.get(f"/{page}?lang={lang}").text
        embedded = embedded_catalog(html)
        whole = i18n.catalog(lang)
        assert len(embedded) < len(whole) / 2
        assert all(whole[key] == text for key, text in embedded.items())
        for script in i18n.page_modules(ROOT / "static", page or None):
            source = script.read_text()
            literal = set(USED_KEY.findall(source))
            assert literal <= embedded.keys(), (script.name, sorted(literal - embedded.keys()))
            for prefix in TEMPLATE_PREFIX.findall(source):
                assert any(key.startswith(prefix) for key in embedded), (script.name, prefix)
        if page in TOURS:
            assert f"tour.{page}.{TOURS[page].steps[0].key}.title" in embedded


def test_the_embedded_catalog_is_unescaped_utf8_and_cannot_close_its_script(client):
    html = client.get("/conv?lang=ko").text
    catalog = html.split('<script id="np-catalog" type="application/json">')[1]
    catalog = catalog.split("</script>")[0]
    assert "\\uac" not in catalog.lower() and "합성곱" in catalog  # Hangul as it is
    assert "<" not in catalog
    # A string holding markup stays inert inside <script type="application/json">.
    neurons = json.loads((i18n.HERE / "en" / "neurons.json").read_text())
    text = i18n.page_catalog("en", frozenset(neurons))
    assert "<" in "".join(neurons.values()) and "<" not in text
    assert json.loads(text) == neurons
