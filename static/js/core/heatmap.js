// Paints the engine's compact heatmaps ({size, lo, hi, data: base64 bytes}) into canvases
// (a deflated map's bytes were inflated into `map.bytes` by session.js on arrival).
// A byte b stands for lo + b / 255 * (hi - lo); colours come from CSS custom properties, and
// strength (how far from the middle of the scale) is shown by how far the colour is from the
// background, so a picture still reads in grey.
import { cssVar } from "./dom.js";
import { base64Bytes } from "./session.js";

export function bytes(map) {
  return map.bytes || base64Bytes(map.data); // map.bytes: inflated by session.js
}

// "#0072b2" or "rgb(0, 114, 178)" from a custom property -> [r, g, b].
export function cssColour(name) {
  const value = cssVar(name);
  if (value.startsWith("#")) {
    const hex = value.length === 4
      ? [...value.slice(1)].map((c) => c + c).join("") : value.slice(1, 7);
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }
  const parts = value.match(/[\d.]+/g) || ["0", "0", "0"];
  return parts.slice(0, 3).map(Number);
}

export function cssNumber(name, fallback) {
  const value = parseFloat(cssVar(name));
  return Number.isFinite(value) ? value : fallback;
}

export function mix(a, b, amount) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * amount));
}

// 256 colours for a map whose middle ((lo + hi) / 2) is neutral: below it `low`, above it
// `high`, stronger further out. `discrete`: full strength on either side (a hard boundary).
export function divergingScale(low, background, high, strength, discrete) {
  const lut = [];
  for (let b = 0; b < 256; b++) {
    const amount = Math.abs(b - 127.5) / 127.5;
    const side = b < 127.5 ? low : high;
    lut.push(mix(background, side, (discrete ? 1 : amount) * strength));
  }
  return lut;
}

// One colour per class, from the background (probability 1 / classes) to the class colour
// (probability 1).
export function classScales(colours, background, strength, discrete) {
  const base = 1 / colours.length;
  return colours.map((colour) => {
    const lut = [];
    for (let b = 0; b < 256; b++) {
      const amount = Math.min(1, Math.max(0, (b / 255 - base) / (1 - base)));
      lut.push(mix(background, colour, (discrete ? 1 : amount) * strength));
    }
    return lut;
  });
}

// Fill `canvas` (resized to size x size) with colourAt(k) for each cell k, row by row.
export function paint(canvas, size, colourAt) {
  if (canvas.width !== size) canvas.width = size;
  if (canvas.height !== size) canvas.height = size;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(size, size);
  for (let k = 0; k < size * size; k++) {
    const c = colourAt(k);
    image.data[4 * k] = c[0];
    image.data[4 * k + 1] = c[1];
    image.data[4 * k + 2] = c[2];
    image.data[4 * k + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

export function paintDiverging(canvas, map, scale) {
  const data = bytes(map);
  paint(canvas, map.size, (k) => scale[data[k]]);
}
