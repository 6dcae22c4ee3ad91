// One screen per lesson (static/css/layout.css): the lab fills the window from where it
// starts down to the bottom edge (or the tour's bar), each of its panels scrolling inside.
// Where the lab starts depends on the header and heading, which wrap differently by
// language, width and projector mode, so it is measured, not guessed: `--lab-top` on
// <html>, the lab's top in the document, kept up to date as they change size.
export function setupLayout() {
  const lab = document.querySelector(".lab, .pg-layout");
  if (!lab) return;
  const root = document.documentElement;
  const measure = () => {
    const top = Math.round(lab.getBoundingClientRect().top + scrollY);
    if (root.style.getPropertyValue("--lab-top") !== `${top}px`) {
      root.style.setProperty("--lab-top", `${top}px`);
    }
  };
  // A panel that scrolls must be reachable by keyboard (axe: scrollable-region-focusable),
  // and so must a table that scrolls sideways inside a side panel (layout.css).
  for (const el of lab.querySelectorAll(":scope > .panel, .controls table, .readout table")) {
    if (!el.hasAttribute("tabindex")) el.tabIndex = 0;
  }
  const sizes = new ResizeObserver(measure);
  for (const el of document.querySelectorAll(".topbar, .room-bar, .page-head")) sizes.observe(el);
  addEventListener("resize", measure);
  measure();
}

// Bring `elements` into view inside the panels that scroll them (not the window): the tour
// calls this before it scrolls the window, so highlighted parts low in a panel are shown.
// Per panel, as the tour does for the window: of the positions that keep it, or bring one
// element's top to the panel's top or its bottom to the panel's bottom, the first that shows
// the most elements (half of one, or its top 100 px) wins.
export function revealInPanels(elements) {
  const groups = new Map(); // scrolling panel -> its elements' boxes, in panel coordinates
  for (const el of elements) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const box = scroller(el);
    if (!box) continue;
    const origin = box.getBoundingClientRect().top - box.scrollTop;
    if (!groups.has(box)) groups.set(box, []);
    groups.get(box).push({ top: r.top - origin, bottom: r.bottom - origin });
  }
  for (const [box, boxes] of groups) {
    const height = box.clientHeight;
    const seen = (y) => boxes.filter((b) => {
      const top = Math.max(b.top, y), bottom = Math.min(b.bottom, y + height);
      const head = Math.min(b.bottom, b.top + 100);
      return bottom - top >= 0.5 * (b.bottom - b.top) || (top <= b.top && bottom >= head);
    }).length;
    const maxY = box.scrollHeight - height;
    const candidates = [box.scrollTop];
    for (const b of boxes) candidates.push(b.top - 8, b.bottom - height + 8);
    let best = box.scrollTop, most = -1;
    for (const y of candidates.map((c) => Math.max(0, Math.min(maxY, Math.round(c))))) {
      const n = seen(y);
      if (n > most) [best, most] = [y, n];
    }
    box.scrollTop = best;
  }
}

// The nearest ancestor of `el` that scrolls vertically, if any below <body>.
function scroller(el) {
  for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
    if (box.scrollHeight <= box.clientHeight + 1) continue;
    const overflow = getComputedStyle(box).overflowY;
    if (overflow === "auto" || overflow === "scroll") return box;
  }
  return null;
}
