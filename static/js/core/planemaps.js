// The playground's maps, computed in the browser from the weights every frame carries: the
// engine's forward pass over the plane written again for the layers, features and
// activations the playground offers (engine/data/features.py, engine/activations.py,
// engine/layers/dense.py), in float64 as the engine computes it, and the maps cut and scaled
// as app/labs/playground/frame.py does. So a crowded server sends weights and losses, and
// every page still draws a fresh decision surface and every neuron's map with every frame.
// tests/browser/test_playground_maps.py checks every cell against the engine to 1e-6.

export const MAP_SIZE = 100; // cells per side of the decision surface
export const THUMB_EVERY = 5; // a neuron's small map keeps every 5th cell: 20 x 20
const LEAKY_RELU_SLOPE = 0.01; // engine.activations.LEAKY_RELU_SLOPE

const FEATURES = {
  x1: (x1) => x1,
  x2: (x1, x2) => x2,
  x1_sq: (x1) => x1 * x1,
  x2_sq: (x1, x2) => x2 * x2,
  x1_x2: (x1, x2) => x1 * x2,
  sin_x1: (x1) => Math.sin(x1),
  sin_x2: (x1, x2) => Math.sin(x2),
};

// exp(-|z|) never overflows; the form that matches z's sign (engine.activations.sigmoid).
function sigmoid(z) {
  const e = Math.exp(-Math.abs(z));
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

const ACTIVATIONS = {
  linear: (z) => z,
  tanh: Math.tanh,
  sigmoid,
  relu: (z) => (z > 0 ? z : 0),
  leaky_relu: (z) => (z > 0 ? z : LEAKY_RELU_SLOPE * z),
};

// Cell centres over [-extent, extent]^2, row 0 at the top (engine.data.features.grid).
function centres(extent, size) {
  const half = extent / size, start = -extent + half, stop = extent - half;
  const step = (stop - start) / (size - 1); // numpy.linspace: i * step + start, last = stop
  const values = Array.from({ length: size }, (_, i) => i * step + start);
  values[size - 1] = stop;
  return values;
}

// The features of every cell, (cells x features) row by row.
function featureGrid(extent, names) {
  const c = centres(extent, MAP_SIZE), f = names.map((n) => FEATURES[n]), k = f.length;
  const out = new Float64Array(MAP_SIZE * MAP_SIZE * k);
  for (let r = 0; r < MAP_SIZE; r++) {
    const x2 = c[MAP_SIZE - 1 - r];
    for (let col = 0; col < MAP_SIZE; col++) {
      const base = (r * MAP_SIZE + col) * k;
      for (let j = 0; j < k; j++) out[base + j] = f[j](c[col], x2);
    }
  }
  return out;
}

// x @ w + b, then the activation, for every cell: (cells x n_out).
function dense(input, nIn, layer, activation) {
  const nOut = layer.b.length, cells = input.length / nIn, out = new Float64Array(cells * nOut);
  const w = new Float64Array(nIn * nOut);
  layer.w.forEach((row, i) => row.forEach((v, j) => { w[i * nOut + j] = v; }));
  const f = ACTIVATIONS[activation];
  for (let c = 0; c < cells; c++) {
    const x = c * nIn, o = c * nOut;
    for (let j = 0; j < nOut; j++) {
      let z = 0;
      for (let i = 0; i < nIn; i++) z += input[x + i] * w[i * nOut + j];
      out[o + j] = f(z + layer.b[j]);
    }
  }
  return out;
}

// The output layer's logits as the page reads them: P(class 1), each class's probability
// (softmax over the row, its maximum subtracted first), or the regression value.
function predictions(logits, n, problem) {
  if (problem === "binary") return logits.map(sigmoid);
  if (problem !== "multiclass") return logits;
  const out = new Float64Array(logits.length);
  for (let c = 0; c < logits.length; c += n) {
    let top = -Infinity, sum = 0;
    for (let k = 0; k < n; k++) top = Math.max(top, logits[c + k]);
    for (let k = 0; k < n; k++) { out[c + k] = Math.exp(logits[c + k] - top); sum += out[c + k]; }
    for (let k = 0; k < n; k++) out[c + k] /= sum;
  }
  return out;
}

// Every layer's values over the 100 x 100 grid: {features, layers: [{n, values}]}, the last
// layer as predictions. `view`: {features, extent, problem} from the frame's config and data.
export function planeValues(layers, view) {
  const k = view.features.length;
  const features = { n: k, values: featureGrid(view.extent, view.features) };
  let input = features;
  const out = layers.map((layer, l) => {
    const last = l === layers.length - 1; // linear: the losses take logits
    const values = dense(input.values, input.n, layer, layer.activation);
    const n = layer.b.length;
    input = { n, values: last ? predictions(values, n, view.problem) : values };
    return input;
  });
  return { features, layers: out };
}

// numpy.rint: halves to even.
function rint(x) {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// One neuron's map: a byte per cell on [lo, hi] (app.labs.common.heatmaps.levels), every
// `every`-th cell from the middle of the first block (`thumbnail`), as {size, lo, hi, bytes}.
function cut(grid, j, lo, hi, every) {
  const start = every > 1 ? Math.floor(every / 2) : 0, size = MAP_SIZE / every;
  const bytes = new Uint8Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const v = grid.values[((start + r * every) * MAP_SIZE + start + c * every) * grid.n + j];
      const clipped = Number.isNaN(v) ? (lo + hi) / 2 : Math.min(hi, Math.max(lo, v));
      bytes[r * size + c] = rint(((clipped - lo) / (hi - lo)) * 255);
    }
  }
  return { size, lo, hi, bytes };
}

