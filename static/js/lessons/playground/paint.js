// The playground's colours and class shapes: read from the CSS custom properties (so a theme
// or projector switch repaints in the new colours) and used by the plot, the network's small
// maps and the class swatches alike.
import { svgElement } from "../../core/dom.js";
import * as heatmap from "../../core/heatmap.js";

export const SHAPES = ["circle", "square", "triangle", "diamond", "triangle_down", "plus", "cross", "star"];

export function readColours() {
  const c = heatmap.cssColour;
  return {
    background: c("--heat-bg"),
    neg: c("--neg"),
    pos: c("--pos"),
    classes: SHAPES.map((_, k) => c(`--class-${k}`)),
    stroke: c("--point-stroke"),
    fg: c("--fg"),
    grid: c("--border"),
    focus: c("--focus"),
    strength: heatmap.cssNumber("--heat-strength", 0.7),
    axisFont: heatmap.cssNumber("--pg-axis-font", 11), // canvas pixels (larger on a projector)
  };
}

export const css = (rgb) => `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;

// Diverging scales: neurons and regression values run from `neg` to `pos`; a binary output
// from class 0's colour to class 1's.
export function signedScale(colours, discrete = false) {
  return heatmap.divergingScale(colours.neg, colours.background, colours.pos,
    colours.strength, discrete);
}
export function paintOutputMap(state, canvas, surfaceMap, discrete) {
  const { colours, config } = state;
  if (surfaceMap.kind === "classes") {
    const scales = heatmap.classScales(colours.classes.slice(0, config.classes),
      colours.background, colours.strength, discrete);
    const strength = heatmap.bytes(surfaceMap.map);
    const classes = surfaceMap.classBytes || heatmap.bytes({ data: surfaceMap.classes });
    heatmap.paint(canvas, surfaceMap.map.size, (k) => scales[classes[k]][strength[k]]);
  } else if (surfaceMap.kind === "probability") {
    heatmap.paintDiverging(canvas, surfaceMap.map, heatmap.divergingScale(colours.classes[0],
      colours.background, colours.classes[1], colours.strength, discrete));
  } else {
    heatmap.paintDiverging(canvas, surfaceMap.map, signedScale(colours, discrete));
  }
}
// A neuron's own map: the output layer's neurons show probabilities or values.
export function paintNeuronMap(state, canvas, layer, j, map) {
  const { colours, config, frame } = state;
  const isOutput = layer === frame.layers.length - 1;
  if (isOutput && config.problem !== "regression") {
    const high = config.problem === "binary" ? colours.classes[1] : colours.classes[j];
    const low = config.problem === "binary" ? colours.classes[0] : colours.background;
    heatmap.paintDiverging(canvas, map, heatmap.divergingScale(low,
      colours.background, high, colours.strength, false));
  } else {
    heatmap.paintDiverging(canvas, map, signedScale(colours));
  }
}

// One outline per class, so classes differ by shape as well as colour.
function shapePoints(shape, r) {
  const star = [];
  for (let k = 0; k < 10; k++) {
    const angle = -Math.PI / 2 + (k * Math.PI) / 5, radius = k % 2 ? r * 0.45 : r * 1.2;
    star.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
  }
  const p = r * 0.4;
  return {
    square: [[-r, -r], [r, -r], [r, r], [-r, r]],
    triangle: [[0, -1.25 * r], [1.15 * r, r], [-1.15 * r, r]],
    diamond: [[0, -1.3 * r], [1.3 * r, 0], [0, 1.3 * r], [-1.3 * r, 0]],
    triangle_down: [[0, 1.25 * r], [1.15 * r, -r], [-1.15 * r, -r]],
    plus: [[-p, -r], [p, -r], [p, -p], [r, -p], [r, p], [p, p], [p, r], [-p, r], [-p, p], [-r, p], [-r, -p], [-p, -p]],
    cross: [[0, -p * 1.4], [r - p, -r], [r, -r + p], [p * 1.4, 0], [r, r - p], [r - p, r], [0, p * 1.4], [-r + p, r], [-r, r - p], [-p * 1.4, 0], [-r, -r + p], [-r + p, -r]],
    star,
  }[shape];
}
export function shapePathCanvas(ctx, k, x, y, r) {
  const shape = SHAPES[k] || "circle";
  if (shape === "circle") { ctx.arc(x, y, r, 0, 2 * Math.PI); return; }
  const points = shapePoints(shape, r);
  ctx.moveTo(x + points[0][0], y + points[0][1]);
  for (const [dx, dy] of points.slice(1)) ctx.lineTo(x + dx, y + dy);
  ctx.closePath();
}
export function shapePath(colours, svgParent, k, r) {
  const shape = SHAPES[k] || "circle";
  const style = { fill: css(colours.classes[k]), stroke: css(colours.stroke) };
  if (shape === "circle") { svgElement("circle", { r, ...style }, svgParent); return; }
  const d = shapePoints(shape, r).map(([x, y], i) => `${i ? "L" : "M"}${x},${y}`).join("") + "Z";
  svgElement("path", { d, ...style }, svgParent);
}
