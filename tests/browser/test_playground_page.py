"""The 2-D playground in a real browser: training streams, points are clicked in, links restore."""

import json
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from neural_playground.app.labs.common.heatmaps import from_bytes
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def number(page, testid: str) -> float:
    """A number as the page shows it (NP.fmt: grouping commas, a true minus sign)."""
    text = page.get_by_test_id(testid).inner_text()
    return float(text.replace(",", "").replace("−", "-"))


# A fresh page parses the 4.6 MB Plotly bundle while connecting: on a busy 2-core machine the
# first frame can take longer than expect()'s default 5 s.
LOADED = 60_000


def open_playground(page, url: str = "/playground") -> None:
    # Not waiting for "load": the page works while the Plotly bundle is still parsing.
    page.goto(url, wait_until="domcontentloaded")


def plot_pixels(page) -> str:
    return page.get_by_test_id("plot").evaluate("canvas => canvas.toDataURL()")


def wait_for_step(page, at_least: int) -> None:
    page.wait_for_function(
        "n => +document.querySelector('[data-testid=plot]').dataset.step >= n", arg=at_least
    )


def test_training_streams_the_loss_down_and_the_surface_changes(page):
    open_playground(page)
    expect(page.get_by_test_id("problem")).to_contain_text("binary cross-entropy", timeout=LOADED)
    expect(page.get_by_test_id("train-loss")).not_to_have_text("–")
    start_loss = number(page, "train-loss")
    start_pixels = plot_pixels(page)
    page.get_by_test_id("feature-x1_sq").click()
    page.get_by_test_id("feature-x2_sq").click()  # before the first click's frame: both count
    expect(page.get_by_test_id("feature-x2_sq")).to_have_attribute("aria-checked", "true")
    expect(page.get_by_test_id("feature-x1_sq")).to_have_attribute("aria-checked", "true")
    page.get_by_test_id("speed").select_option("30")
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "true")
    # With X₁² and X₂² the loss is 0.394 at step 300 and 0.224 at step 420 (the engine's,
    # deterministic): wait past 420 so a pause that lands early still shows it halved.
    wait_for_step(page, 420)
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "false")
    assert number(page, "iteration") >= 420
    assert number(page, "train-loss") < 0.5 * start_loss
    assert plot_pixels(page) != start_pixels
    # Pointing at a neuron writes out what it computes, and shows its own map in the big plot.
    page.get_by_test_id("node-0-1").hover()
    expect(page.get_by_test_id("readout")).to_contain_text("neuron 1.2 = tanh(")
    expect(page.get_by_test_id("readout")).to_contain_text("·X₁²")
    expect(page.get_by_test_id("plot-caption")).to_contain_text("neuron 1.2")
    chart = page.get_by_test_id("loss-chart")
    expect(chart.locator(".scatterlayer .trace")).to_have_count(2)  # drawn by Plotly
    assert int(chart.get_attribute("data-points")) > 3  # the curves grew frame by frame
    screenshot(page, "playground-en-light")


def test_clicking_the_plot_adds_a_point_of_the_chosen_class(page):
    open_playground(page)
    expect(page.get_by_test_id("added-count")).to_contain_text("0", timeout=LOADED)
    page.get_by_test_id("add-class-0").check()
    box = page.get_by_test_id("plot").bounding_box()
    page.get_by_test_id("plot").click(
        position={"x": box["width"] * 0.55, "y": box["height"] * 0.45}
    )
    expect(page.get_by_test_id("added-count")).to_contain_text("1")
    expect(page.get_by_test_id("clear-points")).to_be_enabled()
    # The keyboard way: focus the plot, move the cross, press Enter.
    page.get_by_test_id("plot").focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("added-count")).to_contain_text("2")
    page.get_by_test_id("clear-points").click()
    expect(page.get_by_test_id("added-count")).to_contain_text("0")


