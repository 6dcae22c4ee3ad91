"""The digits page (B.6, second part) in a real browser: play trains both networks and their
accuracy rises; a digit drawn on the 8x8 grid shows its feature maps and the digit each
network reads."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def percent(text: str) -> float:
    return float(text.rstrip("%"))


def canvas_picture(page, testid: str) -> str:
    """What a canvas (or the first canvas inside the element) shows, as a PNG data URL."""
    return page.get_by_test_id(testid).evaluate(
        "el => (el.tagName === 'CANVAS' ? el : el.querySelector('canvas')).toDataURL()"
    )


def test_play_trains_both_networks_and_their_accuracy_rises(page):
    page.goto("/digits")
    expect(page.get_by_test_id("progress")).to_have_text("Step 0 · epoch 0")
    expect(page.get_by_test_id("conv-params")).to_have_text("1,370")
    expect(page.get_by_test_id("dense-params")).to_have_text("1,360")
    # Untrained: about one digit in ten, by chance.
    untrained = {run: percent(page.get_by_test_id(f"{run}-test_accuracy").inner_text())
                 for run in ("conv", "dense")}  # fmt: skip
    assert max(untrained.values()) < 30
    filter_before = canvas_picture(page, "filter-0-0")
    # The filters as the frame has them: 8 boxes of 3×3, one picture each (one input channel).
    expect(page.locator("#filters .filter-title")).to_have_text(
        "Block 1: 8 filters, 3×3 (a box per filter, a picture per input channel)"
    )
    expect(page.locator("#filters .filter")).to_have_count(8)
    expect(page.locator("#filters .filter canvas")).to_have_count(8)

    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("progress")).to_have_text(re.compile(r"^Step ([3-9]\d\d|\d{4,}) "))
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "false")

    for run in ("conv", "dense"):
        assert percent(page.get_by_test_id(f"{run}-test_accuracy").inner_text()) > 85
        expect(page.get_by_test_id(f"{run}-train_accuracy")).to_have_text(re.compile(r"%$"))
    # Both networks' test and training curves, on one chart; the filters were learned.
    expect(page.locator("#curves .scatterlayer .trace")).to_have_count(4)
    assert canvas_picture(page, "filter-0-0") != filter_before
    expect(page.get_by_test_id("confusion-0-0")).to_have_text(re.compile(r"^3\d$"))
    expect(page.get_by_test_id("wrong-count")).to_contain_text("of 359 test digits are wrong")
    screenshot(page, "digits-en-light")


def test_a_drawn_digit_shows_its_feature_maps_and_what_each_network_reads(page):
    page.goto("/digits")
    expect(page.get_by_test_id("shown-digit")).to_have_text("Test digit 1 of 359: a 5")
    maps_before = canvas_picture(page, "map-1-0")
    page.get_by_test_id("clear-drawing").click()
    expect(page.get_by_test_id("shown-digit")).to_have_text("Your drawing")
    expect(page.get_by_test_id("input-0-3")).to_have_text("0")
    # A vertical stroke down column 4, dragged with the mouse: a "1".
    top = page.get_by_test_id("input-1-3").bounding_box()
    bottom = page.get_by_test_id("input-6-3").bounding_box()
    page.mouse.move(top["x"] + top["width"] / 2, top["y"] + top["height"] / 2)
    page.mouse.down()
    page.mouse.move(bottom["x"] + bottom["width"] / 2, bottom["y"] + bottom["height"] / 2, steps=8)
    page.mouse.up()
    for row in range(1, 7):
        expect(page.get_by_test_id(f"input-{row}-3")).to_have_text("16")
    expect(page.get_by_test_id("input-0-3")).to_have_text("0")
    # The feature maps are the drawing's now, and each network says which digit it reads.
    assert canvas_picture(page, "map-1-0") != maps_before
    for run, name in (("conv", "The CNN"), ("dense", "The dense network")):
        expect(page.get_by_test_id(f"predicted-{run}")).to_have_text(
            re.compile(rf"^{name} reads \d \(\d+(\.\d)?%\)$")
        )
    # Pointing at a map reads its numbers.
    page.get_by_test_id("map-1-0").hover()
    expect(page.get_by_test_id("map-detail")).to_contain_text(
        re.compile(r"^Convolution 1 \+ ReLU, map 1, row \d, column \d: ")
    )
    # Back to a test digit with the arrows.
    page.get_by_test_id("next-digit").click()
    expect(page.get_by_test_id("shown-digit")).to_have_text(re.compile(r"^Test digit 2 of 359"))
