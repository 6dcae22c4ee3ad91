"""The neurons page in a real browser: numbers come from the engine over the websocket."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.steps import enter, open_neurons

pytestmark = pytest.mark.browser


def test_book_numbers_appear_and_a_weight_edit_updates_the_output(page):
    # R1 = B1 + B2 + B3 = 0.9 + 2 + 2, computed by the engine.
    output = open_neurons(page, "?preset=b2_weighted")
    expect(page.get_by_test_id("node-0-0")).to_contain_text("0.9")

    # Hover B1: the weighted sum written out with the book's numbers.
    page.get_by_test_id("node-0-0").hover()
    formula = page.get_by_test_id("formula")
    expect(formula).to_contain_text("1×1 + 0.5×(−2) + 0.3×3")
    expect(formula).to_contain_text("= 0.9")

    # Click the arrow G2 -> B1 and type a new weight.
    page.get_by_test_id("edge-0-1-0").click()
    number = page.get_by_test_id("editor-number")
    expect(number).to_be_focused()
    enter(number, "1")
    # B1 = 1 - 2 + 0.9 = -0.1, so R1 = -0.1 + 2 + 2 = 3.9
    expect(output).to_have_text("3.9")
    expect(page.get_by_test_id("node-0-0")).to_contain_text("−0.1")
    screenshot(page, "neurons-en-light")


def test_keyboard_nudges_a_weight_and_relu_switches_off(page):
    open_neurons(page, "?preset=b2_relu")
    edge = page.get_by_test_id("edge-0-1-0")  # w = 0.5 from G2 to B1
    edge.focus()
    for _ in range(10):  # 0.5 -> 1.5 in steps of 0.1
        edge.press("ArrowUp")
    expect(edge).to_have_attribute("aria-label", re.compile(r"1\.5$"))
    # B1 = 1 - 3 + 0.9 = -1.1; ReLU turns it off, so R1 = 0 + 2 + 2.
    expect(page.get_by_test_id("output-value")).to_have_text("4")
    expect(page.get_by_test_id("node-0-0")).to_contain_text("0")


def test_stroke_example_reads_as_a_probability_and_grows_a_hidden_layer(page):
    page.goto("/neurons")  # G1, G2, G3 first: the fields follow the example's input names
    expect(page.get_by_label("G1", exact=True)).to_have_value("1")
    page.get_by_test_id("preset").select_option("b1_stroke")
    expect(page.get_by_test_id("output-decision")).to_contain_text("stroke")
    # The input fields are named like the input nodes (figure B-1), not G1/G2/G3.
    for name, value in (("Age", "67"), ("Mean glucose", "228.7"), ("BMI", "36.6")):
        expect(page.get_by_label(name, exact=True)).to_have_value(value)
    expect(page.get_by_label("G1", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("arch-kind")).to_contain_text("single-layer")
    page.get_by_test_id("add-layer").click()
    expect(page.get_by_test_id("arch-kind")).to_contain_text("multi-layer")
    expect(page.get_by_test_id("node-1-2")).to_be_visible()


def test_plain_sum_preset_shows_the_gentle_note(page):
    open_neurons(page, "?preset=b2_plain_sum", output="6")
    expect(page.get_by_test_id("note")).to_contain_text("B1 + B2 + B3")


def test_korean_page_and_language_switch(open_korean):
    page = open_korean("/neurons", "가중치")
    expect(page.get_by_test_id("output-value")).to_have_text("4.9")
    screenshot(page, "neurons-ko-light")
    page.get_by_test_id("lang-en").click()
    expect(page.locator("h1")).to_contain_text("weights")


def test_an_invalid_input_is_explained_not_sent(page):
    open_neurons(page)
    enter(page.get_by_test_id("input-0"), "1e300")
    page.get_by_test_id("input-0").blur()
    expect(page.locator("#toast")).to_contain_text("between")
    expect(page.get_by_test_id("output-value")).to_have_text("4.9")