def test_a_shared_link_restores_data_settings_and_weights_in_a_fresh_browser(
    page, new_page, tmp_path
):
    open_playground(page)
    expect(page.get_by_test_id("iteration")).to_have_text("0", timeout=LOADED)
    page.get_by_test_id("dataset").select_option("xor")
    expect(page.get_by_test_id("dataset-about")).to_contain_text("same sign")
    page.get_by_test_id("feature-x1_x2").click()
    expect(page.get_by_test_id("feature-x1_x2")).to_have_attribute("aria-checked", "true")
    page.get_by_test_id("learning-rate").select_option("0.1")
    page.get_by_test_id("activation-0").select_option("relu")
    expect(page.get_by_test_id("readout")).to_be_visible()
    for _ in range(3):
        page.get_by_test_id("step").click()
    expect(page.get_by_test_id("iteration")).to_have_text("3")
    page.get_by_test_id("show-test").check()
    loss = page.get_by_test_id("train-loss").inner_text()
    # The engine keeps the view in the state; the plot is redrawn when its frame is back.
    expect(page.get_by_test_id("plot")).to_have_attribute("data-show-test", "true")
    pixels = plot_pixels(page)
    # The page's Share dialog (share.js, as on every lab page): the whole state as a link.
    page.get_by_test_id("share-open").click()
    link = page.get_by_test_id("share-link")
    expect(link).to_have_value(re.compile(r"/playground#s=[A-Za-z0-9_-]+$"))
    url = link.input_value()
    with page.expect_download() as download:
        page.get_by_test_id("state-download").click()
    saved = tmp_path / "playground-state.json"
    download.value.save_as(saved)
    shared = json.loads(saved.read_text())
    assert shared["lab"] == "playground" and shared["state"]["step"] == 3
    assert shared["state"]["data"]["kind"] == "xor" and len(shared["state"]["weights"]) == 3
    assert shared["state"]["view"] == {"show_test": True, "discretize": False}

    fresh = new_page()
    open_playground(fresh, url)
    expect(fresh.get_by_test_id("iteration")).to_have_text("3", timeout=LOADED)
    expect(fresh.get_by_test_id("dataset")).to_have_value("xor")
    expect(fresh.get_by_test_id("feature-x1_x2")).to_have_attribute("aria-checked", "true")
    expect(fresh.get_by_test_id("learning-rate")).to_have_value("0.1")
    expect(fresh.get_by_test_id("activation-0")).to_have_value("relu")
    expect(fresh.get_by_test_id("show-test")).to_be_checked()
    expect(fresh.get_by_test_id("train-loss")).to_have_text(loss)
    assert plot_pixels(fresh) == pixels  # same weights, same surface, same points

    # Change the page, open the saved file: back to the same network.
    fresh.get_by_test_id("dataset").select_option("circle")
    expect(fresh.get_by_test_id("iteration")).to_have_text("0")
    fresh.get_by_test_id("activation-0").select_option("sigmoid")
    fresh.get_by_test_id("dataset").focus()  # away from the select, as a learner would
    fresh.get_by_test_id("share-open").click()
    fresh.get_by_test_id("state-upload").set_input_files(saved)
    expect(fresh.get_by_test_id("iteration")).to_have_text("3")
    expect(fresh.get_by_test_id("dataset")).to_have_value("xor")
    expect(fresh.get_by_test_id("activation-0")).to_have_value("relu")
    expect(fresh.get_by_test_id("train-loss")).to_have_text(loss)
    expect(fresh.get_by_test_id("share-close")).to_be_hidden()  # the dialog closed itself
    # A link pasted into the open tab restores too (only the hash changes).
    fresh.get_by_test_id("dataset").select_option("gauss")
    expect(fresh.get_by_test_id("iteration")).to_have_text("0")
    fresh.evaluate("url => { location.hash = new URL(url).hash; }", url)
    expect(fresh.get_by_test_id("dataset")).to_have_value("xor")
    expect(fresh.get_by_test_id("iteration")).to_have_text("3")


def test_bad_csv_and_absurd_learning_rate_are_explained(page):
    open_playground(page)
    expect(page.get_by_test_id("train-loss")).not_to_have_text("–", timeout=LOADED)
    page.get_by_test_id("csv-file").set_input_files(
        files=[
            {"name": "mine.csv", "mimeType": "text/csv", "buffer": b"x1,x2,label\n1,2,0\n1,two,1\n"}
        ]
    )
    expect(page.locator("#toast")).to_contain_text("Line 3")
    expect(page.locator("#toast")).to_contain_text("not a number")

    page.get_by_test_id("dataset").select_option("plane")
    expect(page.get_by_test_id("problem")).to_contain_text("regression")
    page.get_by_test_id("learning-rate").select_option("10")
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("diverged")).to_be_visible()
    expect(page.get_by_test_id("diverged")).to_contain_text("diverged")
    expect(page.get_by_test_id("train-loss")).not_to_have_text(re.compile("NaN|∞|–"))
    page.get_by_test_id("diverged-reset").click()
    expect(page.get_by_test_id("diverged")).to_be_hidden()
    expect(page.get_by_test_id("iteration")).to_have_text("0")


