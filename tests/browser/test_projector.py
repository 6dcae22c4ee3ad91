"""Projector mode for the back of a room, and the classroom keyboard."""

import contextlib
import itertools

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.classroom import (
    CLASSROOM_PAGES,
    FONT_SIZES_JS,
    ready,
    rendered_font_sizes,
    reveal,
)
from tests.browser.conftest import screenshot
from tests.browser.steps import open_neurons

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}


@pytest.mark.parametrize(("name", "path"), CLASSROOM_PAGES)
def test_projector_renders_body_text_of_at_least_24_px_at_1920x1080(new_page, name, path):
    page = new_page(locale="ko-KR", viewport=FULL_HD)
    page.goto(f"{path}?projector=1" if name == "home" else f"{path}?projector=1&tour=2")
    expect(page.locator("html")).to_have_attribute("data-projector", "on")
    ready(page, name)
    reveal(page, name)  # the written-out sums too
    # The panels settle their sizes after the tour docks (core/layout.js), and a drawing
    # scaled by its viewBox shows its text small until then: wait for that state, then measure.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"() => ({FONT_SIZES_JS})().every((s) => s.px >= 24 - 0.01)", timeout=20_000
        )
    sizes = rendered_font_sizes(page)
    assert len(sizes) > 20
    small = [s for s in sizes if s["px"] < 24 - 0.01]
    assert small == [], small
    screenshot(page, f"{name}-ko-projector")


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
    output = open_neurons(page, "?preset=b2_weighted")
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
    expect(help_dialog).to_contain_text("One training step")  # the neurons lab trains
    page.keyboard.press(" ")  # no shortcut acts behind an open dialog
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    expect(page.get_by_test_id("st-step")).to_have_text("0")
    page.keyboard.press(" ")  # one training step
    expect(page.get_by_test_id("st-step")).to_have_text("1")
    page.keyboard.press("p")  # play ...
    expect(page.get_by_test_id("st-play")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("p")  # ... and pause
    expect(page.get_by_test_id("st-play")).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("r")
    expect(output).to_have_text("4.9")
    page.keyboard.press("ArrowRight")  # no tour open: nothing happens
    expect(page.get_by_test_id("tour")).to_be_hidden()
    expect(page.locator("#toast")).to_be_hidden()
    page.get_by_test_id("fullscreen").click()
    expect(page.get_by_test_id("fullscreen")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("f")
    expect(page.get_by_test_id("fullscreen")).to_have_attribute("aria-pressed", "false")


# Colour-vision deficiency simulation (Machado, Oliveira & Fernandes 2009, severity 1) on
# linear sRGB, then CIE L*a*b* distances (ΔE 1976) between the book's three role colours.
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
SRGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)
WHITE = np.array([0.95047, 1.0, 1.08883])


def to_lab(hex_colour: str, deficiency: str) -> np.ndarray:
    rgb = np.array([int(hex_colour[k : k + 2], 16) for k in (1, 3, 5)]) / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = SRGB_TO_XYZ @ np.clip(CVD[deficiency] @ linear, 0, 1) / WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def smallest_difference(colours: list[str]) -> float:
    return min(
        float(np.linalg.norm(to_lab(a, d) - to_lab(b, d)))
        for d in CVD
        for a, b in itertools.combinations(colours, 2)
    )


def test_colour_science_sanity():
    # The classic red and green of charts (Tableau 10): nearly one colour to deuteranopes.
    assert smallest_difference(["#d62728", "#2ca02c"]) < 10
    assert smallest_difference(["#000000", "#ffffff"]) > 99


@pytest.mark.parametrize("projector", ["off", "on"])
def test_role_colours_stay_apart_for_colour_blind_viewers(page, projector):
    page.goto(f"/?projector={'1' if projector == 'on' else '0'}")
    for theme in ("light", "dark"):
        page.evaluate(f"NP.setTheme('{theme}')")
        roles = page.evaluate(
            """() => ['--input-node', '--hidden-node', '--output-node']
                .map(name => NP.cssVar(name))"""
        )
        # ΔE above 10 is plain to see; the projector, washed out by room light, needs more.
        assert smallest_difference(roles) > (30 if projector == "on" else 15), (theme, roles)
