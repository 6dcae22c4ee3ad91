"""The one-screen layouts (static/css/layout.css) as a person sees them: on a laptop, a
projector and a tablet, in both languages and both themes, every lesson page shows its
primary control and its main picture in the first screen, no panel is pushed wider than
itself, no two pieces of text lie on each other, and on the projector every chart keeps at
least 40 % of its box for the plot. One browser, one page per screen and language, reused
for every page: a run loads each page six times."""

import pytest
from playwright.sync_api import expect

from neural_playground.app.labs import LESSONS
from tests.browser.classroom import FIRST_SCREEN

pytestmark = pytest.mark.browser

SCREENS = {
    "laptop": ({"width": 1366, "height": 768}, ""),
    "projector": ({"width": 1920, "height": 1080}, "projector=1"),
    "tablet": ({"width": 768, "height": 1024}, ""),
}
# Both languages and both themes, each screen in two of the four combinations.
LOOKS = (("en", "light"), ("ko", "dark"))
RUNS = [(screen, lang, theme) for screen in SCREENS for lang, theme in LOOKS]
PAGES = [("home", "/")] + [(name, lesson.route) for name, lesson in LESSONS.items()]
# The control that drives each lab page's picture: training's Play, or the step-through's Step.
PRIMARY = '[data-testid="play"], [data-testid="st-phase"]'

# How much of an element a person sees without scrolling: its box cut by the viewport and by
# every ancestor that clips (the panels scroll inside themselves).
SEEN_JS = """
(el) => {
  const r0 = el.getBoundingClientRect();
  let r = { left: r0.left, top: r0.top, right: r0.right, bottom: r0.bottom };
  const cut = (b) => { r = { left: Math.max(r.left, b.left), top: Math.max(r.top, b.top),
    right: Math.min(r.right, b.right), bottom: Math.min(r.bottom, b.bottom) }; };
  cut({ left: 0, top: 0, right: innerWidth, bottom: innerHeight });
  for (let a = el.parentElement; a; a = a.parentElement) {
    const o = getComputedStyle(a);
    if (o.overflowX !== "visible" || o.overflowY !== "visible") cut(a.getBoundingClientRect());
  }
  const h = Math.max(0, r.bottom - r.top), w = Math.max(0, r.right - r.left);
  return { seen: (w * h) / Math.max(1, r0.width * r0.height), height: h, total: r0.height };
}
"""

# Panels pushed sideways by what they hold (the page too); inner regions made to scroll
# sideways (a wide table's .table-scroll) are fine and do not widen their panel.
OVERFLOW_JS = """
() => {
  const wide = [];
  if (document.documentElement.scrollWidth > innerWidth + 1) wide.push("the page");
  for (const p of document.querySelectorAll("main .panel, main .pg-top")) {
    if (p.offsetParent === null) continue;
    if (p.scrollWidth > p.clientWidth + 1) {
      const label = p.getAttribute("aria-label") || p.className;
      wide.push(`${label}: ${p.scrollWidth} > ${p.clientWidth}`);
    }
  }
  return wide;
}
"""

# Pieces of text (HTML text, not drawings) that lie on one another in the first screen: the
# line boxes of every visible text node, cut by their clipping ancestors, compared pairwise.
OVERLAP_JS = """
() => {
  const boxes = [];
  const view = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (el.closest("svg, .js-plotly-plot, [hidden], option, select, script, template")) continue;
    let clip = { ...view };
    for (let a = el; a; a = a.parentElement) {
      const o = getComputedStyle(a);
      if (o.visibility === "hidden" || o.display === "none" || o.opacity === "0") {
        clip = null;
        break;
      }
      if (o.overflowX !== "visible" || o.overflowY !== "visible") {
        const b = a.getBoundingClientRect();
        clip = { left: Math.max(clip.left, b.left), top: Math.max(clip.top, b.top),
          right: Math.min(clip.right, b.right), bottom: Math.min(clip.bottom, b.bottom) };
      }
    }
    if (!clip) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const b = { left: Math.max(r.left, clip.left), top: Math.max(r.top, clip.top),
        right: Math.min(r.right, clip.right), bottom: Math.min(r.bottom, clip.bottom) };
      if (b.right - b.left > 2 && b.bottom - b.top > 2) {
        boxes.push({ ...b, text: node.textContent.trim().slice(0, 30), node });
      }
    }
  }
  const hits = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.node === b.node) continue;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      // Line boxes of neighbouring lines touch by a pixel or two; text on text is more.
      if (w > 4 && h > 4) hits.push(`"${a.text}" on "${b.text}"`);
    }
  }
  return hits.slice(0, 10);
}
"""

# Every drawn Plotly chart on the screen: the share of its box that is plot area.
PLOT_AREA_JS = """
() => [...document.querySelectorAll(".js-plotly-plot")].filter((c) => c.offsetParent !== null)
  .map((c) => {
    const box = c.getBoundingClientRect();
    let plot = 0;
    for (const d of c.querySelectorAll(".draglayer .nsewdrag")) {
      const r = d.getBoundingClientRect();
      plot += r.width * r.height;
    }
    return { id: c.id, share: plot / Math.max(1, box.width * box.height) };
  })
"""


def settle(page, name):
    """The page is drawn: a lab's first frame and, on a charting page, Plotly's charts."""
    if name == "home":
        expect(page.get_by_test_id("lesson-B.1")).to_be_visible()
        return
    expect(page.locator("html")).to_have_attribute("data-connection", "open")
    for testid in FIRST_SCREEN[name]:
        expect(page.get_by_test_id(testid).first).to_be_visible()
    if page.locator(".chart, .plot, .loss-chart, .pg-chart, .histograms").count():
        page.wait_for_function("() => window.Plotly !== undefined")
    # Two animation frames: pages draw a frame on the next one, Plotly lays out on it.
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


@pytest.mark.parametrize(("screen", "lang", "theme"), RUNS)
def test_every_page_fits_its_screen(new_page, screen, lang, theme):
    viewport, query = SCREENS[screen]
    page = new_page(viewport=viewport, color_scheme=theme)
    failures = []
    for name, path in PAGES:
        page.goto(f"{path}?{'&'.join(p for p in (f'lang={lang}', query) if p)}")
        settle(page, name)
        if name != "home":
            primary = page.locator(PRIMARY).first
            for what, target in [("primary control", primary)] + [
                (testid, page.get_by_test_id(testid).first) for testid in FIRST_SCREEN[name]
            ]:
                seen = target.evaluate(SEEN_JS)
                if seen["seen"] < 0.9 and seen["height"] < 0.5 * viewport["height"]:
                    failures.append(f"{name}: {what} not in the first screen: {seen}")
        for wide in page.evaluate(OVERFLOW_JS):
            failures.append(f"{name}: wider than its panel: {wide}")
        for hit in page.evaluate(OVERLAP_JS):
            failures.append(f"{name}: text on text: {hit}")
        if screen == "projector":
            for chart in page.evaluate(PLOT_AREA_JS):
                if chart["share"] < 0.4:
                    failures.append(f"{name}: chart {chart['id']} plots on {chart['share']:.0%}")
    assert not failures, "\n".join(failures)
