// Network pictures shared by the pages that draw one (neurons, playground): SVG elements, the
// column layout, and edges whose width shows |w| and whose dash shows the sign (never colour
// alone; the colours come from main.css).
"use strict";

NP.net = (() => {
  const SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  // Centre [x, y] of node j of `size` in `column` of `columns`, inside
  // box = {width, height, marginX, marginY, maxGap}: columns evenly spread, nodes centred.
  function position(box, column, columns, j, size) {
    const x = box.marginX + (column * (box.width - 2 * box.marginX)) / Math.max(1, columns - 1);
    const gap = Math.min(box.maxGap, (box.height - 2 * box.marginY) / Math.max(1, size - 1));
    const y = box.height / 2 + (j - (size - 1) / 2) * gap;
    return [x, y];
  }

  // The largest |w| of all layers (at least 1), so edge widths compare across the network.
  function maxAbsWeight(layers) {
    return Math.max(1, ...layers.flatMap((l) => l.w.flat().map(Math.abs)));
  }

  // Style one edge group (class "edge" holding a line of class "edge-line") for weight w.
  function styleEdge(g, w, maxAbs, maxWidth = 8) {
    const line = g.querySelector(".edge-line");
    line.setAttribute("stroke-width", (1 + (maxWidth - 1) * Math.abs(w) / maxAbs).toFixed(2));
    g.classList.toggle("edge--neg", w < 0);
    g.classList.toggle("edge--zero", w === 0);
  }

  return { SVG, el, position, maxAbsWeight, styleEdge };
})();
