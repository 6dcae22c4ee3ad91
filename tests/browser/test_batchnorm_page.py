"""The batch-normalization page in a real browser: the engine's histograms, loss curves and
formula numbers appear, change with training, and follow the train/eval switch."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.steps import enter
from tests.browser.test_layout import SCREENS

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"^−?\d+(\.\d+)?$")


def number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", ""))


def test_training_changes_the_histograms_and_the_formula_shows_the_engines_numbers(page):
    page.goto("/batchnorm")
    expect(page.locator("h1")).to_contain_text("Batch normalization")
    # At step 0 the normalized run's deepest layer has mean 0 and standard deviation 1.
    bn_mean = page.get_by_test_id("stat-batchnorm-mean-7")
    bn_std = page.get_by_test_id("stat-batchnorm-std-7")
    plain_std = page.get_by_test_id("stat-plain-std-7")
    expect(bn_mean).to_have_text("0")
    expect(bn_std).to_have_text("1")
    before_plain = plain_std.inner_text()
    assert number(before_plain) < 0.5  # the drift of B.5: the spread shrinks layer by layer
    expect(page.get_by_test_id("progress")).to_contain_text("Step 0")
    # One histogram per layer and run, on a canvas (core/histograms.js).
    histograms = page.locator("#histograms canvas")
    expect(histograms).to_have_attribute("data-histograms", "16")
    first_bars = histograms.evaluate("canvas => canvas.toDataURL()")

    # The formula, with the engine's numbers: U is the mean of the batch, Z = (X - U) / S.
    expect(page.get_by_test_id("formula-u")).to_contain_text("/ 32 =")
    # (eps under the root makes S a little larger than the batch's spread: 0.999 here.)
    expect(page.get_by_test_id("formula-zbatch")).to_contain_text(
        re.compile(r"mean 0 and standard deviation (1|0\.99\d)\.")
    )
    expect(page.get_by_test_id("compare-batch-u")).to_have_text(NUMBER)
    # The row in use says so under its name.
    expect(page.get_by_test_id("compare").locator("tr.in-use th")).to_have_text("this batch in use")

    page.get_by_test_id("speed").select_option("20")
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("progress")).not_to_contain_text("Step 0 ")
    expect(page.get_by_test_id("progress")).to_contain_text(re.compile(r"Step ([4-9]\d|\d{3,})"))
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "false")

    # The histograms changed, the plain run's spread moved, the loss curves have points.
    assert histograms.evaluate("canvas => canvas.toDataURL()") != first_bars
    assert plain_std.inner_text() != before_plain
    expect(page.locator("#loss-chart .scatterlayer .trace")).to_have_count(2)
    summary = page.get_by_test_id("summary-batchnorm").inner_text()
    assert "loss" in summary and "accuracy" in summary
    # Gamma and beta have been learned: the output line is Γ × Z + B with other numbers.
    out_line = page.get_by_test_id("formula-out").inner_text()
    assert not out_line.startswith("Γ × Z + B = 1 × ")
    screenshot(page, "batchnorm-en-light")


def test_eval_mode_shows_running_statistics_and_a_chosen_neuron(page):
    page.goto("/batchnorm")
    expect(page.get_by_test_id("progress")).to_contain_text("Step 0")
    page.get_by_test_id("speed").select_option("50")
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("progress")).to_contain_text("Step 50")
    batch_u = page.get_by_test_id("compare-batch-u").inner_text()
    running_u = page.get_by_test_id("compare-running-u").inner_text()
    assert batch_u != running_u
    assert page.get_by_test_id("formula-u").inner_text().endswith(f"= {batch_u}")

    page.get_by_test_id("mode-eval").check()
    expect(page.get_by_test_id("formula-u")).to_have_text(f"U = running mean = {running_u}")
    expect(page.get_by_test_id("compare").locator("tr.in-use th")).to_have_text(
        "running (for inference) in use"
    )

    # Pick layer 3, neuron 2 by keyboard: the formula follows.
    layer = page.get_by_test_id("select-layer")
    enter(layer, "3")
    neuron = page.get_by_test_id("select-neuron")
    enter(neuron, "2")
    expect(page.get_by_test_id("formula-where")).to_contain_text("Layer 3, neuron 2, batch 1 of 16")
    page.get_by_test_id("mode-train").check()
    expect(page.get_by_test_id("formula-u")).to_contain_text("/ 32 =")

    # A click on a histogram picks its layer: layer 6 of 8, the normalized (bottom) row, near
    # its base. Hovering there first tells the bin and its count, as Plotly's label did.
    box = page.locator("#histograms canvas").bounding_box()
    x, y = box["x"] + box["width"] * 5.5 / 8, box["y"] + box["height"] * 0.85
    page.mouse.move(x, y)
    expect(page.locator("#histograms .chart-tip")).to_have_text(
        re.compile(r"^With batch normalization: −?\d[\d.]* to −?\d[\d.]*: \d+ values$")
    )
    page.mouse.click(x, y)
    expect(page.get_by_test_id("formula-where")).to_contain_text("Layer 6, neuron 2")
    expect(page.get_by_test_id("select-layer")).to_have_value("6")


def test_settings_rebuild_the_network_and_limits_are_explained(page):
    page.goto("/batchnorm")
    expect(page.get_by_test_id("progress")).to_contain_text("Step 0")
    page.get_by_test_id("config-activation").select_option("relu")
    depth = page.get_by_test_id("config-depth")
    enter(depth, "10")
    expect(page.get_by_test_id("stat-plain-mean-9")).to_have_text(NUMBER)
    expect(page.locator("#histograms canvas")).to_have_attribute("data-histograms", "20")
    enter(depth, "11")
    expect(page.locator("#toast")).to_contain_text("at most 10 hidden layers")
    page.get_by_test_id("view-post").check()
    expect(page.get_by_test_id("note")).to_contain_text("Regularization")


def test_korean_page(open_korean):
    page = open_korean("/batchnorm", "배치 정규화")
    expect(page.get_by_test_id("note")).to_contain_text("normalization")
    expect(page.get_by_test_id("stat-batchnorm-std-0")).to_have_text("1")
    screenshot(page, "batchnorm-ko-light")


@pytest.mark.parametrize("screen", ["laptop", "projector"])
def test_every_histogram_reads_its_range_at_laptop_and_projector_size(new_page, screen):
    """Each of the sixteen histograms has at least two x labels (its range), at the laptop's
    type and at the projector's larger type, where eight columns once left one lone 0."""
    viewport, query = SCREENS[screen]
    page = new_page(viewport=viewport)
    page.goto(f"/batchnorm?{query}")
    histograms = page.locator("#histograms canvas")
    expect(histograms).to_have_attribute("data-histograms", "16")
    labels = histograms.get_attribute("data-ticks").split("|")
    assert len(labels) == 16
    assert all(len(axis.split()) >= 2 for axis in labels), labels
