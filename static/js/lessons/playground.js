// The 2-D playground: draws the engine's frames (decision surface, every neuron's map, edges,
// loss curves) and sends the learner's choices back. Frames carry only what changed: the
// settings (`config`) and points (`data`) are kept from the last frame that had them. The
// maps are computed here from each frame's weights (core/planemaps.js, the engine's forward
// pass over the plane): the page tells the server so (`page_draws`), which then sends none.
import { trainingControls } from "../core/controls.js";
import { $, drawNewest, svgElement } from "../core/dom.js";
import { factor, fmt, percent, writeLines } from "../core/format.js";
import * as heatmap from "../core/heatmap.js";
import { engineNames, t } from "../core/i18n.js";
import { layerRow, networkView } from "../core/network.js";
import { planeMaps } from "../core/planemaps.js";
import { drawChart, plotlyReady } from "../core/plotly.js";
import { connect, errorText, toast } from "../core/session.js";
import { chartFont, chartMargin } from "../core/theme.js";
import { stepThrough } from "./shared/stepthrough.js";

const el = svgElement;
// The engine's input features (all of them, in its order) and the hidden activations the lab
// offers, as the page template embedded them.
const FEATURES = engineNames().features;
const ACTIVATIONS = engineNames().playground_activations;
const SHAPES = ["circle", "square", "triangle", "diamond", "triangle_down", "plus", "cross", "star"];

const svg = $("network");
const plot = $("plot");

let config = null; // the latest settings from the engine
// Features asked for and not yet in a frame: two quick clicks must both count.
let wantedFeatures = null;
let wantedTimer = 0;
let data = null; // the latest points
let inputMaps = null; // one small map per enabled feature
let frame = null; // the latest frame
let maps = null; // every map of the latest frame's network (planeMaps)
let output = null; // the decision surface
let neuronMaps = []; // the small map of every neuron, [layer][j]
let limits = {}; // from hello
let shapeKey = "";
let hovered = null; // {layer, j}: the neuron shown in the big plot (layer -1: a feature)
let selected = null; // {kind: "weight", layer, i, j} or {kind: "bias", layer, j} being edited
let chosenLabel = 1;
let cursor = null; // keyboard cursor on the plot, in data coordinates
let colours = null;
const view = { showTest: false, discretize: false }; // from the lab's state (shared links too)

// The chart library loads while the page connects; the chart draws when it arrives.
plotlyReady();
const session = connect("playground", {
  hello(msg) { limits = msg.limits; },
  // Links and saved files are restored by share.js, like on every lab page.
  open() { controls.open(); },
  frame(msg) { onFrame(msg); },
  status(msg) { controls.status(msg); },
  error(msg) {
    wantedFeatures = null;
    if (msg.code === "diverged") $("diverged").hidden = false;
    else toast(errorText(msg));
  },
});
const send = (msg) => session.send(msg);
// Every (re)connection is a new session on the server, which sends maps until told.
document.addEventListener("np:open", (event) => {
  if (event.detail.session === session) send({ type: "page_draws", parts: ["maps"] });
});

// --- names -------------------------------------------------------------------------------

const featureName = (name) => t(`playground.feature.${name}`);
function neuronName(layer, j) {
  if (layer < 0) return featureName(config.network.features[j]);
  const last = frame.layers.length - 1;
  if (layer === last) {
    return config.problem === "multiclass"
      ? t("playground.output_class", { k: j }) : t("playground.output_node");
  }
  return t("playground.neuron", { layer: layer + 1, j: j + 1 });
}
const className = (k) => t("playground.class", { k });

// --- colours (CSS custom properties, re-read when the theme changes) ----------------------

