"""Korean and English: the switch changes every visible string, checked against the catalogs,
and carries the learner's network and tour step across."""

import re

import pytest
from playwright.sync_api import expect

from neural_playground.app import i18n
from neural_playground.app.labs import TOURS
from tests.browser.classroom import CLASSROOM_PAGES, ready, reveal, visible_texts
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CATALOG_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# Words the Korean catalog itself uses (ReLU, BMI, JSON, NumPy, ...) may appear in Korean;
# the names of its {placeholders} may not.
KOREAN_LATIN_WORDS = {
    word
    for text in i18n.catalog("ko").values()
    for word in LATIN_WORD.findall(PLACEHOLDER.sub("", text))
}
# English sentences that differ in Korean: seeing one of them on a Korean page is a miss.
ENGLISH_ONLY = {
    text
    for key, text in i18n.catalog("en").items()
    if text != i18n.catalog("ko")[key] and LATIN_WORD.search(text)
}


def in_the_wrong_language(text: str, lang: str) -> bool:
    if CATALOG_KEY.match(text):
        return True  # a key shown instead of its sentence
    if lang == "en":
        return bool(HANGUL.search(text))
    return text in ENGLISH_ONLY or bool(set(LATIN_WORD.findall(text)) - KOREAN_LATIN_WORDS)


def untranslated(items: list[dict], lang: str) -> list[dict]:
    """Strings on a `lang` page that are not in `lang` (elements marked lang= are exempt)."""
    return [i for i in items if i["lang"] == lang and in_the_wrong_language(i["text"], lang)]


@pytest.mark.parametrize(("name", "path"), CLASSROOM_PAGES)
def test_the_switch_changes_every_visible_string(page, name, path):
    url = path if name == "home" else f"{path}?tour=2"
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    ready(page, name)
    reveal(page, name)
    english = visible_texts(page)
    assert len(english) > 20
    assert untranslated(english, "en") == []
    page.get_by_test_id("lang-ko").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    if name != "home":  # the state and the tour step came along
        steps = len(TOURS[name].steps)
        expect(page.get_by_test_id("tour-count")).to_have_text(f"{steps}단계 중 2단계")
    ready(page, name)
    reveal(page, name)
    korean = visible_texts(page)
    assert untranslated(korean, "ko") == []
    # Almost everything changed (symbols like G1, B1, 0.9 and the language names stay).
    unchanged = {i["text"] for i in english} & {i["text"] for i in korean}
    kept = KOREAN_LATIN_WORDS | {"English"}
    assert [t for t in unchanged if LATIN_WORD.search(t) and t not in kept] == []
    screenshot(page, f"{name}-ko-switched")
    # The dialogs too.
    page.locator("h1").click()  # out of the weight editor: "?" typed into a field stays there
    page.keyboard.press("?")
    expect(page.get_by_test_id("help")).to_be_visible()
    assert untranslated(visible_texts(page), "ko") == []
    page.keyboard.press("Escape")
    if name != "home":
        page.get_by_test_id("share-open").click()
        expect(page.get_by_test_id("share-link")).to_have_value(re.compile("#s="))
        assert untranslated(visible_texts(page), "ko") == []
    # And back: the choice is remembered by a cookie.
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "ko")


def test_a_missing_translation_would_be_caught():
    items = [
        {"text": "Guided tour", "lang": "ko", "kind": "text"},
        {"text": "tour.neurons.plain_sum.title", "lang": "ko", "kind": "text"},
        {"text": "안내 투어", "lang": "en", "kind": "text"},
        {"text": "한국어", "lang": "ko", "kind": "text"},
        {"text": "렐루 (ReLU)", "lang": "ko", "kind": "text"},
    ]
    assert [m["text"] for m in untranslated(items, "ko")] == [
        "Guided tour",
        "tour.neurons.plain_sum.title",
    ]
    assert [m["text"] for m in untranslated(items, "en")] == ["안내 투어"]


def test_language_defaults_from_the_browser(new_page):
    page = new_page(locale="ko-KR")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_have_text(i18n.catalog("ko")["home.heading"])
