"""The autoencoder and GAN pages in a real browser: training streams images and heatmaps
that change, the latent plane decodes where it is clicked, D and G step alone."""

import re

import pytest
from playwright.sync_api import expect

from neural_playground.app.data.images import digits
from tests.browser.conftest import screenshot
from tests.browser.steps import enter

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def digits_loaded():
    """Load the shipped digits before the clock of the first expect() starts (the live
    server runs in this process, so it shares the cache)."""
    digits()


def pixels(page, testid: str) -> str:
    """What a canvas shows right now, as a data URL."""
    return page.get_by_test_id(testid).evaluate("canvas => canvas.toDataURL()")


def wait_until_redrawn(page, testid: str, before: str) -> None:
    page.wait_for_function(
        "([id, old]) => document.querySelector(`[data-testid='${id}']`).toDataURL() !== old",
        arg=[testid, before],
    )


def open_gan(page):
    """The GAN page once its first frame is drawn (iteration 0): the iteration counter."""
    page.goto("/gan")
    counter = page.get_by_test_id("counter")
    expect(counter).to_contain_text("Iteration 0")
    return counter


def test_autoencoder_trains_decodes_a_clicked_point_and_rebuilds_a_drawing(page):
    page.goto("/autoencoder")
    expect(page.get_by_test_id("originals-9")).to_be_visible()
    # Untrained, the page does not claim the book's "a little blurred" of its grey noise.
    expect(page.get_by_test_id("blur")).to_contain_text("Not trained yet")
    expect(page.get_by_test_id("blur")).not_to_contain_text("blurred")
    expect(page.get_by_test_id("to-gan")).to_have_attribute("href", "/gan")
    expect(page.get_by_test_id("shape")).to_contain_text("64 → 32 → 2 → 32 → 64")
    before = pixels(page, "reconstructions-0")

    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("ae-step")).to_have_text(re.compile(r"Training steps: [1-9]\d+"))
    page.get_by_test_id("play").click()  # pause
    expect(page.get_by_test_id("run-state")).to_have_text("Paused")
    wait_until_redrawn(page, "reconstructions-0", before)
    expect(page.get_by_test_id("loss-value")).to_contain_text("Last batch loss")
    steps = int(re.search(r"\d+", page.get_by_test_id("ae-step").text_content()).group())
    said = "as the book says" if steps >= 100 else f"{steps} steps so far"
    expect(page.get_by_test_id("blur")).to_contain_text(said)

    # Click the latent plane: the decoder turns that point into an image.
    empty = pixels(page, "probe")
    page.get_by_test_id("latent").click(position={"x": 60, "y": 80})
    expect(page.get_by_test_id("probe-text")).to_contain_text("Point (")
    wait_until_redrawn(page, "probe", empty)
    # And by keyboard: the arrow keys move the decoded point.
    text = page.get_by_test_id("probe-text").text_content()
    page.get_by_test_id("latent").press("ArrowRight")
    expect(page.get_by_test_id("probe-text")).not_to_have_text(text)

    page.get_by_test_id("draw-12").click()
    page.get_by_test_id("draw-20").press("Enter")
    expect(page.get_by_test_id("draw-20")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("draw-text")).to_contain_text("Rebuilt with error")
    screenshot(page, "autoencoder-en-light")


def test_autoencoder_bottleneck_slider_and_denoising(page):
    page.goto("/autoencoder")
    expect(page.get_by_test_id("originals-0")).to_be_visible()
    page.get_by_test_id("bottleneck").fill("6")
    expect(page.get_by_test_id("shape")).to_contain_text("64 → 32 → 6 → 32 → 64")
    expect(page.get_by_test_id("latent-axes")).to_contain_text("principal components")
    expect(page.get_by_test_id("inputs-0")).to_be_hidden()
    page.get_by_test_id("noise").fill("0.4")
    expect(page.get_by_test_id("inputs-0")).to_be_visible()
    enter(page.get_by_test_id("hidden"), "999")
    expect(page.locator("#toast")).to_contain_text("1 to 128 neurons")


