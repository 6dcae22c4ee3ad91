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

// Bring `elements` into view inside the boxes that scroll them (not the window): panels
// scroll up and down, wide tables sideways. The tour calls this before it scrolls the window,
// so that highlighted parts low in a panel, or far right in a table, are shown.
export function revealInPanels(elements) {
  for (const axis of [VERTICAL, HORIZONTAL]) {
    const groups = new Map(); // scrolling box -> its elements' spans, in box coordinates
    for (const el of elements) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const box = scroller(el, axis);
      if (!box) continue;
      const origin = box.getBoundingClientRect()[axis.start] - box[axis.scroll];
      if (!groups.has(box)) groups.set(box, []);
      groups.get(box).push({ top: r[axis.start] - origin, bottom: r[axis.end] - origin });
    }
    for (const [box, spans] of groups) {
      const max = box[axis.scrollSize] - box[axis.clientSize];
      box[axis.scroll] = bestScroll(spans, box[axis.scroll], 0, box[axis.clientSize], max);
    }
  }
}

// Where to scroll so that the most of `spans` ({top, bottom}, for a scroll of 0) are seen in
// the band [near, far) of the scroller: half of one, or its first 100 px (a tall chart's top).
// The candidates: stay, or put one span's top, head, middle or bottom at an edge of the band.
// Among those that show the most, the one that shows the most of them wins (the sum of the
// shares seen: a tall plane whole rather than its top 100 px, a short label whole rather than
// 60 % of it), and the first of equals, so staying wins ties.
export function bestScroll(spans, current, near, far, max) {
  const seen = (y) => spans.filter((b) => {
    const top = Math.max(b.top, y + near), bottom = Math.min(b.bottom, y + far);
    const head = Math.min(b.bottom, b.top + 100);
    return bottom - top >= 0.55 * (b.bottom - b.top) || (top <= b.top && bottom >= head);
  }).length;
  const share = (y) => spans.reduce((sum, b) => sum + Math.max(0,
    Math.min(b.bottom, y + far) - Math.max(b.top, y + near)) / Math.max(1, b.bottom - b.top), 0);
  const candidates = [current];
  for (const b of spans) {
    const size = b.bottom - b.top;
    const head = b.top + Math.min(100, size);
    candidates.push(b.top - near - 8, b.bottom - far + 8, head - far + 8);
    candidates.push(b.top + 0.6 * size - far, b.top + 0.4 * size - near); // more than half
  }
  let best = current, most = -1, shown = -1;
  for (const y of candidates.map((c) => Math.max(0, Math.min(max, Math.round(c))))) {
    const n = seen(y), part = share(y);
    if (n > most || (n === most && part > shown + 0.01)) [best, most, shown] = [y, n, part];
  }
  return best;
}

const VERTICAL = {
  start: "top", end: "bottom", scroll: "scrollTop", scrollSize: "scrollHeight",
  clientSize: "clientHeight", overflow: "overflowY",
};
const HORIZONTAL = {
  start: "left", end: "right", scroll: "scrollLeft", scrollSize: "scrollWidth",
  clientSize: "clientWidth", overflow: "overflowX",
};

// The nearest ancestor of `el` that scrolls along `axis`, if any below <body>.
function scroller(el, axis) {
  for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
    if (box[axis.scrollSize] <= box[axis.clientSize] + 1) continue;
    const overflow = getComputedStyle(box)[axis.overflow];
    if (overflow === "auto" || overflow === "scroll") return box;
  }
  return null;
}
