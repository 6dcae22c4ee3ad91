"""The numbers written on the step-through's network drawing, as a person sees them: on a
laptop, a projector and a tablet, in every phase of one iteration (forward, loss, backward
with the gradients, update), no text of the drawing lies on another or is cut by the edge of
the drawing, every weight and gradient sits on its own edge and every node's gradients next
to their node; a number with no room is tucked away, said so under the drawing, and shown
when its edge is focused."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_layout import SCREENS

pytestmark = pytest.mark.browser

# The B.1/B.2 example (3-3-1), the 2-hidden-layer preset, B.3's book example, B.4's network.
PAGES = ["/neurons", "/neurons?preset=b1_deep", "/backprop", "/descent"]

# What is wrong with the drawing's texts now: pairs on each other, texts cut by the SVG's box,
# labels away from their edge or node, and how many are tucked away (display none).
CHECK_JS = """
() => {
  const svg = document.querySelector("#network");
  const frame = svg.getBoundingClientRect();
  const scale = frame.width / svg.viewBox.baseVal.width;
  const boxes = [];
  const wrong = [];
  let tucked = 0;
  for (const el of svg.querySelectorAll("text")) {
    if (!el.textContent.trim()) continue;
    if (getComputedStyle(el).display === "none") { tucked += 1; continue; }
    boxes.push({ el, r: el.getBoundingClientRect(), text: el.textContent.trim() });
  }
  for (const { r, text } of boxes) {
    if (r.left < frame.left - 1 || r.right > frame.right + 1 ||
        r.top < frame.top - 1 || r.bottom > frame.bottom + 1) wrong.push(`cut: "${text}"`);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) wrong.push(`"${boxes[i].text}" on "${boxes[j].text}"`);
    }
  }
  // In screen pixels: a point of the edge's line inside the label's box; a node's bias and
  // gradients within two and a half lines of its circle (the gradients under the bias).
  for (const { el, r, text } of boxes) {
    if (el.matches(".edge-label, .edge-grad")) {
      const l = el.closest(".edge").querySelector(".edge-line");
      const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((k) => +l.getAttribute(k));
      const m = svg.getScreenCTM();
      let on = false;
      for (let k = 0; k <= 100 && !on; k++) {
        const p = new DOMPoint(x1 + ((x2 - x1) * k) / 100, y1 + ((y2 - y1) * k) / 100)
          .matrixTransform(m);
        on = p.x >= r.left && p.x <= r.right && p.y >= r.top && p.y <= r.bottom;
      }
      if (!on) wrong.push(`off its edge: "${text}"`);
    }
    if (el.matches(".node-grad, .bias-label")) {
      const c = el.closest(".node").querySelector("circle").getBoundingClientRect();
      const dx = Math.max(c.left - r.right, r.left - c.right, 0);
      const dy = Math.max(c.top - r.bottom, r.top - c.bottom, 0);
      const em = parseFloat(getComputedStyle(el).fontSize) * scale;
      if (Math.hypot(dx, dy) > 2.5 * em) wrong.push(`away from its node: "${text}"`);
    }
  }
  return { wrong, tucked };
}
"""

NEXT_FRAME = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_phase_writes_its_numbers_where_they_can_be_read(new_page, screen):
    viewport, query = SCREENS[screen]
    page = new_page(viewport=viewport)
    failures = []
    for path in PAGES:
        page.goto(f"{path}{'&' if '?' in path else '?'}{query}")
        expect(page.locator("html")).to_have_attribute("data-connection", "open")
        expect(page.get_by_test_id("node-0-0")).to_be_visible()
        phases = page.get_by_test_id("st-phases").locator("li")
        k = -1  # before the first phase
        while True:
            page.evaluate(NEXT_FRAME)
            seen = page.evaluate(CHECK_JS)
            failures += [f"{path} {screen} phase {k}: {w}" for w in seen["wrong"][:5]]
            hint = page.get_by_test_id("network-hint")
            if hint.count():  # the drawings with a legend say when numbers are tucked away
                if seen["tucked"]:
                    expect(hint).to_be_visible()
                else:
                    expect(hint).to_be_hidden()
            if seen["tucked"]:
                # Focusing the edge (or node) of a tucked number shows it.
                shown = page.evaluate("""() => {
                  const label = document.querySelector("#network .label--tucked");
                  label.closest(".edge, .node").focus();
                  const display = getComputedStyle(label).display;
                  document.activeElement.blur();
                  return display;
                }""")
                if shown == "none":
                    failures.append(f"{path} {screen} phase {k}: a tucked number stays hidden")
            if k >= 0 and k == phases.count() - 1:
                break
            page.get_by_test_id("st-phase").click()
            k += 1
            expect(page.get_by_test_id(f"phase-{k}")).to_have_attribute("aria-current", "step")
    assert not failures, "\n".join(failures)
