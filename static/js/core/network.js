// The SVG drawing of a layered network, shared by every page that shows one (neurons, backprop,
// descent, playground): nodes in columns (inputs green, hidden blue, output orange), one edge per
// weight with a label for its value and one for its gradient, edges whose width shows |w| and
// whose dash shows the sign (never colour alone; the colours come from main.css), and optional
// column titles that name each layer's role. Pages write the numbers; events go to the page's
// callbacks (`rebuild` when projector mode changes the spacing, --node-gap).
import { cssVar, svgElement } from "./dom.js";
import { labelSpots, placeLabels } from "./edgelabels.js";
import { t } from "./i18n.js";

// `layout` (all optional): marginX, marginY, maxGap (px between nodes of a column; else
// --node-gap);
// node: "circle" (a value written inside) or "map" (a square holding a canvas, for a picture
// of what the neuron computes; its name sits left of the inputs, its value and gradients below);
// edgeLabels: "auto" (written on every edge of a small network, on demand beyond 30 edges) or
// "hover" (always on demand: hovered, focused or selected edges only).
export function networkView(svg, on = {}, layout = {}) {
  const el = svgElement;
  const box = svg.viewBox.baseVal;
  const W = box.width || 800, H = box.height || 460;
  const MARGIN_X = layout.marginX ?? 90, MARGIN_Y = layout.marginY ?? 50;
  const TITLE_ROOM = 40; // above the nodes, when columns have titles
  const MAPS = layout.node === "map";
  const SIDE = 36; // a map node's square
  const RADIUS = 30; // a circle node's
  // A circle's fill is translucent (its strength), so an edge drawn to its centre would strike
  // through the value written in it: edges run from rim to rim instead.
  function rimToRim(x1, y1, x2, y2) {
    const length = Math.hypot(x2 - x1, y2 - y1) || 1;
    const dx = ((x2 - x1) / length) * (RADIUS + 1), dy = ((y2 - y1) / length) * (RADIUS + 1);
    return [x1 + dx, y1 + dy, x2 - dx, y2 - dy];
  }
  const LABEL_WIDTH = 76; // room left of an input map for its name
  let sizes = [];
  let slots = null; // {count, of}: input i is drawn at place of[i] among `count` places
  let top = 0;
  let nodeGap = 110;
  let circles = []; // [{g, x, y}]: each drawn circle node
  let segments = []; // [{g, x1, y1, x2, y2, spread}]: each edge, rim to rim
  let placedFor = null; // what the labels were last placed for (see place)

  function position(column, j, size) {
    const x = MARGIN_X + (column * (W - 2 * MARGIN_X)) / Math.max(1, sizes.length - 1);
    const gap = Math.min(nodeGap, (H - top - 2 * MARGIN_Y) / Math.max(1, size - 1));
    const y = top + (H - top) / 2 + (j - (size - 1) / 2) * gap;
    return [x, y];
  }

  // Centre of input or neuron j of a column (inputs may sit among switched-off places).
  function at(column, j) {
    if (column === 0 && slots) return position(0, slots.of[j], slots.count);
    return position(column, j, sizes[column]);
  }

  const call = (name, ...args) => { if (on[name]) on[name](...args); };

  // Column sizes [inputs, layer 0, layer 1, ...]; `biases`: draw a bias label under neurons;
  // `titles`: one (translated) title per column. `inputSlots` {count, of}: draw `count` places
  // in the input column, input i at of[i]; the places no input uses are drawn switched off
  // (class node--off, data-slot but no data-j).
  function build(columnSizes, { biases = true, titles = null, inputSlots = null } = {}) {
    sizes = columnSizes;
    slots = inputSlots;
    top = titles ? TITLE_ROOM : 0;
    nodeGap = layout.maxGap ?? (parseFloat(cssVar("--node-gap")) || 110);
    svg.replaceChildren();
    circles = [];
    segments = [];
    placedFor = null;
    const edges = el("g", { class: "edges" }, svg);
    const nodes = el("g", { class: "nodes" }, svg);
    let count = 0;
    for (let l = 0; l + 1 < sizes.length; l++) count += sizes[l] * sizes[l + 1];
    svg.classList.toggle("many-edges", count > 30 || layout.edgeLabels === "hover");
    for (let l = 0; l + 1 < sizes.length; l++) {
      const gap = []; // this layer's edges: their labels are placed together
      for (let i = 0; i < sizes[l]; i++) {
        for (let j = 0; j < sizes[l + 1]; j++) {
          let [x1, y1] = at(l, i);
          let [x2, y2] = at(l + 1, j);
          if (MAPS) { x1 += SIDE / 2; x2 -= SIDE / 2; } // from square to square
          const [lx1, ly1, lx2, ly2] = MAPS ? [x1, y1, x2, y2] : rimToRim(x1, y1, x2, y2);
          const g = el("g", {
            class: "edge", tabindex: "0", role: "button",
            "data-layer": l, "data-i": i, "data-j": j, "data-testid": `edge-${l}-${i}-${j}`,
          }, edges);
          const ends = { x1: lx1, y1: ly1, x2: lx2, y2: ly2 };
          el("line", { class: "edge-hit", ...ends }, g);
          el("line", { class: "edge-line", ...ends }, g);
          el("text", { class: "edge-label" }, g);
          el("text", { class: "edge-grad", "data-testid": `edge-grad-${l}-${i}-${j}` }, g);
          // Spread by destination, so a fan of labels starts apart (edgelabels.js).
          const spread = 0.22 + 0.5 * (j / Math.max(1, sizes[l + 1] - 1));
          gap.push({ g, x1, y1, x2, y2, spread });
          segments.push({ g, ...ends, spread });
          g.addEventListener("click", (e) => call("edgeClick", l, i, j, e));
          g.addEventListener("keydown", (e) => call("edgeKey", e, l, i, j));
          g.addEventListener("wheel", (e) => call("edgeWheel", e, l, i, j), { passive: false });
          g.addEventListener("mouseenter", () => call("edgeEnter", l, i, j));
          g.addEventListener("focus", () => call("edgeEnter", l, i, j));
        }
      }
      labelSpots(gap).forEach(({ x, y }, k) => {
        const [weight, grad] = gap[k].g.querySelectorAll("text");
        weight.setAttribute("x", x);
        weight.setAttribute("y", y - 4);
        grad.setAttribute("x", x);
        grad.setAttribute("y", y + 12);
      });
    }
    if (titles) {
      const group = el("g", { class: "column-titles", "aria-hidden": "true" }, svg);
      titles.forEach((title, column) => {
        const [x] = position(column, 0, sizes[column]);
        el("text", { class: "column-title", x, y: 24 }, group).textContent = title;
      });
    }
    sizes.forEach((size, column) => {
      const places = column === 0 && slots ? slots.count : size;
      for (let k = 0; k < places; k++) {
        const layer = column - 1;
        const j = column === 0 && slots ? slots.of.indexOf(k) : k;
        const [x, y] = j >= 0 ? at(column, j) : position(0, k, places);
        const kind = j < 0 ? "off"
          : column === 0 ? "input" : column === sizes.length - 1 ? "output" : "hidden";
        const attrs = {
          class: `node node--${kind}${MAPS ? " node--map" : ""}`, tabindex: "0", role: "group",
          "data-layer": layer, "data-testid": j >= 0 ? `node-${layer}-${j}` : `slot-${k}`,
        };
        if (j >= 0) attrs["data-j"] = j;
        if (column === 0 && slots) attrs["data-slot"] = k;
        const g = el("g", attrs, nodes);
        if (MAPS) drawMapNode(g, x, y, column === 0);
        else {
          drawCircleNode(g, x, y);
          if (j >= 0) circles.push({ g, x, y });
        }
        if (layer >= 0 && biases) {
          const bias = el("text", {
            class: "bias-label", x, y: y + 50, tabindex: "0", role: "button",
            "data-testid": `bias-${layer}-${j}`,
          }, g);
          bias.addEventListener("click", (e) => {
            e.stopPropagation();
            call("biasClick", layer, j);
          });
          bias.addEventListener("keydown", (e) => call("biasKey", e, layer, j));
        }
        const gradY = MAPS ? y + SIDE / 2 + 24 : y + (biases ? 66 : 50);
        el("text", {
          class: "node-grad", x, y: gradY, "data-testid": `node-grad-${layer}-${j}`,
        }, g);
        g.addEventListener("mouseenter", () => call("nodeEnter", layer, j, k));
        g.addEventListener("focus", () => call("nodeEnter", layer, j, k));
        g.addEventListener("mouseleave", () => call("nodeLeave", layer, j, k));
        g.addEventListener("blur", () => call("nodeLeave", layer, j, k));
        g.addEventListener("click", (e) => call("nodeClick", layer, j, k, e));
        g.addEventListener("keydown", (e) => call("nodeKey", e, layer, j, k));
      }
    });
  }

  function drawCircleNode(g, x, y) {
    el("circle", { cx: x, cy: y, r: RADIUS }, g);
    el("text", { class: "node-name", x, y: y - 38 }, g);
    el("text", { class: "node-value", x, y: y + 6 }, g);
  }

  function drawMapNode(g, x, y, isInput) {
    const half = SIDE / 2;
    if (isInput) {
      // The name is part of the node: one hit area from the name to the square.
      el("rect", { class: "node-hit", x: x - half - LABEL_WIDTH, y: y - half,
        width: LABEL_WIDTH + SIDE, height: SIDE }, g);
      el("text", { class: "node-name", x: x - half - 6, y: y + 4 }, g);
    }
    el("rect", { class: "node-frame", x: x - half - 2, y: y - half - 2,
      width: SIDE + 4, height: SIDE + 4, rx: 3 }, g);
    const holder = el("foreignObject", { x: x - half, y: y - half, width: SIDE, height: SIDE }, g);
    const canvas = document.createElement("canvas");
    canvas.className = "node-map";
    holder.appendChild(canvas);
    el("text", { class: "node-value", x, y: y + half + 13 }, g);
  }

  // Edge widths by |w| (relative to the largest, at least 1) and dashes by sign, from the
  // frame's layers (each with `w[i][j]`).
  function weigh(layers, maxWidth = 8) {
    const maxAbs = Math.max(1, ...layers.flatMap((l) => l.w.flat().map(Math.abs)));
    for (const g of svg.querySelectorAll(".edge")) {
      const w = layers[+g.dataset.layer].w[+g.dataset.i][+g.dataset.j];
      // The width is multiplied by --edge-scale in CSS (thicker lines in projector mode).
      g.querySelector(".edge-line").style.setProperty("--edge-width",
        (1 + (maxWidth - 1) * Math.abs(w) / maxAbs).toFixed(2));
      g.classList.toggle("edge--neg", w < 0);
      g.classList.toggle("edge--zero", w === 0);
    }
  }

  // Places the drawing's texts by their measured boxes (core/edgelabels.js), after a page
  // has written them: again only when what is shown changed in size (a phase of the
  // step-through, not every training frame). Drawings of map nodes or of edge labels on
  // demand keep the places build gave them. A label with no room is shown on demand, and the
  // legend under the drawing says so.
  function place() {
    if (MAPS || svg.classList.contains("many-edges")) return;
    const texts = [...svg.querySelectorAll("text")];
    // A text written in parts is measured by its parts (placement joins or stacks them).
    const size = (text) => (text.firstElementChild
      ? [...text.children].map((span) => span.dataset.part.length).join("+")
      : text.textContent.length);
    const key = texts.map(size).join() +
      `|${svg.querySelectorAll(".phase-active").length}`;
    // Unchanged sizes first: the hidden-drawing check reads layout, which a frame's writes
    // just invalidated.
    if (key === placedFor || !svg.getClientRects().length) return;
    placedFor = key;
    const tucked = placeLabels({ svg, nodes: circles, edges: segments, W, H, radius: RADIUS });
    svg.classList.toggle("labels-tucked", tucked > 0);
    const hint = svg.parentElement.querySelector(".network-hint");
    if (hint) hint.hidden = tucked === 0;
  }
  // Fonts that load late change every box.
  if (document.fonts) document.fonts.ready.then(() => { placedFor = null; place(); });

  document.addEventListener("np:projector", () => { if (sizes.length) call("rebuild"); });

  return {
    build,
    weigh,
    place,
    at,
    get sizes() { return sizes; },
    edges: () => svg.querySelectorAll(".edge"),
    nodes: () => svg.querySelectorAll(".node"),
    edge: (l, i, j) => svg.querySelector(`.edge[data-layer="${l}"][data-i="${i}"][data-j="${j}"]`),
    node: (layer, j) => svg.querySelector(`.node[data-layer="${layer}"][data-j="${j}"]`),
    slot: (k) => svg.querySelector(`.node[data-slot="${k}"]`),
  };
}