def signed(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def test_one_iteration_stepped_through_on_the_playground_shows_gradients_and_updates(page):
    open_playground(page)
    expect(page.get_by_test_id("iteration")).to_have_text("0", timeout=LOADED)
    page.get_by_test_id("regularization").select_option("l2")
    page.get_by_test_id("regularization-rate").select_option("0.01")
    expect(page.get_by_test_id("penalty")).not_to_have_text("0")
    phases = page.get_by_test_id("st-phases").locator("li")
    page.get_by_test_id("st-phase").click()
    # 4-2 hidden layers: forward 3, loss, backward 3, update.
    expect(phases).to_have_count(8)
    expect(phases.nth(0)).to_have_attribute("aria-current", "step")
    expect(page.get_by_test_id("st-sample")).to_be_visible()  # a mini-batch of 10 samples
    for _ in range(4):  # forward through the rest, the loss, backward through the output layer
        page.get_by_test_id("st-phase").click()
    expect(phases.nth(4)).to_have_attribute("aria-current", "step")
    expect(page.get_by_test_id("st-loss-text")).to_contain_text("L2 penalty")
    # The output node being worked on shows its gradients; an edge shows its own when pointed
    # at, and the chain rule behind it (with the penalty's own term) in the readout.
    expect(page.get_by_test_id("node-grad-2-0")).to_be_visible()
    expect(page.get_by_test_id("node-grad-2-0")).to_contain_text("∂L/∂z")
    page.get_by_test_id("edge-2-0-0").hover()
    grad_label = page.get_by_test_id("edge-grad-2-0-0")
    expect(grad_label).to_be_visible()
    expect(grad_label).to_contain_text("∂L/∂w")
    grad = signed(grad_label.text_content().split("∂L/∂w")[1])
    expect(page.get_by_test_id("readout")).to_contain_text("∂L/∂z(output) × a(neuron 2.1) + ∂R/∂w")
    assert page.get_by_test_id("iteration").inner_text() == "0"  # nothing applied yet
    for _ in range(3):  # backward through both hidden layers, then the update
        page.get_by_test_id("st-phase").click()
    expect(page.get_by_test_id("iteration")).to_have_text("1")
    page.get_by_test_id("edge-2-0-0").hover()
    label = page.get_by_test_id("edge-2-0-0").locator(".edge-label")
    expect(label).to_be_visible()
    expect(label).to_contain_text("→")
    old, new = (signed(part) for part in label.text_content().split("→"))
    assert new == pytest.approx(old - 0.03 * grad, abs=2e-3)  # w - learning rate x dL/dw
    expect(page.get_by_test_id("st-update-text")).to_contain_text("Penalty R:")
    # The toolbar's Step runs one whole iteration and shows it complete.
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("iteration")).to_have_text("2")
    expect(phases.nth(7)).to_have_attribute("aria-current", "step")
    expect(label).to_contain_text("→")
    screenshot(page, "playground-stepthrough-en-light")


def test_the_page_inflates_a_deflated_map_to_the_engines_bytes(page):
    # A surface with smooth parts and noisy parts, so that deflate has work of both kinds.
    rng = np.random.default_rng(0)
    cells = np.add.outer(np.arange(100), np.arange(100)).astype(np.uint8)
    cells[40:60] = rng.integers(0, 256, size=(20, 100), dtype=np.uint8)
    packed = from_bytes(cells, -2.0, 2.0)
    assert packed.encoding == "deflate"
    page.goto("/playground", wait_until="domcontentloaded")
    shown = page.evaluate(
        "async (map) => Array.from(NP.heatmap.bytes(await NP.inflate(map)))", packed.model_dump()
    )
    assert shown == cells.ravel().tolist()


PAGE_BOXES_JS = """
(ids) => Object.fromEntries(ids.map((id) => {
  const r = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
  return [id, { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }];
}))
"""


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_top_controls_stay_put_when_training_starts(page, lang):
    """Play becomes Pause and the count grows to four digits: nothing in the toolbar moves."""
    open_playground(page, f"/lang/{lang}?next=/playground")
    expect(page.get_by_test_id("train-loss")).not_to_have_text("–", timeout=LOADED)
    ids = ["play", "step", "new-weights", "iteration", "learning-rate", "optimizer", "batch-size"]
    ids += ["regularization", "regularization-rate", "preset", "reset"]

    def boxes():
        """Where each control sits on the page, not in the window: a scroll is not a jump."""
        return page.evaluate(PAGE_BOXES_JS, ids)

    before = boxes()
    page.get_by_test_id("speed").select_option("30")
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "true")
    wait_for_step(page, 1000)  # a four-digit count and an epoch
    during = boxes()
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "false")
    for i in ids:
        # The count itself grows by digits, inside its fixed-width box.
        sides = ("x", "y") if i == "iteration" else ("x", "y", "width", "height")
        for side in sides:
            assert during[i][side] == pytest.approx(before[i][side], abs=1), (i, side)
