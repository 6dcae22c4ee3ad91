"""The step-through in a real browser: one full iteration, phase by phase, on the page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.steps import enter, open_neurons

pytestmark = pytest.mark.browser


def test_neurons_page_steps_through_one_full_iteration(page):
    # b2_weighted: output 4.9, target 3, MSE, SGD with learning rate 0.01.
    open_neurons(page, "?preset=b2_weighted")
    expect(page.get_by_test_id("loss-now")).to_contain_text("3.61")  # (4.9 - 3)^2
    step = page.get_by_test_id("st-phase")

    step.click()  # forward through the hidden layer; the output is not computed yet
    expect(page.get_by_test_id("phase-0")).to_have_attribute("aria-current", "step")
    expect(page.get_by_test_id("node-1-0")).to_contain_text("?")
    step.click()  # forward through the output layer
    expect(page.get_by_test_id("node-1-0")).to_contain_text("4.9")
    step.click()  # the loss, written out with the actual numbers
    expect(page.get_by_test_id("st-loss-text")).to_contain_text("(4.9 − 3)² = 3.61")
    step.click()  # backward through the output layer: dL/dw = dL/dz x a = 3.8 x 0.9
    edge_grad = page.get_by_test_id("edge-grad-1-0-0")
    expect(edge_grad).to_have_text("∂L/∂w 3.42")
    expect(page.get_by_test_id("node-grad-1-0")).to_contain_text("∂L/∂z 3.8")
    expect(page.get_by_test_id("edge-grad-0-0-0")).to_have_text("")
    page.get_by_test_id("edge-1-0-0").hover()  # the chain rule with the actual factors
    expect(page.get_by_test_id("formula")).to_contain_text("= 3.8 × 0.9 = 3.42")
    step.click()  # backward through the hidden layer: 3.8 x input -2
    expect(page.get_by_test_id("edge-grad-0-1-0")).to_have_text("∂L/∂w −7.6")
    step.click()  # update: w - lr * g = 1 - 0.01 * 3.42 = 0.9658
    expect(page.get_by_test_id("phase-5")).to_have_attribute("aria-current", "step")
    expect(page.get_by_test_id("edge-1-0-0")).to_contain_text("1 → 0.966")
    expect(page.get_by_test_id("st-step")).to_have_text("1")
    page.get_by_test_id("edge-1-0-0").hover()
    expect(page.get_by_test_id("formula")).to_contain_text("1 − 0.01 × 3.42 = 0.966")
    expect(page.get_by_test_id("st-update-text")).to_contain_text("4.9 →")
    screenshot(page, "neurons-stepthrough-update")

    # A whole iteration at once moves the output closer to the target again.
    page.get_by_test_id("st-iteration").click()
    expect(page.get_by_test_id("st-step")).to_have_text("2")


def test_a_learning_rate_too_large_says_diverged_and_reset_recovers(page):
    open_neurons(page, "?preset=b2_weighted")
    lr = page.get_by_test_id("st-lr")
    enter(lr, "1000")
    expect(page.locator("#toast")).to_contain_text("at most 10")
    enter(lr, "10")
    page.get_by_test_id("st-play").click()
    expect(page.get_by_test_id("st-diverged")).to_be_visible()
    expect(page.get_by_test_id("st-play")).to_have_text("Play")
    assert "NaN" not in page.get_by_test_id("network").text_content()
    assert re.search(r"\d", page.get_by_test_id("output-value").inner_text())
    page.get_by_test_id("st-diverged").get_by_role("button").click()
    expect(page.get_by_test_id("st-diverged")).to_be_hidden()
    expect(page.get_by_test_id("output-value")).to_have_text("4.9")