// Centred on 0, at least -1..1, so a neuron that barely varies looks pale (signed_range).
function signedRange(grid, j) {
  let top = 0;
  for (let c = j; c < grid.values.length; c += grid.n) top = Math.max(top, Math.abs(grid.values[c]));
  const scale = Math.max(1, top);
  return [-scale, scale];
}

// The maps a playground frame stands for, as the server would have sent them:
// {input: [map], neurons: [[map]], output: {kind, map, classBytes}, inspect(layer, j)}.
// `view` adds {valueScale} to planeValues' view.
export function planeMaps(layers, view) {
  const values = planeValues(layers, view);
  const last = values.layers.length - 1;
  const outRange = view.problem === "regression" ? [-view.valueScale, view.valueScale] : [0, 1];
  const ranges = values.layers.map((grid, l) => (l === last
    ? Array.from({ length: grid.n }, () => outRange)
    : Array.from({ length: grid.n }, (_, j) => signedRange(grid, j))));
  const input = Array.from({ length: values.features.n },
    (_, j) => cut(values.features, j, ...signedRange(values.features, j), THUMB_EVERY));
  const neurons = values.layers.map((grid, l) => ranges[l].map(([lo, hi], j) =>
    cut(grid, j, lo, hi, THUMB_EVERY)));
  return {
    values,
    input,
    neurons,
    output: outputMap(values.layers[last], view.problem, outRange),
    inspect(layer, j) {
      if (layer < 0) return cut(values.features, j, ...signedRange(values.features, j), 1);
      const [lo, hi] = ranges[layer][j];
      return cut(values.layers[layer], j, lo, hi, 1);
    },
  };
}

// The decision surface: P(class 1), the regression value, or for several classes the most
// likely class per cell (`classBytes`) with its probability (`map`).
function outputMap(grid, problem, [lo, hi]) {
  if (problem !== "multiclass") {
    return { kind: problem === "binary" ? "probability" : "value", map: cut(grid, 0, lo, hi, 1) };
  }
  const cells = MAP_SIZE * MAP_SIZE, top = { n: 1, values: new Float64Array(cells) };
  const classBytes = new Uint8Array(cells);
  for (let c = 0; c < cells; c++) {
    let best = 0;
    for (let k = 1; k < grid.n; k++) if (grid.values[c * grid.n + k] > grid.values[c * grid.n + best]) best = k;
    classBytes[c] = best;
    top.values[c] = grid.values[c * grid.n + best];
  }
  return { kind: "classes", map: cut(top, 0, lo, hi, 1), classBytes };
}