function readColours() {
  const c = heatmap.cssColour;
  colours = {
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
new MutationObserver(() => { readColours(); if (maps) redraw(); })
  .observe(document.documentElement, {
    attributes: true, attributeFilter: ["data-theme", "data-projector"],
  });

const css = (rgb) => `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;

// Diverging scales: neurons and regression values run from `neg` to `pos`; a binary output
// from class 0's colour to class 1's.
function signedScale(discrete = false) {
  return heatmap.divergingScale(colours.neg, colours.background, colours.pos,
    colours.strength, discrete);
}
function paintOutputMap(canvas, surfaceMap, discrete) {
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
    heatmap.paintDiverging(canvas, surfaceMap.map, signedScale(discrete));
  }
}
// A neuron's own map: the output layer's neurons show probabilities or values.
function paintNeuronMap(canvas, layer, j, map) {
  const isOutput = layer === frame.layers.length - 1;
  if (isOutput && config.problem !== "regression") {
    const high = config.problem === "binary" ? colours.classes[1] : colours.classes[j];
    const low = config.problem === "binary" ? colours.classes[0] : colours.background;
    heatmap.paintDiverging(canvas, map, heatmap.divergingScale(low,
      colours.background, high, colours.strength, false));
  } else {
    heatmap.paintDiverging(canvas, map, signedScale());
  }
}

// --- frames --------------------------------------------------------------------------------

// A frame is taken in at once (what it changed, its curve points) and drawn at the next
// animation frame, the newest only: a page that cannot draw as fast as frames come (a slow or
// loaded machine) skips pictures instead of queueing them, and stays responsive to clicks.
const changed = { config: false, data: false };
const drawSoon = drawNewest(drawFrame);

function onFrame(msg) {
  if (msg.config) config = msg.config;
  if (msg.config && String(msg.config.network.features) === String(wantedFeatures)) {
    wantedFeatures = null;
  }
  if (msg.data) data = msg.data;
  frame = msg;
  changed.config ||= Boolean(msg.config);
  changed.data ||= Boolean(msg.data);
  if (!colours) readColours(); // the chart may draw before the first picture
  updateChart(msg);
  drawSoon();
}

function drawFrame() {
  const msg = frame;
  const { config: newConfig, data: newData } = changed;
  Object.assign(changed, { config: false, data: false });
  view.showTest = $("show-test").checked = msg.view.show_test;
  view.discretize = $("discretize").checked = msg.view.discretize;
  maps = planeMaps(msg.layers, {
    features: config.network.features, extent: data.extent, problem: config.problem,
    valueScale: data.value_scale,
  });
  ({ input: inputMaps, output, neurons: neuronMaps } = maps);
  if (!colours) readColours();
  if (newConfig) applyConfig();
  if (newData || newConfig) updateDataControls();
  const key = JSON.stringify([config.network.features, msg.layers.map((l) => l.b.length)]);
  if (key !== shapeKey) {
    shapeKey = key;
    selected = null;
    buildNetwork();
    buildLayerControls();
  }
  if (newConfig) updateLayerControls();
  updateNetwork();
  updateMetrics();
  redrawPlot();
  $("diverged").hidden = !msg.diverged;
  $("preset").value = msg.preset && !msg.modified ? msg.preset : "";
}

function redraw() {
  $("class-choice").replaceChildren(); // swatches take the new theme's colours
  updateDataControls();
  buildNetwork();
  updateNetwork();
  redrawPlot();
  updateChart({ history: [...chartHistory], history_reset: true });
}

const controls = trainingControls(session, {
  labels: "playground",
  onStatus(msg) { if (msg.diverged) $("diverged").hidden = false; },
});

// --- settings shown by the controls ----------------------------------------------------------

function setControl(id, value) { setControlElement($(id), value); }
// A field the learner is typing in or dragging keeps its value until it is done; a select
// always shows the engine's setting.
function setControlElement(control, value) {
  if (control.tagName === "INPUT" && document.activeElement === control) return;
  control.value = String(value);
}

function applyConfig() {
  const net = config.network, spec = config.data;
  setControl("learning-rate", net.learning_rate);
  if ($("learning-rate").value !== String(net.learning_rate)) {
    addOption($("learning-rate"), net.learning_rate); // a value from a link or a file
  }
  setControl("optimizer", net.optimizer);
  setControl("batch-size", net.batch_size);
  $("batch-size-value").textContent = fmt(net.batch_size);
  setControl("regularization", net.regularization);
  if (![...$("regularization-rate").options].some((o) => +o.value === net.regularization_rate)) {
    addOption($("regularization-rate"), net.regularization_rate);
  }
  $("regularization-rate").value = [...$("regularization-rate").options]
    .find((o) => +o.value === net.regularization_rate).value;
  $("dataset-custom").hidden = spec.kind !== "custom";
  setControl("dataset", spec.kind);
  setControl("classes", spec.classes);
  $("classes").max = config.limits.max_classes;
  $("classes-field").hidden = !["multi_spiral", "multi_gauss"].includes(spec.kind);
  $("points").max = config.limits.max_points;
  setControl("points", spec.n_points);
  $("points-value").textContent = fmt(spec.n_points);
  setControl("noise", spec.noise);
  $("noise-value").textContent = fmt(spec.noise);
  setControl("ratio", spec.train_ratio);
  $("ratio-value").textContent = `${fmt(spec.train_ratio)}%`;
  $("dataset-about").textContent = t(`playground.about.${spec.kind}`);
  $("problem").textContent = t("playground.problem_line", {
    problem: t(`playground.problem.${config.problem}`), loss: t(`playground.loss.${config.loss}`),
  });
  $("csv-hint").textContent = t("playground.csv_hint", { limit: config.limits.max_points });
  const hidden = net.hidden.length;
  // B.1's names: one hidden layer is a single-layer network, more a multi-layer one.
  $("layer-count").textContent = hidden === 0 ? t("neurons.kind_none")
    : hidden === 1 ? t("neurons.kind_single") : t("neurons.kind_multi", { n: hidden });
  $("add-layer").disabled = hidden >= config.limits.max_layers;
  $("remove-layer").disabled = hidden === 0;
}

function addOption(select, value) {
  const option = document.createElement("option");
  option.value = String(value);
  option.textContent = fmt(value);
  select.appendChild(option);
  select.value = String(value);
}

function updateDataControls() {
  buildClassChoice();
  $("added-count").textContent = t("playground.added_count", { n: data.added });
  $("clear-points").disabled = data.added === 0;
}

function buildClassChoice() {
  const box = $("class-choice");
  const regression = config.problem === "regression";
  $("value-choice").hidden = !regression;
  box.hidden = regression;
  const count = regression ? 0 : config.classes;
  if (box.childElementCount === count) return;
  box.replaceChildren();
  chosenLabel = Math.min(chosenLabel, count - 1);
  for (let k = 0; k < count; k++) {
    const label = document.createElement("label");
    label.className = "pg-class-option";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "add-class";
    input.value = String(k);
    input.checked = k === chosenLabel;
    input.dataset.testid = `add-class-${k}`;
    input.addEventListener("change", () => { chosenLabel = k; });
    const swatch = el("svg", { class: "pg-swatch", viewBox: "-8 -8 16 16", "aria-hidden": "true" });
    shapePath(swatch, k, 6);
    const text = document.createElement("span");
    text.textContent = className(k);
    label.append(input, swatch, text);
    box.appendChild(label);
  }
}

// --- the network picture (static/js/network.js) and the step-through ---------------------------

const weight = (layer, i, j) => ({ kind: "weight", layer, i, j });
const pressed = (e) => {
  if (e.key !== "Enter" && e.key !== " ") return false;
  e.preventDefault();
  return true;
};
// Clicking a feature switches it; clicking a neuron edits its bias.
function activateNode(layer, j, slot) {
  if (layer < 0) toggleFeature(FEATURES[slot]);
  else edit({ kind: "bias", layer, j });
}
const net = networkView(svg, {
  edgeClick: (l, i, j) => edit(weight(l, i, j)),
  edgeKey: (e, l, i, j) => { if (pressed(e)) edit(weight(l, i, j)); },
  edgeEnter: (l, i, j) => describe(weight(l, i, j)),
  nodeClick: (layer, j, slot) => activateNode(layer, j, slot),
  nodeKey: (e, layer, j, slot) => { if (pressed(e)) activateNode(layer, j, slot); },
  nodeEnter: (layer, j) => { if (j >= 0) showNeuron(layer, j); },
  nodeLeave: (layer, j) => { if (j >= 0) hideNeuron(layer, j); },
}, { node: "map", marginX: 84, marginY: 30, maxGap: 66, edgeLabels: "hover" });
const steps = stepThrough({
  session, view: net, nodeName: (layer, j) => neuronName(layer, j), onSample: () => updateNetwork(),
});

function buildNetwork() {
  const enabled = config.network.features;
  // Column 0 keeps a place for each of the seven features (switched-off ones greyed); layer
  // 0's rows are the enabled features, in their canonical order.
  net.build([enabled.length, ...frame.layers.map((l) => l.b.length)], {
    biases: false,
    inputSlots: { count: FEATURES.length, of: enabled.map((name) => FEATURES.indexOf(name)) },
  });
  FEATURES.forEach((name, k) => {
    const g = net.slot(k);
    g.dataset.testid = `feature-${name}`;
    g.setAttribute("role", "switch");
    g.setAttribute("aria-checked", String(enabled.includes(name)));
    g.setAttribute("aria-label", t("playground.feature_aria", { name: featureName(name) }));
    const label = g.querySelector(".node-name");
    label.textContent = featureName(name);
    label.setAttribute("translate", "no"); // X₁², sin(X₁): notation, the same in every language
  });
  frame.layers.forEach((layer, l) => layer.b.forEach((_, j) => {
    net.node(l, j).setAttribute("role", "button");
  }));
}

// Pointing at (or focusing) a neuron shows its own map, full size, in the big plot.
function showNeuron(layer, j) {
  hovered = { layer, j };
  send({ type: "inspect", layer, j });
  if (layer >= 0) describe({ kind: "bias", layer, j });
  redrawPlot();
}
function hideNeuron(layer, j) {
  if (!hovered || hovered.layer !== layer || hovered.j !== j) return;
  hovered = null;
  send({ type: "inspect", layer: null });
  redrawPlot();
}

function updateNetwork() {
  net.weigh(frame.layers, 6);
  for (const g of net.edges()) {
    const l = +g.dataset.layer, i = +g.dataset.i, j = +g.dataset.j;
    const w = frame.layers[l].w[i][j];
    g.classList.toggle("edge--selected", isSelected(weight(l, i, j)));
    g.querySelector(".edge-label").textContent = fmt(w);
    g.setAttribute("aria-label", t("playground.edge_aria", {
      from: neuronName(l - 1, i), to: neuronName(l, j), value: fmt(w),
    }));
  }
  config.network.features.forEach((name, k) => {
    if (inputMaps) heatmap.paintDiverging(mapOf(-1, k), inputMaps[k], signedScale());
  });
  frame.layers.forEach((layer, l) => layer.b.forEach((_, j) => {
    paintNeuronMap(mapOf(l, j), l, j, neuronMaps[l][j]);
    net.node(l, j).setAttribute("aria-label", t("playground.node_aria", {
      name: neuronName(l, j), bias: fmt(frame.layers[l].b[j]),
    }));
  }));
  writeWalkValues();
  steps.render(frame);
  updateEditor();
}
const mapOf = (layer, j) => net.node(layer, j).querySelector("canvas");

// Under each node: the value the iteration being walked computed for the sample shown (its
// input features, each neuron's a); nothing when no iteration is shown.
function writeWalkValues() {
  const walk = frame.step_through;
  const s = steps.sample;
  for (const g of net.nodes()) {
    if (g.dataset.j === undefined) continue;
    const layer = +g.dataset.layer, j = +g.dataset.j;
    let value = null;
    if (walk && layer < 0) value = walk.layers[0].x ? walk.layers[0].x[s][j] : null;
    else if (walk) value = walk.layers[layer].a ? walk.layers[layer].a[s][j] : null;
    g.querySelector(".node-value").textContent = value === null ? "" : fmt(value);
  }
}

function toggleFeature(name) {
  const enabled = wantedFeatures || config.network.features;
  const next = enabled.includes(name)
    ? enabled.filter((f) => f !== name)
    : FEATURES.filter((f) => f === name || enabled.includes(f));
  if (next.length === 0) {
    toast(t("playground.one_feature"));
    return;
  }
  send({ type: "set_network", features: next });
  wantedFeatures = next;
  clearTimeout(wantedTimer); // a lost answer must not pin the page's features for good
  wantedTimer = setTimeout(() => { wantedFeatures = null; }, 2000);
}

// Sizes, activations and limits from the latest config (also after a restored state).
function updateLayerControls() {
  config.network.hidden.forEach((size, l) => {
    const name = document.querySelector(`[data-testid="layer-${l}-size"]`);
    if (!name) return;
    name.textContent = t("playground.layer_neurons", { layer: layerName(l), n: size });
    document.querySelector(`[data-testid="neurons-more-${l}"]`).disabled =
      size >= config.limits.max_neurons;
    document.querySelector(`[data-testid="neurons-fewer-${l}"]`).disabled = size <= 1;
    setControlElement(document.querySelector(`[data-testid="activation-${l}"]`),
      config.network.activations[l]);
  });
}

function layerName(l) { return t("playground.hidden_layer", { n: l + 1 }); }

function buildLayerControls() {
  const box = $("layer-controls");
  box.replaceChildren();
  config.network.hidden.forEach((size, l) => {
    const { row, name } = layerRow({
      prefix: "playground", layer: l, label: layerName(l),
      onResize(delta) {
        const hidden = [...config.network.hidden];
        hidden[l] += delta;
        send({ type: "set_network", hidden });
      },
      activations: ACTIVATIONS,
      onActivation(activation) {
        const activations = [...config.network.activations];
        activations[l] = activation;
        send({ type: "set_network", activations });
      },
    });
    name.dataset.testid = `layer-${l}-size`;
    box.appendChild(row);
  });
}

// --- reading and editing a weight or bias ----------------------------------------------

function valueOf(sel) {
  const layer = frame.layers[sel.layer];
  return sel.kind === "weight" ? layer.w[sel.i][sel.j] : layer.b[sel.j];
}
function isSelected(sel) {
  return !!selected && selected.kind === sel.kind && selected.layer === sel.layer &&
    selected.i === sel.i && selected.j === sel.j;
}
function labelOf(sel) {
  return sel.kind === "weight"
    ? t("playground.weight_of", { from: neuronName(sel.layer - 1, sel.i), to: neuronName(sel.layer, sel.j) })
    : t("playground.bias_of", { name: neuronName(sel.layer, sel.j) });
}
// The weight or neuron pointed at, and, while an iteration is shown, its chain rule.
function describe(sel) {
  if (sel.layer >= frame.layers.length) return;
  const lines = sel.kind === "bias"
    ? [formulaOf(sel.layer, sel.j), ...steps.nodeLines(sel.layer, sel.j)]
    : [`${labelOf(sel)}: ${fmt(valueOf(sel))}`, ...steps.edgeLines(sel.layer, sel.i, sel.j)];
  writeLines($("readout"), lines);
}
// What a neuron computes, with the engine's weights: name = f(w1·in1 + ... + b).
function formulaOf(l, j) {
  const layer = frame.layers[l];
  const isOutput = l === frame.layers.length - 1;
  const terms = layer.w.map((row, i) => `${factor(row[j])}·${neuronName(l - 1, i)}`);
  const sum = `${terms.join(" + ")} + ${factor(layer.b[j])}`;
  const f = isOutput ? t(`playground.output_function.${config.problem}`) : t(`activation.${layer.activation}`);
  return `${neuronName(l, j)} = ${f}(${sum})`;
}
function edit(sel) {
  selected = sel;
  updateEditor();
  $("editor-number").focus();
}
function updateEditor() {
  const editor = $("editor");
  if (selected && selected.layer >= frame.layers.length) selected = null;
  editor.hidden = !selected;
  if (!selected) return;
  $("editor-title").textContent = labelOf(selected);
  if (document.activeElement !== $("editor-number")) $("editor-number").value = valueOf(selected);
}
$("editor-number").addEventListener("keydown", (e) => {
  if (e.key === "Escape") { selected = null; updateEditor(); return; }
  if (e.key !== "Enter" || !selected) return;
  const value = $("editor-number").valueAsNumber;
  if (!Number.isFinite(value)) { toast(t("error.not_a_number")); return; }
  const { layer, i, j } = selected;
  send(selected.kind === "weight"
    ? { type: "set_weight", layer, i, j, value } : { type: "set_bias", layer, j, value });
});

// --- numbers and the loss chart --------------------------------------------------------------

function updateMetrics() {
  const m = frame.metrics;
  $("iteration").textContent = fmt(frame.step);
  $("epoch").textContent = t("playground.epoch", { n: fmt(frame.epoch) });
  $("train-loss").textContent = fmt(m.train_loss);
  $("test-loss").textContent = fmt(m.test_loss);
  $("accuracy").textContent = m.train_accuracy === null ? "–" : t("playground.accuracy_value", {
    train: percent.format(m.train_accuracy),
    test: m.test_accuracy === null ? "–" : percent.format(m.test_accuracy),
  });
  $("penalty").textContent = fmt(m.penalty);
}

let chartHistory = [];
let chartDrawn = null; // how many of chartHistory's points the chart shows; null: none yet
function chartLayout() {
  const grid = css(colours.grid);
  const font = chartFont(); // projector-sized in projector mode
  return {
    margin: chartMargin({ l: 2.6, b: 2.4 }), height: Math.max(170, 13 * font.size),
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    font,
    xaxis: { title: { text: t("playground.chart_x") }, zeroline: false, gridcolor: grid, automargin: true },
    yaxis: { title: { text: t("playground.chart_y") }, rangemode: "tozero", gridcolor: grid, automargin: true },
    legend: { orientation: "h", y: 1.12 }, showlegend: true,
  };
}
function traces(history) {
  return [
    { name: t("playground.train_loss"), x: history.map((p) => p[0]), y: history.map((p) => p[1]),
      mode: "lines", line: { color: css(colours.fg), width: 2 } },
    { name: t("playground.test_loss"), x: history.map((p) => p[0]), y: history.map((p) => p[2]),
      mode: "lines", line: { color: css(colours.pos), width: 2, dash: "dash" } },
  ];
}
// The loss chart follows the frames through drawChart (core/plotly.js): at most every
// CHART_MS, in a task of its own after the frame is on the screen; each drawing appends
// the points that came since the last (or draws all of them after a reset).
function updateChart(msg) {
  if (msg.history_reset) {
    chartHistory = [...msg.history];
    chartDrawn = null;
  } else {
    chartHistory.push(...msg.history);
    if (chartDrawn === chartHistory.length) return; // nothing new to draw
  }
  const div = $("loss-chart");
  drawChart(div, (Plotly) => {
    if (chartDrawn === null) {
      Plotly.react(div, traces(chartHistory), chartLayout(), { displayModeBar: false, responsive: true });
    } else {
      const appended = chartHistory.slice(chartDrawn);
      if (appended.length) Plotly.extendTraces(div, {
        x: [appended.map((p) => p[0]), appended.map((p) => p[0])],
        y: [appended.map((p) => p[1]), appended.map((p) => p[2])],
      }, [0, 1]);
    }
    chartDrawn = chartHistory.length;
    div.dataset.points = String(chartDrawn);
  });
}

// --- the big plot: decision surface (or the pointed-at neuron) and the points -------------

const surface = document.createElement("canvas"); // the map at its own resolution

function plotArea() {
  const f = colours.axisFont; // room for the axis labels
  const m = { left: Math.round(2.7 * f), bottom: Math.round(2 * f), top: 6, right: 6 };
  return { x: m.left, y: m.top, w: plot.width - m.left - m.right, h: plot.height - m.top - m.bottom };
}
function toPixel(x1, x2) {
  const a = plotArea(), e = data.extent;
  return [a.x + ((x1 + e) / (2 * e)) * a.w, a.y + ((e - x2) / (2 * e)) * a.h];
}
function toData(px, py) {
  const a = plotArea(), e = data.extent;
  return [((px - a.x) / a.w) * 2 * e - e, e - ((py - a.y) / a.h) * 2 * e];
}

// Whether the latest network has that neuron (or feature): a pointer may outlive a change.
function shown(layer, j) {
  if (layer < 0) return j < maps.input.length;
  return layer < maps.neurons.length && j < maps.neurons[layer].length;
}

function redrawPlot() {
  if (!frame || !data) return;
  const ctx = plot.getContext("2d");
  ctx.clearRect(0, 0, plot.width, plot.height);
  const inspected = hovered && shown(hovered.layer, hovered.j)
    ? { ...hovered, map: maps.inspect(hovered.layer, hovered.j) } : null;
  if (inspected) {
    if (inspected.layer === frame.layers.length - 1) paintNeuronMap(surface, inspected.layer, inspected.j, inspected.map);
    else heatmap.paintDiverging(surface, inspected.map, signedScale(view.discretize));
    $("plot-caption").textContent = t("playground.showing_neuron", { name: neuronName(inspected.layer, inspected.j) });
  } else {
    paintOutputMap(surface, output, view.discretize);
    $("plot-caption").textContent = t(`playground.showing_${output.kind}`);
  }
  const a = plotArea();
  ctx.imageSmoothingEnabled = !view.discretize;
  ctx.drawImage(surface, a.x, a.y, a.w, a.h);
  drawAxes(ctx, a);
  drawPoints(ctx, data.train, false);
  if (view.showTest) drawPoints(ctx, data.test, true);
  if (cursor && document.activeElement === plot) drawCursor(ctx);
  plot.dataset.step = String(frame.step);
  plot.dataset.showTest = String(view.showTest);
}

function drawAxes(ctx, a) {
  const e = data.extent;
  ctx.fillStyle = css(colours.fg);
  ctx.strokeStyle = css(colours.fg);
  ctx.font = `${colours.axisFont}px system-ui, sans-serif`;
  ctx.lineWidth = 1;
  ctx.strokeRect(a.x + 0.5, a.y + 0.5, a.w - 1, a.h - 1);
  for (const v of [-e, -e / 2, 0, e / 2, e]) {
    const [px] = toPixel(v, 0), [, py] = toPixel(0, v);
    ctx.textAlign = "center";
    const f = colours.axisFont;
    ctx.fillText(fmt(v), Math.min(Math.max(px, a.x + 8), a.x + a.w - 8), a.y + a.h + 1.3 * f);
    ctx.textAlign = "right";
    ctx.fillText(fmt(v), a.x - 4, Math.min(Math.max(py + 0.35 * f, a.y + f), a.y + a.h));
  }
}

function pointColour(label) {
  if (config.problem !== "regression") return colours.classes[label] || colours.fg;
  const v = Math.max(-1, Math.min(1, label / data.value_scale));
  return heatmap.mix(colours.background, v < 0 ? colours.neg : colours.pos, Math.abs(v));
}

// Test points are hollow; the learner's own (the last `data.added` training points) larger.
function drawPoints(ctx, set, isTest) {
  const regression = config.problem === "regression";
  const firstAdded = isTest ? Infinity : set.x1.length - data.added;
  for (let k = 0; k < set.x1.length; k++) {
    const [px, py] = toPixel(set.x1[k], set.x2[k]);
    const label = set.label[k];
    const added = k >= firstAdded;
    ctx.beginPath();
    shapePathCanvas(ctx, regression ? 0 : label, px, py, added ? 5.5 : 3.6);
    ctx.fillStyle = isTest ? css(colours.background) : css(pointColour(label));
    ctx.fill();
    ctx.lineWidth = isTest || added ? 2 : 1;
    ctx.strokeStyle = isTest ? css(pointColour(label)) : css(colours.stroke);
    ctx.stroke();
  }
}

function drawCursor(ctx) {
  const [px, py] = toPixel(cursor[0], cursor[1]);
  ctx.strokeStyle = css(colours.focus);
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(px, py, 8, 0, 2 * Math.PI);
  ctx.moveTo(px - 12, py); ctx.lineTo(px + 12, py);
  ctx.moveTo(px, py - 12); ctx.lineTo(px, py + 12);
  ctx.stroke();
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
function shapePathCanvas(ctx, k, x, y, r) {
  const shape = SHAPES[k] || "circle";
  if (shape === "circle") { ctx.arc(x, y, r, 0, 2 * Math.PI); return; }
  const points = shapePoints(shape, r);
  ctx.moveTo(x + points[0][0], y + points[0][1]);
  for (const [dx, dy] of points.slice(1)) ctx.lineTo(x + dx, y + dy);
  ctx.closePath();
}
function shapePath(svgParent, k, r) {
  const shape = SHAPES[k] || "circle";
  const style = { fill: css(colours.classes[k]), stroke: css(colours.stroke) };
  if (shape === "circle") { el("circle", { r, ...style }, svgParent); return; }
  const d = shapePoints(shape, r).map(([x, y], i) => `${i ? "L" : "M"}${x},${y}`).join("") + "Z";
  el("path", { d, ...style }, svgParent);
}

// --- adding points: click, or move the cursor with the arrow keys and press Enter ------------

function addPointAt(x1, x2) {
  const label = config.problem === "regression" ? $("add-value").valueAsNumber : chosenLabel;
  if (!Number.isFinite(label)) { toast(t("error.not_a_number")); return; }
  send({ type: "add_point", x1: +x1.toFixed(3), x2: +x2.toFixed(3), label });
}
plot.addEventListener("click", (e) => {
  if (!data) return;
  const rect = plot.getBoundingClientRect();
  const px = ((e.clientX - rect.left) / rect.width) * plot.width;
  const py = ((e.clientY - rect.top) / rect.height) * plot.height;
  const [x1, x2] = toData(px, py);
  if (Math.abs(x1) > data.extent || Math.abs(x2) > data.extent) return; // on the axes
  cursor = [x1, x2]; // the keyboard carries on from here
  addPointAt(x1, x2);
});
plot.addEventListener("focus", () => { cursor = cursor || [0, 0]; redrawPlot(); });
plot.addEventListener("blur", () => redrawPlot());
plot.addEventListener("keydown", (e) => {
  if (!data) return;
  const step = data.extent / 24;
  const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
  if (moves[e.key]) {
    e.preventDefault();
    const clamp = (v) => Math.max(-data.extent, Math.min(data.extent, v));
    cursor = [clamp(cursor[0] + moves[e.key][0]), clamp(cursor[1] + moves[e.key][1])];
    redrawPlot();
  } else if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    addPointAt(cursor[0], cursor[1]);
  }
});

// --- controls -------------------------------------------------------------------------------

function randomSeed() { return Math.floor(Math.random() * 2 ** 31); }
const on = (id, event, fn) => $(id).addEventListener(event, fn);

on("preset", "change", () => { if ($("preset").value) send({ type: "load_preset", name: $("preset").value }); });
on("diverged-reset", "click", () => send({ type: "reset" }));
on("new-weights", "click", () => send({ type: "set_network", init_seed: randomSeed() }));
on("learning-rate", "change", () => send({ type: "set_network", learning_rate: +$("learning-rate").value }));
on("optimizer", "change", () => send({ type: "set_network", optimizer: $("optimizer").value }));
on("batch-size", "input", () => { $("batch-size-value").textContent = fmt(+$("batch-size").value); });
on("batch-size", "change", () => send({ type: "set_network", batch_size: +$("batch-size").value }));
on("regularization", "change", () => send({ type: "set_network", regularization: $("regularization").value }));
on("regularization-rate", "change", () =>
  send({ type: "set_network", regularization_rate: +$("regularization-rate").value }));
on("add-layer", "click", () => {
  const hidden = config.network.hidden;
  send({ type: "set_network", hidden: [...hidden, hidden.at(-1) || 4] });
});
on("remove-layer", "click", () => send({ type: "set_network", hidden: config.network.hidden.slice(0, -1) }));

on("dataset", "change", () => send({ type: "set_data", kind: $("dataset").value }));
on("classes", "change", () => {
  const classes = $("classes").valueAsNumber;
  if (Number.isInteger(classes)) send({ type: "set_data", classes });
});
for (const [id, field, out, suffix] of [
  ["points", "n_points", "points-value", ""], ["noise", "noise", "noise-value", ""],
  ["ratio", "train_ratio", "ratio-value", "%"],
]) {
  on(id, "input", () => { $(out).textContent = `${fmt(+$(id).value)}${suffix}`; });
  on(id, "change", () => send({ type: "set_data", [field]: +$(id).value }));
}
on("regenerate", "click", () => send({ type: "set_data", seed: randomSeed() }));
on("clear-points", "click", () => send({ type: "clear_points" }));
// Part of the lab's state, so that a shared link shows the plane the same way.
on("show-test", "change", () => send({ type: "set_view", show_test: $("show-test").checked }));
on("discretize", "change", () => send({ type: "set_view", discretize: $("discretize").checked }));

// A file must fit in one websocket message (with room for the message around it).
function fitsInAMessage(text) {
  return new Blob([text]).size + 200 <= (limits.max_message_bytes || 256000);
}
function tooLarge() {
  toast(t("playground.too_large", { limit: limits.max_message_bytes || 256000 }));
}

on("csv-file", "change", async () => {
  const file = $("csv-file").files[0];
  $("csv-file").value = "";
  if (!file) return;
  const text = await file.text();
  if (!fitsInAMessage(text)) { tooLarge(); return; }
  send({ type: "load_csv", text, problem: $("csv-problem").value });
});
