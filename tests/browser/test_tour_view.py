"""Tours show what they talk about, as a person sees it: at every step of every tour, on a
laptop, a tablet and a projector, each highlighted element is on the screen and not under
the tour panel (at least half of it, or its top 100 px for a tall one). No step is exempt:
each panel scrolls to its own highlights (core/layout.js revealInPanels), then the window."""

import pytest
from playwright.sync_api import expect

from neural_playground.app.labs import TOURS

pytestmark = pytest.mark.browser

SCREENS = {  # the tour is a side column on the laptop, a bottom bar on the others
    "laptop": ({"width": 1366, "height": 768}, ""),
    "tablet": ({"width": 768, "height": 1024}, ""),
    "projector": ({"width": 1920, "height": 1080}, "?projector=1"),
}

# For each highlighted element that is rendered: how much of it a person sees, i.e. lies in
# the viewport, inside every ancestor that clips it (the panels scroll inside themselves) and
# outside the tour panel's rectangle (the panel is opaque and on top).
HIDDEN_HIGHLIGHTS_JS = """
() => {
  const panel = document.getElementById("tour").getBoundingClientRect();
  const view = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  const cut = (a, b) => ({
    left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom),
  });
  const area = (r) => Math.max(0, r.right - r.left) * Math.max(0, r.bottom - r.top);
  const hidden = [];
  for (const el of document.querySelectorAll(".tour-highlight")) {
    let clip = view;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a);
      const clips = o.overflowX !== "visible" || o.overflowY !== "visible";
      if (clips) clip = cut(clip, a.getBoundingClientRect());
    }
    const seen = (r) => { const v = cut(r, clip); return area(v) - area(cut(v, panel)); };
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue; // not rendered (a collapsed part)
    const bottom = Math.min(r.bottom, r.top + 100);
    const top = { left: r.left, right: r.right, top: r.top, bottom };
    const whole = seen(r) / area(r), head = seen(top) / area(top);
    if (whole < 0.5 && head < 0.9) {
      const where = `${Math.round(100 * whole)}% seen at y=${Math.round(r.top)}`;
      hidden.push(`${el.dataset.testid} ${where}`);
    }
  }
  return hidden;
}
"""


@pytest.mark.parametrize("screen", sorted(SCREENS))
@pytest.mark.parametrize("name", sorted(TOURS))
def test_every_tour_step_shows_what_it_highlights(new_page, name, screen):
    viewport, query = SCREENS[screen]
    page = new_page(viewport=viewport)
    tour = TOURS[name]
    page.goto(tour.path + query)
    page.get_by_test_id("tour-start").click()
    panel = page.get_by_test_id("tour")
    failures = []
    for k, step in enumerate(tour.steps):
        expect(page.get_by_test_id("tour-count")).to_have_text(f"Step {k + 1} of {len(tour.steps)}")
        expect(panel).to_have_attribute("data-ready", "true")
        hidden = page.evaluate(HIDDEN_HIGHLIGHTS_JS)
        if hidden:
            failures.append(f"step {k + 1} {step.key}: {hidden}")
        page.keyboard.press("ArrowRight")
    assert not failures, "\n".join(failures)


def test_the_panel_docks_beside_the_page_and_minimises(page):
    """At 1366 px the panel is a column on the right that the page makes room for; minimised
    it is "Step k of n" and the arrows, and the arrows still work."""
    page.goto("/conv?tour=7")
    panel = page.get_by_test_id("tour")
    expect(panel).to_have_attribute("data-ready", "true")
    box = panel.bounding_box()
    assert box["x"] + box["width"] == pytest.approx(1366, abs=1) and box["height"] >= 700
    main = page.locator("main").bounding_box()
    assert main["x"] + main["width"] <= box["x"] + 1  # the page makes room, it is not covered
    page.get_by_test_id("tour-min").click()
    expect(page.get_by_test_id("tour-min")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("tour-body")).to_be_hidden()
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 7 of 11")
    assert panel.bounding_box()["height"] < 120
    page.get_by_test_id("tour-next").click()
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 8 of 11")
    page.get_by_test_id("tour-min").click()
    expect(page.get_by_test_id("tour-body")).to_be_visible()

# B.4's curve: its drawing (Plotly's svg) has the size of its box along `side`.
CURVE_FITS_ITS_BOX_JS = """
(side) => {
  const plot = document.querySelector("[data-testid=curve-plot]");
  const drawing = plot.querySelector("svg.main-svg").getBoundingClientRect();
  return Math.abs(drawing[side] - plot.getBoundingClientRect()[side]) < 1;
}
"""


def test_a_chart_drawn_before_the_tour_opens_fits_the_narrower_page(page):
    """Docked beside the page, the panel narrows it without resizing the window: B.4's loss
    curve, drawn before the tour opened, is drawn again to its narrower box instead of being
    cut off by its panel (the point w = 3 the first step talks about was lost)."""
    page.goto("/descent")
    plot = page.get_by_test_id("curve-plot")
    drawing = plot.locator("svg.main-svg").first
    expect(drawing).to_be_visible()
    before = drawing.bounding_box()["width"]
    page.get_by_test_id("tour-start").click()
    expect(page.get_by_test_id("tour")).to_have_attribute("data-ready", "true")
    page.wait_for_function(CURVE_FITS_ITS_BOX_JS, arg="width")
    assert drawing.bounding_box()["width"] < before - 50  # it did get narrower
    # Step 5's note under the curve shortens the curve's box: the drawing follows it too,
    # instead of running its legend under the text below.
    page.get_by_test_id("tour-dot-4").click()
    expect(page.get_by_test_id("behaviour")).to_contain_text("Descending")
    page.wait_for_function(CURVE_FITS_ITS_BOX_JS, arg="height")


BEST_SCROLL_JS = """
async ([spans, current, near, far, max]) => {
  const { bestScroll } = await import("/static/js/core/layout.js");
  return bestScroll(spans, current, near, far, max);
}
"""


def test_a_tall_highlight_is_shown_whole_when_it_can_be_not_only_its_top(page):
    """Its top 100 px count as seen, but where the whole of it fits, the tour scrolls there:
    the autoencoder's latent plane and the GAN's plane showed only their tops."""
    page.goto("/descent")
    plane = {"top": 500, "bottom": 1100}  # 600 px tall, its top 200 px in a 700 px band
    assert page.evaluate(BEST_SCROLL_JS, [[plane], 0, 0, 700, 2000]) == 492  # whole, 8 px to spare
    # Already whole: the page stays where it is.
    assert page.evaluate(BEST_SCROLL_JS, [[plane], 450, 0, 700, 2000]) == 450
    # Two highlights, one of them tall: both seen first (the short one whole, the tall one's
    # top), then as much of the tall one as that allows.
    small = {"top": 100, "bottom": 150}
    assert page.evaluate(BEST_SCROLL_JS, [[small, plane], 0, 0, 700, 2000]) == 92
