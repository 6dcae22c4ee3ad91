"""The B.4 page in a real browser: the book's slopes, steps down the curve, divergence."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.steps import enter

pytestmark = pytest.mark.browser


def test_parabola_slopes_and_steps_down_the_curve(page):
    page.goto("/descent")
    point = page.get_by_test_id("point")
    expect(point).to_contain_text("= 3 (slope ∂L/∂w = 6)")
    expect(point).to_contain_text("loss L = 9")
    curve = page.get_by_test_id("curve-plot")
    for slope in ("slope 6", "slope 4", "slope 2", "slope 0", "slope −2"):
        expect(curve).to_contain_text(slope)
    for _ in range(4):
        page.get_by_test_id("st-iteration").click()
    expect(page.get_by_test_id("st-step")).to_have_text("4")
    # Learning rate 0.1: w = 3 * 0.8^4 = 1.229, slope 2w.
    expect(point).to_contain_text("= 1.229 (slope ∂L/∂w = 2.458)")
    expect(page.get_by_test_id("behaviour")).to_contain_text("Descending")
    screenshot(page, "descent-parabola")


def test_too_large_a_rate_grows_then_diverges_and_reset_recovers(page):
    page.goto("/descent")
    expect(page.get_by_test_id("point")).to_contain_text("loss L = 9")
    lr = page.get_by_test_id("st-lr")
    enter(lr, "1.5")
    expect(lr).to_have_value("1.5")
    page.get_by_test_id("st-speed").select_option("1")
    page.get_by_test_id("st-play").click()
    expect(page.get_by_test_id("st-diverged")).to_be_visible()
    expect(page.get_by_test_id("behaviour")).to_contain_text("Growing")
    assert "NaN" not in page.get_by_test_id("point").inner_text()
    page.get_by_test_id("st-diverged").get_by_role("button").click()
    expect(page.get_by_test_id("point")).to_contain_text("loss L = 9")


def test_two_weights_show_the_surface_and_a_click_picks_a_weight(page):
    page.goto("/descent?preset=bowl")
    expect(page.get_by_test_id("surface-hint")).to_contain_text("only weights")
    expect(page.get_by_test_id("chosen-1")).to_have_text("w(x2→ŷ)")
    page.get_by_test_id("clear-second").click()
    expect(page.get_by_test_id("surface-hint")).to_contain_text("Choose a second weight")
    page.get_by_test_id("pick-1").check()
    page.get_by_test_id("edge-0-1-0").click()
    expect(page.get_by_test_id("chosen-1")).to_have_text("w(x2→ŷ)")
    page.get_by_test_id("st-iteration").click()
    expect(page.get_by_test_id("st-step")).to_have_text("1")
    screenshot(page, "descent-bowl")
