"""Accessibility and devices: axe-core finds nothing serious or critical on any classroom
page, in both themes, both languages and projector mode; focus is visible; the keyboard
reaches everything; a tablet edits weights by touch; 1366x768 needs no sideways scrolling.

Screenshots of every page in both themes and both languages land in artifacts/screenshots/.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.classroom import CLASSROOM_PAGES, FIRST_SCREEN, axe_violations, ready
from tests.browser.conftest import screenshot
from tests.browser.steps import enter, open_neurons

pytestmark = pytest.mark.browser

LOCALES = {"en": "en-US", "ko": "ko-KR"}


def open_page(new_page, path, lang="en", theme="light", **options):
    # No saved choice yet: the page follows the system's theme.
    page = new_page(locale=LOCALES[lang], color_scheme=theme, **options)
    page.goto(path)
    return page


# axe in both themes and both languages (colours differ by theme, text by language);
# every combination is photographed.
AXE_RUNS = {("en", "light"), ("ko", "dark")}


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "path"), CLASSROOM_PAGES)
def test_no_serious_axe_violations_and_a_screenshot(new_page, name, path, lang, theme):
    url = path if name == "home" else f"{path}?tour=1"
    page = open_page(new_page, url, lang, theme)
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    ready(page, name)
    screenshot(page, f"{name}-{lang}-{theme}")
    if (lang, theme) in AXE_RUNS:
        assert axe_violations(page) == []


@pytest.mark.parametrize(("name", "path"), CLASSROOM_PAGES)
def test_no_serious_axe_violations_in_projector_mode_with_dialogs(new_page, name, path):
    url = f"{path}?projector=1" if name == "home" else f"{path}?projector=1&tour=2"
    page = open_page(new_page, url, viewport={"width": 1920, "height": 1080})
    ready(page, name)
    page.keyboard.press("?")  # axe checks the page behind the dialog as well
    expect(page.get_by_test_id("help")).to_be_visible()
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    if name != "home":
        page.get_by_test_id("share-open").click()
        expect(page.get_by_test_id("share-link")).not_to_have_value("")
        assert axe_violations(page) == []


def test_focus_is_always_visible(page):
    page.goto("/neurons")
    expect(page.get_by_test_id("node-0-0")).to_be_visible()
    page.keyboard.press("Tab")  # the skip link first
    expect(page.locator(".skip-link")).to_be_focused()
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => {
              const el = document.activeElement;
              const target = el.matches('g') ? el.querySelector('circle, .edge-line') : el;
              const s = getComputedStyle(target);
              return { tag: el.tagName, outline: s.outlineStyle, stroke: s.stroke };
            }"""
        )
        if style["tag"] in ("BODY", "MAIN"):
            continue
        seen += 1
        # An outline, or for drawing elements the focus colour on the shape itself.
        assert style["outline"] != "none" or style["tag"] == "g", style
    assert seen >= 30


def test_a_weight_is_edited_with_the_keyboard_alone(page):
    open_neurons(page, "?preset=b2_weighted")
    page.get_by_test_id("edge-0-1-0").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("editor-number")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("output-value")).to_have_text("3.9")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("editor")).to_be_hidden()


def test_a_tablet_edits_weights_by_touch(new_page):
    page = open_page(
        new_page,
        "/neurons?preset=b2_weighted",
        viewport={"width": 1024, "height": 768},
        has_touch=True,
        is_mobile=True,
    )
    expect(page.get_by_test_id("output-value")).to_have_text("4.9")
    page.get_by_test_id("edge-0-1-0").tap()
    editor = page.get_by_test_id("editor-number")
    expect(editor).to_be_visible()
    enter(editor, "1")
    expect(page.get_by_test_id("output-value")).to_have_text("3.9")
    # Touch targets are finger-sized.
    height = page.get_by_test_id("reset").bounding_box()["height"]
    assert height >= 44
    screenshot(page, "neurons-tablet")


@pytest.mark.parametrize(("name", "path"), CLASSROOM_PAGES)
def test_1366x768_needs_no_sideways_scrolling(page, name, path):
    page.goto(path)
    ready_marker = page.locator("h1")
    expect(ready_marker).to_be_visible()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert widths[0] <= widths[1]
    if name != "home":
        # The drawing and the output fit in the first screen.
        expect(page.get_by_test_id(FIRST_SCREEN[name][0])).to_be_visible()
        for testid in FIRST_SCREEN[name]:
            box = page.get_by_test_id(testid).bounding_box()
            assert box["y"] + box["height"] <= 768 + 1, testid
