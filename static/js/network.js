// The SVG drawing of a layered network, shared by every page that shows one: nodes in
// columns (inputs green, hidden blue, output orange), one edge per weight with a label for its
// value and one for its gradient, and optional column titles that name each layer's role.
// Pages write the numbers; events go to the page's callbacks (`rebuild` when projector mode
// changes the spacing, --node-gap).
"use strict";

NP.networkView = (svg, on = {}) => {
  const SVGNS = "http://www.w3.org/2000/svg";
  const box = svg.viewBox.baseVal;
  const W = box.width || 800, H = box.height || 460, MARGIN_X = 90, MARGIN_Y = 50;
  const TITLE_ROOM = 40; // above the nodes, when columns have titles
  let sizes = [];
  let top = 0;
  let nodeGap = 110;

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVGNS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  function position(column, j, size) {
    const x = MARGIN_X + (column * (W - 2 * MARGIN_X)) / Math.max(1, sizes.length - 1);
    const gap = Math.min(nodeGap, (H - top - 2 * MARGIN_Y) / Math.max(1, size - 1));
    const y = top + (H - top) / 2 + (j - (size - 1) / 2) * gap;
    return [x, y];
  }

  const call = (name, ...args) => { if (on[name]) on[name](...args); };

  // Column sizes [inputs, layer 0, layer 1, ...]; `biases`: draw a bias label under neurons;
  // `titles`: one (translated) title per column.
  function build(columnSizes, { biases = true, titles = null } = {}) {
    sizes = columnSizes;
    top = titles ? TITLE_ROOM : 0;
    nodeGap = parseFloat(NP.cssVar("--node-gap")) || 110;
    svg.replaceChildren();
    const edges = el("g", { class: "edges" }, svg);
    const nodes = el("g", { class: "nodes" }, svg);
    let count = 0;
    for (let l = 0; l + 1 < sizes.length; l++) count += sizes[l] * sizes[l + 1];
    svg.classList.toggle("many-edges", count > 30);
    for (let l = 0; l + 1 < sizes.length; l++) {
      for (let i = 0; i < sizes[l]; i++) {
        for (let j = 0; j < sizes[l + 1]; j++) {
          const [x1, y1] = position(l, i, sizes[l]);
          const [x2, y2] = position(l + 1, j, sizes[l + 1]);
          const g = el("g", {
            class: "edge", tabindex: "0", role: "button",
            "data-layer": l, "data-i": i, "data-j": j, "data-testid": `edge-${l}-${i}-${j}`,
          }, edges);
          el("line", { class: "edge-hit", x1, y1, x2, y2 }, g);
          el("line", { class: "edge-line", x1, y1, x2, y2 }, g);
          // Spread labels along the edges by destination so a fan of labels stays legible.
          const along = 0.22 + 0.5 * (j / Math.max(1, sizes[l + 1] - 1));
          const lx = x1 + (x2 - x1) * along, ly = y1 + (y2 - y1) * along;
          el("text", { class: "edge-label", x: lx, y: ly - 4 }, g);
          el("text", {
            class: "edge-grad", x: lx, y: ly + 12, "data-testid": `edge-grad-${l}-${i}-${j}`,
          }, g);
          g.addEventListener("click", (e) => call("edgeClick", l, i, j, e));
          g.addEventListener("keydown", (e) => call("edgeKey", e, l, i, j));
          g.addEventListener("wheel", (e) => call("edgeWheel", e, l, i, j), { passive: false });
          g.addEventListener("mouseenter", () => call("edgeEnter", l, i, j));
          g.addEventListener("focus", () => call("edgeEnter", l, i, j));
        }
      }
    }
    if (titles) {
      const group = el("g", { class: "column-titles", "aria-hidden": "true" }, svg);
      titles.forEach((title, column) => {
        const [x] = position(column, 0, sizes[column]);
        el("text", { class: "column-title", x, y: 24 }, group).textContent = title;
      });
    }
    sizes.forEach((size, column) => {
      for (let j = 0; j < size; j++) {
        const layer = column - 1;
        const [x, y] = position(column, j, size);
        const role = column === 0 ? "input" : column === sizes.length - 1 ? "output" : "hidden";
        const g = el("g", {
          class: `node node--${role}`, tabindex: "0", role: "group",
          "data-layer": layer, "data-j": j, "data-testid": `node-${layer}-${j}`,
        }, nodes);
        el("circle", { cx: x, cy: y, r: 30 }, g);
        el("text", { class: "node-name", x, y: y - 38 }, g);
        el("text", { class: "node-value", x, y: y + 6 }, g);
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
        el("text", {
          class: "node-grad", x, y: y + (biases ? 66 : 50), "data-testid": `node-grad-${layer}-${j}`,
        }, g);
        g.addEventListener("mouseenter", () => call("nodeEnter", layer, j));
        g.addEventListener("focus", () => call("nodeEnter", layer, j));
      }
    });
  }

  document.addEventListener("np:projector", () => { if (sizes.length) call("rebuild"); });

  return {
    build,
    get sizes() { return sizes; },
    edges: () => svg.querySelectorAll(".edge"),
    nodes: () => svg.querySelectorAll(".node"),
    edge: (l, i, j) => svg.querySelector(`.edge[data-layer="${l}"][data-i="${i}"][data-j="${j}"]`),
    node: (layer, j) => svg.querySelector(`.node[data-layer="${layer}"][data-j="${j}"]`),
  };
};

// Math names for the nodes of a network given its frame layers (each with `a`: (N, n)):
// inputs x1, x2, ..., hidden h1, h2, ... (h1.2 with several hidden layers), output ŷ (ŷ1, ...).
NP.symbolName = (layers, layer, j) => {
  if (layer < 0) return `x${j + 1}`;
  const last = layers.length - 1;
  if (layer === last) return layers[last].a[0].length === 1 ? "ŷ" : `ŷ${j + 1}`;
  return last === 1 ? `h${j + 1}` : `h${layer + 1}.${j + 1}`;
};
