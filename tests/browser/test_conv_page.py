"""The convolution page in a real browser: paint, watch the engine's map change, read the sums."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def open_conv(page, path: str = "/conv") -> None:
    """Open the page and wait for the chart, so the heavy script runs before any interaction."""
    page.goto(path)
    expect(page.locator("#head-chart .main-svg").first).to_be_visible(timeout=60_000)


def cell(page, grid: str, r: int, c: int):
    return page.get_by_test_id(f"{grid}-{r}-{c}")


def test_painting_changes_the_feature_map_and_the_written_out_arithmetic(page):
    open_conv(page)
    # The book's map, computed by the engine (figure B-16).
    expect(cell(page, "map", 0, 1)).to_have_text("2")
    expect(cell(page, "map", 2, 1)).to_have_text("3")
    arithmetic = page.get_by_test_id("arithmetic")
    # B-14: the first window, as the book writes it, then the products.
    expect(arithmetic).to_contain_text("0×1 + 1×0 + 1×0 + 0×1 = 0 + 0 + 0 + 0 = 0")

    # Hover the second cell: the window jumps there (figure B-15).
    cell(page, "map", 0, 1).hover()
    expect(arithmetic).to_contain_text("1×1 + 0×0 + 0×0 + 1×1 = 1 + 0 + 0 + 1 = 2")
    expect(page.get_by_test_id("position")).to_have_text("Window 2 of 16")
    expect(cell(page, "grid-0", 0, 1)).to_have_class(re.compile("cell--window"))

    # Paint pixel (0, 1) dark: it was 1, now 2, so the map cell becomes 2 + 1 = 3.
    page.get_by_test_id("brush-2").check()
    cell(page, "grid-0", 0, 1).click()
    expect(cell(page, "grid-0", 0, 1)).to_have_text("2")
    expect(cell(page, "map", 0, 1)).to_have_text("3")
    cell(page, "map", 0, 1).hover()
    expect(arithmetic).to_contain_text("2×1 + 0×0 + 0×0 + 1×1 = 2 + 0 + 0 + 1 = 3")
    # Pooling and flatten follow: the top-left block [0, 3; 2, 0] now has maximum 3.
    expect(cell(page, "pooled-max", 0, 0)).to_have_text("3")
    expect(page.get_by_test_id("flatten")).to_contain_text("3")
    screenshot(page, "conv-en-light")


def test_dragging_paints_a_stroke_and_the_head_recognises_it(page):
    open_conv(page, "/conv?preset=blank")
    expect(cell(page, "map", 0, 0)).to_have_text("0")
    page.get_by_test_id("option-1-1").click()  # padding 1: nine numbers reach the head
    expect(page.get_by_test_id("size-formula")).to_contain_text("= 6")
    # A vertical stroke down column 3 of the image (column 4 of the padded grid), by mouse.
    cell(page, "grid-0", 0, 0).scroll_into_view_if_needed()
    first = cell(page, "grid-0", 1, 3).bounding_box()
    last = cell(page, "grid-0", 5, 3).bounding_box()
    page.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] / 2)
    page.mouse.down()
    for step in range(1, 9):
        y = first["y"] + (last["y"] - first["y"]) * step / 8 + first["height"] / 2
        page.mouse.move(first["x"] + first["width"] / 2, y)
    page.mouse.up()
    for r in range(1, 6):
        expect(cell(page, "grid-0", r, 3)).to_have_text("2")
    expect(page.get_by_test_id("head-says")).to_contain_text("Vertical")


def test_the_grid_is_keyboard_operable(page):
    open_conv(page, "/conv?preset=blank")
    expect(cell(page, "map", 0, 0)).to_have_text("0")
    start = cell(page, "grid-0", 0, 0)
    start.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(cell(page, "grid-0", 1, 1)).to_be_focused()
    page.keyboard.press("2")  # pixel (1, 1) = 2
    expect(cell(page, "grid-0", 1, 1)).to_have_text("2")
    expect(cell(page, "map", 0, 0)).to_have_text("2")  # 0×1 + 0×0 + 0×0 + 2×1
    page.keyboard.press("Delete")
    expect(cell(page, "map", 0, 0)).to_have_text("0")
    # The feature map is a grid too: focusing a cell moves the window there.
    cell(page, "map", 0, 0).focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("position")).to_have_text("Window 2 of 16")


def test_step_play_pause_scrub_and_the_pooling_windows(page):
    open_conv(page)
    position = page.get_by_test_id("position")
    expect(position).to_have_text("Window 1 of 16")
    page.get_by_test_id("next").click()
    expect(position).to_have_text("Window 2 of 16")
    page.get_by_test_id("prev").click()
    page.get_by_test_id("prev").click()
    expect(position).to_have_text("Window 16 of 16")
    # B-16: the last window.
    expect(page.get_by_test_id("arithmetic")).to_contain_text("0×1 + 1×0 + 0×0 + 0×1")
    page.get_by_test_id("scrub").fill("9")
    expect(position).to_have_text("Window 10 of 16")
    expect(cell(page, "map", 2, 1)).to_have_class(re.compile("cell--current"))
    expect(page.get_by_test_id("arithmetic")).to_contain_text(
        "1×1 + 0×0 + 0×0 + 2×1 = 1 + 0 + 0 + 2 = 3"
    )
    play = page.get_by_test_id("play")
    play.click()
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(position).not_to_have_text("Window 10 of 16")
    play.click()
    expect(play).to_have_attribute("aria-pressed", "false")

    # Max and average pooling side by side, each with its window and arithmetic.
    cell(page, "pooled-max", 1, 0).hover()
    expect(page.get_by_test_id("pool-max-formula")).to_contain_text("max(0, 3, 0, 1) = 3")
    expect(page.get_by_test_id("pool-avg-formula")).to_contain_text("(0 + 3 + 0 + 1) ÷ 4 = 1")
    expect(cell(page, "pool-max-in", 2, 1)).to_have_class(re.compile("cell--max"))
    expect(cell(page, "pooled-avg", 0, 1)).to_have_text("0.75")
    vector = page.get_by_test_id("flatten").locator(".vector-value")
    expect(vector).to_have_text(["2", "2", "3", "2"])  # figure B-20
    expect(page.get_by_test_id("notes")).to_contain_text("Figures B-15 to B-20")


def test_invalid_stride_is_explained_instead_of_computed(page):
    open_conv(page)
    expect(cell(page, "map", 3, 3)).to_be_visible()
    page.get_by_test_id("stride").select_option("2")
    problem = page.get_by_test_id("conv-problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("never reaches the last 1")
    expect(page.get_by_test_id("stride")).to_have_value("1")  # back to what is computed
    expect(cell(page, "map", 3, 3)).to_be_visible()
    expect(page.get_by_test_id("option-2-0")).to_have_text("✕")
    # A combination that fits: stride 3 gives a 2×2 map.
    page.get_by_test_id("option-3-0").click()
    expect(page.get_by_test_id("size-formula")).to_contain_text("(5 + 2×0 − 2) ÷ 3 + 1 = 2")
    expect(problem).to_be_hidden()
    expect(cell(page, "map", 1, 1)).to_be_visible()
    expect(cell(page, "map", 2, 2)).to_have_count(0)


def test_colour_mode_shows_three_channel_maps_and_their_sum(page):
    open_conv(page)
    page.get_by_test_id("mode-rgb").check()
    expect(page.get_by_test_id("channel-map-2-0-0")).to_be_visible()
    expect(page.locator("#sum-row")).to_be_visible()
    expect(page.get_by_test_id("arithmetic")).to_contain_text("Feature map cell")
    expect(page.get_by_test_id("notes")).to_contain_text("one kernel per channel")
    page.get_by_test_id("kernel-preset-1").select_option("blur")
    expect(page.get_by_test_id("kernel-1-0-0")).to_have_value("0.25")
    screenshot(page, "conv-en-rgb")


def test_korean_page(new_page):
    page = new_page(locale="ko-KR")
    open_conv(page)
    expect(page.locator("h1")).to_contain_text("합성곱")
    expect(page.get_by_test_id("position")).to_have_text("16개 중 1번째 창")
    expect(page.get_by_test_id("notes")).to_contain_text("그림 B-15")
    screenshot(page, "conv-ko-light")
