"""The recurrent-networks page in a real browser: training changes gates and gradients."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

BPTT = "() => document.getElementById('bptt-chart').data.map((trace) => trace.y)"
GATE_F = "() => document.getElementById('gate-f').data[0].z"


def open_memory_task(page) -> None:
    """The page on the memory task, once its first frame shows a sequence to remember."""
    page.goto("/rnn?task=memory")
    expect(page.get_by_test_id("unroll")).to_contain_text("remember!")


def test_books_example_with_the_gentle_note(page):
    page.goto("/rnn")
    expect(page.locator("h1")).to_contain_text("Recurrent networks")
    unroll = page.get_by_test_id("unroll")
    expect(unroll).to_contain_text("resident")
    expect(unroll).to_contain_text("registration")
    expect(page.get_by_test_id("target")).to_contain_text("number")
    expect(page.get_by_test_id("note")).to_contain_text("주만")
    # Parameter counts from the engine: 8 hidden units, 10 words in and out.
    expect(page.get_by_test_id("params-lstm")).to_have_text("698")
    expect(page.get_by_test_id("params-gru")).to_have_text("546")


def test_training_changes_the_gate_heatmaps_and_the_gradient_chart(page):
    open_memory_task(page)
    expect(page.get_by_test_id("status")).to_have_text("Training step 0")
    page.wait_for_function("() => document.getElementById('gate-f')?.data?.[0]?.z?.length === 8")
    # The charts follow the frames at most every 400 ms (core/plotly.js): wait for the task's.
    page.wait_for_function(
        "() => document.getElementById('bptt-chart')?.data?.[0]?.y?.length === 11"
    )
    gates_before = page.evaluate(GATE_F)
    bptt_before = page.evaluate(BPTT)
    assert len(bptt_before) == 3 and len(bptt_before[0]) == 11  # three networks, 11 steps

    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        "() => +document.getElementById('status').textContent.match(/\\d+/)[0] >= 5"
    )
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "false")
    # The last frame may still be on its way: wait until the heatmap shows a trained network.
    page.wait_for_function(
        "(before) => JSON.stringify(document.getElementById('gate-f').data[0].z) !== before",
        arg=json.dumps(gates_before, separators=(",", ":")),
    )
    assert page.evaluate(GATE_F) != gates_before
    # The gradient chart is redrawn at most every 400 ms, apart from the heatmap: wait for it.
    page.wait_for_function(
        f"(before) => JSON.stringify(({BPTT})()) !== before",
        arg=json.dumps(bptt_before, separators=(",", ":")),
    )
    assert page.evaluate(BPTT) != bptt_before
    expect(page.get_by_test_id("ms-lstm")).to_have_text(re.compile(r"^\d"))  # measured
    expect(page.get_by_test_id("equation")).to_contain_text("f = σ(")
    screenshot(page, "rnn-memory-en-light")


def test_the_forward_pass_steps_through_time_and_a_value_explains_itself(page):
    open_memory_task(page)
    expect(page.get_by_test_id("cursor-label")).to_have_text("11 of 11 steps computed")
    page.get_by_test_id("first-step").click()
    expect(page.get_by_test_id("cursor-label")).to_have_text("1 of 11 steps computed")
    expect(page.get_by_test_id("prediction")).to_contain_text("run every time step")
    expect(page.get_by_test_id("h-1-0")).to_have_text("·")
    page.get_by_test_id("next-step").click()
    expect(page.get_by_test_id("cursor-label")).to_have_text("2 of 11 steps computed")
    expect(page.get_by_test_id("h-1-0")).to_have_text(re.compile(r"^−?\d"))
    # Keyboard: move to the next step's unit and choose it; its equations are written out.
    cell = page.get_by_test_id("h-0-0")
    cell.click()
    cell.press("ArrowRight")
    expect(page.get_by_test_id("h-1-0")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("equation")).to_contain_text("time step t = 1, unit 1")
    expect(page.get_by_test_id("equation")).to_contain_text("cₜ = f·cₜ₋₁ + i·g")


def test_large_recurrent_weights_explode_and_clipping_caps_the_chart(page):
    open_memory_task(page)
    page.evaluate(
        "() => { const s = document.getElementById('scale'); s.value = 4;"
        " s.dispatchEvent(new Event('change')); }"
    )
    expect(page.get_by_test_id("bptt-summary")).to_contain_text(re.compile(r"RNN: step 0 gets \d"))
    page.get_by_test_id("clip-value").fill("0.5")
    page.get_by_test_id("clip-on").check()
    page.wait_for_function("() => document.getElementById('bptt-chart').data.length === 4")
    rnn = page.evaluate(BPTT)[0]
    assert max(rnn) <= 0.5 + 1e-9


def test_korean_page(open_korean):
    page = open_korean("/rnn", "순환 신경망")
    expect(page.get_by_test_id("unroll")).to_contain_text("주민")
    expect(page.get_by_test_id("target")).to_contain_text("번호")
    screenshot(page, "rnn-words-ko-light")


# How far the hint under the comparison runs past its column (0: it wraps inside it).
HINT_OVERFLOW_JS = """() => {
  const hint = document.querySelector("[data-testid=compare-hint]");
  const column = hint.closest("aside").getBoundingClientRect();
  const past = hint.getBoundingClientRect().right - column.right;
  return Math.max(0, past, hint.scrollWidth - hint.clientWidth);
}"""


def test_the_comparison_beside_the_docked_tour_scrolls_and_its_hint_wraps(page):
    """Beside the docked tour the readout column is ~214 px and the table needs ~270: the table
    scrolls sideways in its column, and the hint under it wraps instead of being cut off (as
    the table's caption it scrolled with it, as wide as its columns)."""
    page.goto("/rnn?tour=8")
    expect(page.get_by_test_id("tour")).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("compare").locator("tbody tr")).to_have_count(3)
    assert page.evaluate(HINT_OVERFLOW_JS) == 0
    table = page.get_by_test_id("compare")
    assert table.evaluate("box => box.scrollWidth > box.clientWidth")  # it scrolls sideways
