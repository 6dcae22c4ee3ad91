// Where a network drawing writes its numbers. `labelSpots` guesses from fixed label sizes,
// before any text is written (drawings that show edge labels only on demand keep it).
// `placeLabels` places the texts a drawing shows by their measured boxes, once they are
// written: a node's name, value and bias around its circle, its gradients beside it, each
// weight and its gradient on its own edge where no other text is; a label that finds no free
// spot is tucked away (shown when its edge or node is pointed at or focused, main.css).

const ALONG = [0.2, 0.27, 0.34, 0.41, 0.48, 0.55, 0.62, 0.69, 0.76];
const LABEL_WIDTH = 36, LABEL_HEIGHT = 32; // a weight over its gradient, in SVG units

function distanceToSegment(x, y, s) {
  const dx = s.x2 - s.x1, dy = s.y2 - s.y1;
  const t = Math.max(0, Math.min(1, ((x - s.x1) * dx + (y - s.y1) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - (s.x1 + t * dx), y - (s.y1 + t * dy));
}

// `segments`: [{x1, y1, x2, y2, spread}] centre to centre, `spread` the preferred fraction.
// Returns one {x, y} per segment, the label's anchor.
export function labelSpots(segments) {
  const placed = [];
  return segments.map((s, k) => {
    let best = null;
    for (const t of ALONG) {
      const x = s.x1 + (s.x2 - s.x1) * t, y = s.y1 + (s.y2 - s.y1) * t;
      let labels = 1, lines = 1; // 1: clear of every one
      for (const p of placed) {
        const apart = Math.max(Math.abs(x - p.x) / LABEL_WIDTH, Math.abs(y - p.y) / LABEL_HEIGHT);
        labels = Math.min(labels, apart);
      }
      segments.forEach((other, m) => {
        if (m !== k) lines = Math.min(lines, distanceToSegment(x, y, other) / (LABEL_HEIGHT / 2));
      });
      const score = 4 * labels + lines - Math.abs(t - s.spread);
      if (!best || score > best.score) best = { x, y, score };
    }
    placed.push(best);
    return { x: best.x, y: best.y };
  });
}

// --- placement by measured boxes --------------------------------------------------------------

const PAD = 2; // SVG units kept clear around a text: its halo (paint-order stroke)
const SPACE = 8; // ... and beside it, as wide as a space at the projector's size
const GAP = 2 * PAD + 1; // from a text's box to its neighbour's: both keep their PAD
const STEPS = 21; // candidate points along an edge

const hit = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const grow = (b, p) => ({ x: b.x - p, y: b.y - p, w: b.w + 2 * p, h: b.h + 2 * p });

function measure(text) {
  const b = text.getBBox();
  return { x: b.x, y: b.y, w: b.width, h: b.height };
}

// Moves `text` (box `b` where it is now) so that its box is centred on (cx, cy); lines of a
// text (tspans with their own x) move with it. Returns the box there.
function centre(text, b, cx, cy) {
  const dx = cx - (b.x + b.w / 2), dy = cy - (b.y + b.h / 2);
  for (const node of [text, ...text.querySelectorAll("tspan[x]")]) {
    node.setAttribute("x", +node.getAttribute("x") + dx);
  }
  text.setAttribute("y", +text.getAttribute("y") + dy);
  return { x: b.x + dx, y: b.y + dy, w: b.w, h: b.h };
}

// Does segment s cross box b (Liang-Barsky)? Another edge through a label makes it ambiguous.
function crosses(s, b) {
  let t0 = 0, t1 = 1;
  const dx = s.x2 - s.x1, dy = s.y2 - s.y1;
  const sides = [
    [-dx, s.x1 - b.x], [dx, b.x + b.w - s.x1], [-dy, s.y1 - b.y], [dy, b.y + b.h - s.y1],
  ];
  for (const [p, q] of sides) {
    if (p === 0) { if (q < 0) return false; continue; }
    const r = q / p;
    if (p < 0) t0 = Math.max(t0, r); else t1 = Math.min(t1, r);
    if (t0 > t1) return false;
  }
  return true;
}

// A text written as parts (tspans, core/network.js `writeParts`) on one line, "a · b", or
// one part per line. Returns whether it has parts to stack.
function setLines(text, stacked) {
  const spans = [...text.querySelectorAll("tspan")];
  spans.forEach((span, k) => {
    if (k === 0) return;
    span.textContent = stacked ? span.dataset.part : `${span.dataset.joint}${span.dataset.part}`;
    if (stacked) {
      span.setAttribute("x", text.getAttribute("x"));
      span.setAttribute("dy", "1.15em");
    } else {
      span.removeAttribute("x");
      span.removeAttribute("dy");
    }
  });
  return spans.length > 1;
}

// `nodes`: [{g, x, y}] circle centres; `edges`: [{g, x1, y1, x2, y2, spread}] rim to rim;
// `W`, `H`: the viewBox; `radius`: the circles'. Returns how many labels were tucked away.
export function placeLabels({ svg, nodes, edges, W, H, radius }) {
  const taken = [];
  const fits = (b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= W && b.y + b.h <= H &&
    !taken.some((t) => hit(b, t));
  // Side by side, two numbers need a space between them not to read as one.
  const keep = (b) =>
    taken.push({ x: b.x - SPACE, y: b.y - PAD, w: b.w + 2 * SPACE, h: b.h + 2 * PAD });
  // Inside the drawing, sideways only (a title or a long bias must not leave the viewBox).
  const inside = (cx, w) => Math.min(Math.max(cx, w / 2 + PAD), W - w / 2 - PAD);
  let tucked = 0;
  const tuck = (text) => { text.classList.add("label--tucked"); tucked += 1; };
  for (const text of svg.querySelectorAll(".label--tucked")) text.classList.remove("label--tucked");
  const shown = (text) => text && text.textContent.trim() !== "";

  // Column titles: each within its share of the width (a smaller font when four columns of
  // projector-sized titles would touch).
  const titles = [...svg.querySelectorAll(".column-title")];
  titles.forEach((title, k) => {
    title.style.fontSize = "";
    let b = measure(title);
    const share = titles.length > 1 ? W / titles.length - 4 * PAD : W;
    if (b.w > share) {
      title.style.fontSize = `${parseFloat(getComputedStyle(title).fontSize) * (share / b.w)}px`;
      b = measure(title);
    }
    keep(centre(title, b, inside(b.x + b.w / 2, b.w), PAD + b.h / 2));
  });
  // A node's own texts: its name above the circle, its value inside, its bias below.
  const bottoms = new Map(); // node -> y under its circle and bias
  for (const { g, x, y } of nodes) {
    taken.push({ x: x - radius, y: y - radius, w: 2 * radius, h: 2 * radius });
    const name = g.querySelector(".node-name"), bias = g.querySelector(".bias-label");
    const value = g.querySelector(".node-value");
    if (shown(value)) keep(measure(value)); // a long value is wider than its circle
    let bottom = y + radius;
    if (shown(name)) {
      const b = measure(name);
      keep(centre(name, b, inside(x, b.w), y - radius - GAP - b.h / 2));
    }
    if (shown(bias)) {
      // An update "b = old → new" goes on two lines when its neighbour's is in the way.
      // Neither fits: one line (a stack would reach further down).
      let box = null;
      for (const stacked of [false, true, false]) {
        if (!setLines(bias, stacked) && stacked) continue;
        const b = measure(bias);
        box = centre(bias, b, inside(x, b.w), bottom + GAP + b.h / 2);
        if (fits(grow(box, PAD))) break;
      }
      keep(box);
      bottom += GAP + box.h;
    }
    bottoms.set(g, bottom);
  }
  // A node's gradients: under it, beside it (right, then left) or over its name, on one line
  // or one part per line, wherever it first fits.
  for (const { g, x, y } of nodes) {
    const grad = g.querySelector(".node-grad");
    if (!shown(grad)) continue;
    const name = g.querySelector(".node-name");
    const top = shown(name) ? measure(name).y : y - radius;
    let done = false;
    for (const side of ["below", "right", "left", "above"]) {
      for (const stacked of side === "below" || side === "above" ? [false, true] : [true, false]) {
        if (!setLines(grad, stacked) && stacked) continue;
        const b = measure(grad);
        const spot = {
          below: [x, bottoms.get(g) + GAP + b.h / 2],
          right: [x + radius + GAP + b.w / 2, y],
          left: [x - radius - GAP - b.w / 2, y],
          above: [x, top - GAP - b.h / 2],
        }[side];
        const box = centre(grad, b, ...spot);
        if (fits(grow(box, PAD))) {
          keep(box);
          done = true;
          break;
        }
      }
      if (done) break;
    }
    if (!done) {
      setLines(grad, true);
      centre(grad, measure(grad), x, bottoms.get(g) + PAD);
      tuck(grad);
    }
  }
  // Weights and their gradients, each on its own edge, at the free point nearest its preferred
  // one and crossed by the fewest other edges. What the phase shown has just written goes
  // first (the gradients of a backward phase, old → new at the update), then the rest of its
  // edges, then the others.
  const active = (e) => e.g.classList.contains("phase-active");
  const updated = (e) => e.g.classList.contains("edge--updated");
  const news = (e) => [e, e.g.querySelector(updated(e) ? ".edge-label" : ".edge-grad")];
  const both = (e) => [...e.g.querySelectorAll(".edge-label, .edge-grad")].map((text) => [e, text]);
  const queue = [
    ...edges.filter(active).map(news),
    ...edges.filter(active).flatMap(both),
    ...edges.filter((e) => !active(e)).flatMap(both),
  ];
  const at = new Map(edges.map((e) => [e, e.spread])); // next to the edge's other label
  const done = new Set();
  for (const [e, text] of queue) {
    if (!shown(text) || done.has(text)) continue;
    done.add(text);
    const b = measure(text);
    let best = null;
    for (let k = 0; k < STEPS; k++) {
      const t = 0.08 + (0.84 * k) / (STEPS - 1);
      const cx = e.x1 + (e.x2 - e.x1) * t, cy = e.y1 + (e.y2 - e.y1) * t;
      const box = { x: cx - b.w / 2, y: cy - b.h / 2, w: b.w, h: b.h };
      if (!fits(grow(box, PAD))) continue;
      const crossed = edges.filter((o) => o !== e && crosses(o, box)).length;
      const score = -crossed - 2 * Math.abs(t - at.get(e));
      if (!best || score > best.score) best = { cx, cy, t, score };
    }
    if (best) {
      keep(centre(text, b, best.cx, best.cy));
      at.set(e, best.t);
    } else {
      const t = at.get(e);
      centre(text, b, e.x1 + (e.x2 - e.x1) * t, e.y1 + (e.y2 - e.y1) * t);
      tuck(text);
    }
  }
  return tucked;
}
