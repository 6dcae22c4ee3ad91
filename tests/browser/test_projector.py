"""Projector mode for the back of a room, and the classroom keyboard."""

import pytest
from playwright.sync_api import expect

from tests.browser.classroom import CLASSROOM_PAGES, rendered_font_sizes
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}


@pytest.mark.parametrize(("name", "path"), CLASSROOM_PAGES)
def test_projector_renders_body_text_of_at_least_24_px_at_1920x1080(
    browser, live_server, name, path
):
    context = browser.new_context(locale="ko-KR", viewport=FULL_HD, base_url=live_server)
    page = context.new_page()
    page.goto(f"{path}?projector=1" if name == "home" else f"{path}?projector=1&tour=2")
    expect(page.locator("html")).to_have_attribute("data-projector", "on")
    if name != "home":
        expect(page.get_by_test_id("node-0-0")).to_have_attribute("aria-label", "B1 = 0.9")
        page.get_by_test_id("node-0-0").hover()  # the written-out sum too
    sizes = rendered_font_sizes(page)
    assert len(sizes) > 20
    small = [s for s in sizes if s["px"] < 24 - 0.01]
    assert small == []
    screenshot(page, f"{name}-ko-projector")
    context.close()


def test_projector_switch_is_remembered_and_reduces_the_controls(page):
    page.set_viewport_size(FULL_HD)
    page.goto("/neurons")
    randomize = page.get_by_test_id("randomize")
    expect(randomize).to_be_visible()
    normal_edge = page.locator("[data-testid='edge-0-0-0'] .edge-line").evaluate(
        "el => parseFloat(getComputedStyle(el).strokeWidth)"
    )
    toggle = page.get_by_test_id("projector-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(randomize).to_be_hidden()  # controls reduced to the essentials
    expect(page.get_by_test_id("add-layer")).to_be_hidden()
    expect(page.get_by_test_id("reset")).to_be_visible()
    thick_edge = page.locator("[data-testid='edge-0-0-0'] .edge-line").evaluate(
        "el => parseFloat(getComputedStyle(el).strokeWidth)"
    )
    assert thick_edge >= 1.5 * normal_edge
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-projector", "on")
    page.goto("/neurons?projector=0")  # for this tab only
    expect(page.locator("html")).to_have_attribute("data-projector", "off")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("data-projector", "off")
    other = page.context.new_page()  # another tab keeps the switch's choice
    other.goto("/")
    expect(other.locator("html")).to_have_attribute("data-projector", "on")


def test_theme_switch_is_complete_and_remembered(page):
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "light")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.get_by_test_id("theme-toggle").click()
    expect(html).to_have_attribute("data-theme", "dark")
    expect(page.get_by_test_id("theme-toggle")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light
    page.goto("/neurons")
    expect(html).to_have_attribute("data-theme", "dark")


def test_keyboard_shortcuts_and_their_help(page):
    page.goto("/neurons?preset=b2_weighted")
    output = page.get_by_test_id("output-value")
    expect(output).to_have_text("4.9")
    page.get_by_test_id("edge-0-1-0").focus()
    page.keyboard.press("ArrowUp")  # the edge's own key: 0.5 -> 0.6
    expect(output).to_have_text("4.7")
    page.locator("h1").click()
    page.keyboard.press("r")  # reset
    expect(output).to_have_text("4.9")
    page.keyboard.press("?")
    help_dialog = page.get_by_test_id("help")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Back to the start of the example")
    expect(help_dialog).not_to_contain_text("training")  # nothing to train on this page
    page.keyboard.press("r")  # no shortcut acts behind an open dialog
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    page.keyboard.press("ArrowRight")  # no tour open: nothing happens
    expect(page.get_by_test_id("tour")).to_be_hidden()
    page.keyboard.press(" ")  # nothing to train here: no step, and no error
    expect(page.locator("#toast")).to_be_hidden()
    page.get_by_test_id("fullscreen").click()
    expect(page.get_by_test_id("fullscreen")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("f")
    expect(page.get_by_test_id("fullscreen")).to_have_attribute("aria-pressed", "false")