// Writes `parts` into an SVG text as one tspan each, which placement (core/edgelabels.js)
// puts on one line, joined by `joint`, or one per line, whichever has room.
export function writeParts(text, parts, joint = " · ") {
  text.replaceChildren(...parts.map((part, k) => {
    const span = svgElement("tspan", { "data-part": part, "data-joint": joint });
    span.textContent = k ? `${joint}${part}` : part;
    return span;
  }));
}

// One layer's row in a page's architecture panel: its name, − / + buttons for its width when
// `onResize(delta)` is given, and its activation chooser (`activations`, the one shown is the
// page's to set). `prefix` is the page's catalog prefix for `<prefix>.more`, `.fewer` and
// `.activation_of`; `label` names the layer in them. Returns {row, name, select}.
export function layerRow({ prefix, layer, label, onResize, activations, onActivation }) {
  const row = document.createElement("div");
  row.className = "layer-row";
  const name = document.createElement("span");
  name.className = "layer-name";
  row.appendChild(name);
  if (onResize) {
    for (const [text, delta] of [["−", -1], ["+", 1]]) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.dataset.testid = `neurons-${delta > 0 ? "more" : "fewer"}-${layer}`;
      b.setAttribute("aria-label", t(`${prefix}.${delta > 0 ? "more" : "fewer"}`, { layer: label }));
      b.addEventListener("click", () => onResize(delta));
      row.appendChild(b);
    }
  }
  const select = document.createElement("select");
  select.dataset.testid = `activation-${layer}`;
  select.setAttribute("aria-label", t(`${prefix}.activation_of`, { layer: label }));
  for (const activation of activations) {
    const option = document.createElement("option");
    option.value = activation;
    option.textContent = t(`activation.${activation}`);
    select.appendChild(option);
  }
  select.addEventListener("change", () => onActivation(select.value));
  row.appendChild(select);
  return { row, name, select };
}

// Math names for the nodes of a network given its frame layers (each with `a`: (N, n)):
// inputs x1, x2, ..., hidden h1, h2, ... (h1.2 with several hidden layers), output ŷ (ŷ1, ...).
export function symbolName(layers, layer, j) {
  if (layer < 0) return `x${j + 1}`;
  const last = layers.length - 1;
  if (layer === last) return layers[last].a[0].length === 1 ? "ŷ" : `ŷ${j + 1}`;
  return last === 1 ? `h${j + 1}` : `h${layer + 1}.${j + 1}`;
}
