// Pictures of what a page draws: an SVG through a canvas (the share dialog's PNGs), and the
// small picture of a learner's main drawing that the teacher's class view shows.
import { cssVar } from "./dom.js";

// Computed styles are copied inline: the picture must not depend on the page's stylesheet.
const SVG_STYLE = [
  "display", "visibility", "opacity", "fill", "fill-opacity", "stroke", "stroke-width",
  "stroke-dasharray", "stroke-linecap", "stroke-opacity", "paint-order", "font-family",
  "font-size", "font-weight", "text-anchor", "dominant-baseline", "transform",
];

/** The SVG drawn into a canvas, `scale` pixels per unit of its viewBox (or of its box). */
export async function svgCanvas(svg, scale = 2) {
  const box = svg.viewBox.baseVal;
  const { width, height } = box && box.width ? box : svg.getBoundingClientRect();
  const clone = svg.cloneNode(true);
  const source = [svg, ...svg.querySelectorAll("*")];
  [clone, ...clone.querySelectorAll("*")].forEach((node, k) => {
    const style = getComputedStyle(source[k]);
    node.setAttribute("style", SVG_STYLE.map((p) => `${p}:${style.getPropertyValue(p)}`).join(";"));
  });
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("width", width * scale);
  clone.setAttribute("height", height * scale);
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(
    new XMLSerializer().serializeToString(clone))}`;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = width * scale;
  canvas.height = height * scale;
  const context = canvas.getContext("2d");
  context.fillStyle = cssVar("--panel");
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas;
}

// The page's main drawing: the one its template marks `data-thumbnail` (the playground's
// decision surface, the generative pages' planes), else its largest canvas or SVG.
function mainDrawing() {
  const marked = document.querySelector("main [data-thumbnail]");
  if (marked) return marked;
  let best = null, area = 0;
  for (const el of document.querySelectorAll("main canvas, main svg")) {
    if (el.closest("svg") !== el && el instanceof SVGElement) continue; // an SVG inside one
    const r = el.getBoundingClientRect();
    if (r.width * r.height > area) [best, area] = [el, r.width * r.height];
  }
  return area >= 40 * 40 ? best : null;
}

/** A small JPEG (data URL) of the page's main drawing, `width` pixels wide; null if none. */
export async function thumbnail(width = 120) {
  const drawing = mainDrawing();
  if (!drawing) return null;
  const source = drawing instanceof HTMLCanvasElement ? drawing : await svgCanvas(drawing, 1);
  if (!source.width || !source.height) return null;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = Math.max(1, Math.round((width * source.height) / source.width));
  const context = canvas.getContext("2d");
  context.fillStyle = cssVar("--panel");
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL("image/jpeg", 0.7);
}