def test_gan_steps_d_only_then_g_only_and_plays(page):
    counter = open_gan(page)
    expect(counter).to_have_text("Iteration 0 · D updates 0 · G updates 0")
    expect(page.get_by_test_id("d-loss")).to_have_text("–")
    heatmap = pixels(page, "plane")

    page.get_by_test_id("step-d").click()
    expect(counter).to_have_text("Iteration 0 · D updates 1 · G updates 0")
    wait_until_redrawn(page, "plane", heatmap)  # D moved: its heatmap changed
    expect(page.get_by_test_id("d-loss")).to_have_text(re.compile(r"^\d\.\d+$"))

    after_d = pixels(page, "plane")
    page.get_by_test_id("step-g").click()
    expect(counter).to_have_text("Iteration 0 · D updates 1 · G updates 1")
    wait_until_redrawn(page, "plane", after_d)  # G moved the generated points

    page.get_by_test_id("play").click()
    expect(counter).to_have_text(re.compile(r"Iteration [1-9]\d+"))
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("run-state")).to_have_text("Paused")
    expect(page.get_by_test_id("collapse")).to_contain_text("Diversity")
    page.get_by_test_id("plane").hover(position={"x": 20, "y": 20})
    expect(page.get_by_test_id("hover")).to_contain_text("D(")
    screenshot(page, "gan-plane-en-light")


AXES = """id => {
  const layout = document.getElementById(id)._fullLayout;
  return layout ? [layout.xaxis.range, layout.yaxis.range] : null;
}"""


def test_gan_charts_start_on_a_runs_axes_and_verdicts_stay_probabilities(page):
    """Before the first step the curves' axes are a run's (0 to 10 steps, 0 to 1), not Plotly's
    default for no data (-1 to 6 by 0 to 4); D's verdicts keep 0 to 1 as they train."""
    counter = open_gan(page)
    for chart in ("verdict-chart", "loss-chart"):
        page.wait_for_function(f"() => ({AXES})('{chart}') !== null")
    assert page.evaluate(AXES, "verdict-chart") == [[0, 10], [0, 1.05]]
    assert page.evaluate(AXES, "loss-chart") == [[0, 10], [0, 1]]
    page.get_by_test_id("play").click()
    expect(counter).to_have_text(re.compile(r"Iteration [2-9]\d+"))
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("run-state")).to_have_text("Paused")
    # The curves go past step 10: the x axis follows them, the verdicts' y axis stays put.
    page.wait_for_function(f"() => ({AXES})('verdict-chart')[0][1] > 15")
    assert page.evaluate(AXES, "verdict-chart")[1] == [0, 1.05]


def test_gan_slow_motion_names_each_phase_then_digits_show_scored_samples(page):
    open_gan(page)
    page.get_by_test_id("slow-motion").check()
    expect(page.get_by_test_id("phases")).to_be_visible()
    for phase, words in [
        ("d_real", "real samples"),
        ("d_fake", "generated batch"),
        ("d_update", "heatmap"),
        ("g_update", "no target of its own"),
    ]:
        page.get_by_test_id("step").click()
        expect(page.get_by_test_id(f"phase-{phase}")).to_have_attribute("aria-current", "step")
        expect(page.get_by_test_id("phase-text")).to_contain_text(words)
    expect(page.get_by_test_id("counter")).to_contain_text("Iteration 1")
    page.get_by_test_id("slow-motion").uncheck()

    # The image GAN: a grid of generated digits, each with D's score.
    page.get_by_test_id("data").select_option("digits")
    expect(page.get_by_test_id("sample-15")).to_be_visible()
    expect(page.get_by_test_id("plane")).to_be_hidden()
    caption = page.get_by_test_id("samples").locator("figcaption").first
    expect(caption).to_have_text(re.compile(r"^D 0\.\d+ · \d$"))
    before = pixels(page, "sample-0")
    page.get_by_test_id("step").click()
    wait_until_redrawn(page, "sample-0", before)
    expect(page.get_by_test_id("collapse")).to_contain_text("kinds of real image")
    screenshot(page, "gan-digits-en-light")


def test_korean_gan_page_links_back_to_the_autoencoder(open_korean):
    page = open_korean("/gan", "생성자")
    expect(page.get_by_test_id("counter")).to_contain_text("반복 0")
    expect(page.get_by_test_id("to-autoencoder")).to_have_attribute("href", "/autoencoder")
