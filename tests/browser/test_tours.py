"""Guided tours in Chromium: each runs start to end with the keyboard, every step setting
up the live widget; on the neurons page each step shows the book's numbers."""

import re

import pytest
from playwright.sync_api import expect

from app import i18n
from app.tours import TOURS

pytestmark = pytest.mark.browser

# What the engine's numbers read at each step: an aria-label for drawing elements
# (node-/edge- test ids), the text otherwise.
EXPECTED: dict[tuple[str, str], dict[str, str]] = {
    ("neurons", "plain_sum"): {"node-0-0": "B1 = 2", "output-value": "6"},
    ("neurons", "weights"): {"node-0-0": "B1 = 0.9", "output-value": "4.9"},
    ("neurons", "weight_zero"): {
        "edge-0-1-0": "Weight from G2 to B1: 0",
        "node-0-0": "B1 = 1.9",
        "output-value": "5.9",
    },
    ("neurons", "relu_on"): {"node-0-0": "B1 = 0.9", "output-value": "4.9"},
    ("neurons", "relu_off"): {
        "edge-0-1-0": "Weight from G2 to B1: 1.5",
        "node-0-0": "B1 = 0",
        "output-value": "4",
    },
    ("neurons", "stroke"): {"arch-kind": "One hidden layer: a single-layer network (B.1)."},
    ("neurons", "deep"): {
        "arch-kind": "2 hidden layers: a multi-layer network, a deep learning model (B.1)."
    },
}


def check_numbers(page, expected: dict[str, str]) -> None:
    for testid, value in expected.items():
        target = page.get_by_test_id(testid)
        if testid.startswith(("node-", "edge-")):
            expect(target).to_have_attribute("aria-label", value)
        else:
            expect(target).to_have_text(value)


@pytest.mark.parametrize("name", sorted(TOURS))
def test_the_tour_runs_start_to_end_with_the_keyboard(page, name):
    tour, catalog = TOURS[name], i18n.catalog("en")
    page.goto(tour.path)
    page.get_by_test_id("tour-start").click()
    panel = page.get_by_test_id("tour")
    for k, step in enumerate(tour.steps):
        expect(page.get_by_test_id("tour-count")).to_have_text(f"Step {k + 1} of {len(tour.steps)}")
        expect(page.get_by_test_id("tour-title")).to_have_text(
            catalog[f"tour.{name}.{step.key}.title"]
        )
        first_sentence = re.split(r"\.\s", catalog[f"tour.{name}.{step.key}.body"])[0]
        expect(page.get_by_test_id("tour-body")).to_contain_text(first_sentence)
        expect(page.get_by_test_id(f"tour-dot-{k}")).to_have_attribute("aria-current", "step")
        check_numbers(page, EXPECTED.get((name, step.key), {}))
        for testid in step.highlight:
            if page.get_by_test_id(testid).count():
                expect(page.get_by_test_id(testid)).to_have_class(re.compile("tour-highlight"))
        expect(page.locator("#toast")).to_be_hidden()  # no error on the way
        page.keyboard.press("ArrowRight")
    expect(panel).to_be_hidden()  # "Finish" closes it
    expect(page.locator(".tour-highlight")).to_have_count(0)


def test_neurons_tour_goes_back_jumps_and_starts_from_the_url(page):
    page.goto("/neurons?tour=weight_zero")
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 3 of 8")
    expect(page.get_by_test_id("node-0-0")).to_have_attribute("aria-label", "B1 = 1.9")
    # Back: the step before sets up its own state again (the weight 0.5 returns).
    page.get_by_test_id("tour-prev").click()
    expect(page.get_by_test_id("node-0-0")).to_have_attribute("aria-label", "B1 = 0.9")
    page.keyboard.press("PageDown")  # a presenter's remote
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 3 of 8")
    page.get_by_test_id("tour-dot-4").click()
    expect(page.get_by_test_id("output-value")).to_have_text("4")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 4 of 8")
    expect(page.get_by_test_id("output-value")).to_have_text("4.9")
    # Arrow keys inside a field stay the field's.
    page.get_by_test_id("input-0").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 4 of 8")
    page.locator("h1").click()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("tour")).to_be_hidden()
    expect(page.get_by_test_id("tour-start")).to_be_focused()
    page.keyboard.press("Enter")  # and back, from the keyboard
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 1 of 8")
    page.get_by_test_id("tour-close").click()
    expect(page.get_by_test_id("tour")).to_be_hidden()
