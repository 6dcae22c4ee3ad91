"""Helpers for the classroom checks that every page gets: the pages to check, axe-core,
and what a page shows (visible text, labels, rendered font sizes).

A lesson's page takes part as soon as it has a guided tour (app/labs/<lesson>/tour.py).
"""

import re
from pathlib import Path

from playwright.sync_api import expect

from neural_playground.app.labs import LESSONS

ROOT = Path(__file__).resolve().parents[2]
# Installed by `make test` (or `make axe`) from the npm registry; see the Makefile.
AXE = ROOT / ".npm" / "node_modules" / "axe-core" / "axe.min.js"

#: Home, then every lesson's page with a tour, as (name, path).
CLASSROOM_PAGES = [("home", "/")] + [
    (name, lesson.route) for name, lesson in LESSONS.items() if lesson.tour is not None
]

#: What must fit in the first screen at 1366x768 (test ids), as each lesson says.
FIRST_SCREEN: dict[str, tuple[str, ...]] = {
    name: lesson.first_screen for name, lesson in LESSONS.items()
}


DRAWN = re.compile(r"(node|edge)--?\d")  # a node or an arrow of a drawn network


def shows(page, expected: dict[str, str | re.Pattern]) -> None:
    """The page shows these engine numbers: test id -> the aria-label of a drawing element
    (node-, edge- ids), else the element's text (a pattern: found in it; for a form field,
    its value)."""
    for testid, value in expected.items():
        target = page.get_by_test_id(testid).first
        if DRAWN.match(testid) and isinstance(value, str):
            expect(target).to_have_attribute("aria-label", value)
        elif target.evaluate("el => el.matches('select, input')"):
            expect(target).to_have_value(value)
        else:
            expect(target).to_have_text(value)


def ready(page, name: str) -> None:
    """Wait until a page opened with ?tour=N shows the state of that tour step."""
    if name != "home":
        # The B.8 labs load their images on a lab process's first use: slow on a busy machine.
        expect(page.get_by_test_id("tour")).to_be_visible()
        # Some steps train hundreds of iterations first: give a loaded machine time.
        expect(page.get_by_test_id("tour")).to_have_attribute("data-ready", "true")


def reveal(page, name: str) -> None:
    """Open what a page shows only on demand (a selected weight, a written-out sum), so the
    checks see those strings too."""
    if name == "neurons":
        page.get_by_test_id("edge-0-1-0").click()
        page.get_by_test_id("node-0-0").hover()
        expect(page.get_by_test_id("formula")).to_contain_text("=")
    elif name in ("backprop", "descent"):
        page.locator("#network .edge").first.focus()
        expect(page.get_by_test_id("formula")).to_contain_text("w =")
    elif name == "conv":
        # The head's chart comes once Plotly has loaded: measure its labels too.
        expect(page.locator("#head-chart text.bartext").first).to_be_visible()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations of the given impacts on the page as it is now."""
    assert AXE.exists(), "axe-core is missing: run `make axe` (make test does it)"
    # Evaluated through the browser's devtools, not added as a <script>: the page's
    # Content-Security-Policy (app/security.py) rightly refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    results = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results
        if v["impact"] in impacts
    ]


# Every visible text node and every label a person or a screen reader meets, with the
# language of the element it is in. Text under translate="no" (formulas, code) is left out.
VISIBLE_TEXTS_JS = """
() => {
  const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const langOf = (el) => el.closest("[lang]").getAttribute("lang");
  const items = [{ text: document.title, lang: document.documentElement.lang, kind: "title" }];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || el.closest("script, style, [translate='no']") || !shown(el)) continue;
    items.push({ text, lang: langOf(el), kind: "text" });
  }
  for (const el of document.querySelectorAll("[aria-label], [title], [placeholder]")) {
    if (!shown(el)) continue;
    for (const attr of ["aria-label", "title", "placeholder"]) {
      if (!el.hasAttribute(attr)) continue;
      items.push({ text: el.getAttribute(attr), lang: langOf(el), kind: attr });
    }
  }
  return items;
}
"""

# Rendered size of every visible text: CSS font size, times the drawing's scale in SVG.
FONT_SIZES_JS = """
() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.trim();
    if (!text || el.closest("script, style")) continue;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    let px = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {
      const m = el.getScreenCTM(); // the drawing's scale (rotated axis titles included)
      px *= Math.hypot(m.a, m.b);
    }
    sizes.push({ text: text.slice(0, 40), px, tag: el.tagName });
  }
  return sizes;
}
"""


def visible_texts(page) -> list[dict]:
    return page.evaluate(VISIBLE_TEXTS_JS)


def rendered_font_sizes(page) -> list[dict]:
    return page.evaluate(FONT_SIZES_JS)
