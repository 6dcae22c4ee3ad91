// B.1/B.2 "Neurons and weights": draws the engine's trace of a small network as SVG and
// sends every edit (weight, bias, input, activation, layers) back to the engine.
import { $ } from "../core/dom.js";
import { factor, fmt, num, writeLines } from "../core/format.js";
import { engineNames, t } from "../core/i18n.js";
import { layerRow, networkView } from "../core/network.js";
import { connect, toast } from "../core/session.js";
import { stepThrough } from "./shared/stepthrough.js";

const svg = $("network");
const editor = $("editor");
const editorTitle = $("editor-title");
const editorNumber = $("editor-number");
const editorRange = $("editor-range");
const formula = $("formula");

let frame = null;
let shapeKey = "";
let inputNamesKey = ""; // the input fields are named like the input nodes (Age, not G1)
let selected = null; // {kind: "weight", layer, i, j} or {kind: "bias", layer, j}
let focusNode = null; // {layer, j}: layer -1 is the input column

// ?preset=NAME and shared states are applied by share.js for every lab page.
const session = connect("neurons", {
  frame(msg) { render(msg); },
  status(msg) { steps.status(msg); },
});

// --- names ----------------------------------------------------------------------------

function nodeName(layer, j) {
  if (layer < 0) return t(frame.input_names[j]);
  const last = frame.layers.length - 1;
  if (layer === last) return frame.layers[last].a.length === 1 ? "R1" : `R${j + 1}`;
  return last === 1 ? `B${j + 1}` : `B${layer + 1}.${j + 1}`;
}
const activationName = (name) => t(`activation.${name}`);
// Column titles name each layer's role in words (roles never by colour alone).
function columnTitle(column) {
  return column === 0 ? t("neurons.input_layer") : layerName(column - 1);
}

const weight = (l, i, j) => ({ kind: "weight", layer: l, i, j });
const view = networkView(svg, {
  edgeClick: (l, i, j) => select(weight(l, i, j), true),
  edgeKey: (e, l, i, j) => onEdgeKey(e, weight(l, i, j)),
  edgeWheel: (e, l, i, j) => onWheel(e, weight(l, i, j)),
  edgeEnter: (l, i, j) => showEdgeFormula(l, i, j),
  biasClick: (layer, j) => select({ kind: "bias", layer, j }, true),
  biasKey: (e, layer, j) => onEdgeKey(e, { kind: "bias", layer, j }),
  nodeEnter: (layer, j) => { focusNode = { layer, j }; showNodeFormula(); },
  // Projector mode changes the drawing's spacing: draw it again.
  rebuild: () => { if (frame) { shapeKey = inputNamesKey = ""; render(frame); } },
});

const steps = stepThrough({ session, view, nodeName: (layer, j) => nodeName(layer, j) });

function columnSizes() {
  return [frame.inputs.length, ...frame.layers.map((l) => l.a.length)];
}

// --- updating -------------------------------------------------------------------------

function render(msg) {
  frame = msg;
  const key = JSON.stringify(columnSizes());
  if (key !== shapeKey) {
    shapeKey = key;
    selected = null;
    focusNode = null;
    view.build(columnSizes(), { titles: columnSizes().map((_, c) => columnTitle(c)) });
    buildLayerControls();
  }
  const names = JSON.stringify(frame.input_names);
  if (names !== inputNamesKey) {
    inputNamesKey = names;
    buildInputFields();
  }
  updateEdges();
  updateNodes();
  updateControls();
  updateOutput();
  updateEditor();
  steps.render(msg);
  updateTarget();
  if (focusNode) showNodeFormula();
  const note = $("note");
  note.hidden = !msg.note;
  note.textContent = msg.note ? t(msg.note) : "";
}

function weightOf(sel) {
  const layer = frame.layers[sel.layer];
  return sel.kind === "weight" ? layer.w[sel.i][sel.j] : layer.b[sel.j];
}

function updateEdges() {
  view.weigh(frame.layers);
  for (const g of view.edges()) {
    const l = +g.dataset.layer, i = +g.dataset.i, j = +g.dataset.j;
    const w = frame.layers[l].w[i][j];
    g.classList.toggle("edge--selected",
      !!selected && selected.kind === "weight" && selected.layer === l &&
      selected.i === i && selected.j === j);
    g.querySelector(".edge-label").textContent = fmt(w);
    g.setAttribute("aria-label", t("neurons.edge_aria", {
      from: nodeName(l - 1, i), to: nodeName(l, j), value: fmt(w),
    }));
  }
}

function updateNodes() {
  for (const g of view.nodes()) {
    const layer = +g.dataset.layer, j = +g.dataset.j;
    const value = layer < 0 ? frame.inputs[j] : frame.layers[layer].a[j];
    const name = nodeName(layer, j);
    g.querySelector(".node-name").textContent = name;
    g.querySelector(".node-value").textContent = fmt(value);
    // Fill strength shows size; the number is always written too (never colour alone).
    const strength = Math.tanh(Math.abs(value) / 2);
    g.querySelector("circle").style.setProperty("--strength", strength.toFixed(3));
    g.classList.toggle("node--off", layer >= 0 && value === 0);
    g.setAttribute("aria-label", t("neurons.node_aria", { name, value: fmt(value) }));
    const bias = g.querySelector(".bias-label");
    if (bias) {
      const b = frame.layers[layer].b[j];
      bias.textContent = `b = ${fmt(b)}`;
      bias.setAttribute("aria-label", t("neurons.bias_aria", { name, value: fmt(b) }));
    }
  }
}

function updateOutput() {
  const out = frame.output;
  const last = frame.layers.length - 1;
  $("output-label").textContent = frame.output_kind === "probability"
    ? t("neurons.output_probability", { name: nodeName(last, 0) })
    : t("neurons.output_value", { name: nodeName(last, 0) });
  $("output-value").textContent = fmt(out);
  const decision = $("output-decision");
  decision.textContent = frame.output_kind === "probability"
    ? (out >= 0.5 ? t("neurons.decision_yes") : t("neurons.decision_no")) : "";
}

// --- the written-out arithmetic -------------------------------------------------------

function showNodeFormula() {
  const { layer, j } = focusNode;
  if (layer < 0) {
    formula.textContent = `${nodeName(-1, j)} = ${fmt(frame.inputs[j])}`;
    return;
  }
  const L = frame.layers[layer];
  const inputs = layer === 0 ? frame.inputs : frame.layers[layer - 1].a;
  const name = nodeName(layer, j);
  const f = activationName(L.activation);
  const products = L.w.map((row, i) => `${fmt(row[j])}×${factor(inputs[i])}`);
  const terms = L.terms[j].map(factor);
  const bias = factor(L.b[j]);
  const lines = [
    `${name} = ${f}(${products.join(" + ")} + ${bias})`,
    `= ${f}(${terms.join(" + ")} + ${bias})`,
    `= ${f}(${fmt(L.z[j])})`,
    `= ${fmt(L.a[j])}`,
  ];
  writeFormula([...lines, ...steps.nodeLines(layer, j)]);
}

const writeFormula = (lines) => writeLines(formula, lines);

function showEdgeFormula(l, i, j) {
  const inputs = l === 0 ? frame.inputs : frame.layers[l - 1].a;
  writeFormula([t("neurons.edge_formula", {
    from: nodeName(l - 1, i), to: nodeName(l, j),
    w: fmt(frame.layers[l].w[i][j]), x: factor(inputs[i]),
    product: fmt(frame.layers[l].terms[j][i]),
  }), ...steps.edgeLines(l, i, j)]);
}

// --- training (B.3): the wanted output and the loss now ---------------------------------

const targetInput = $("target");
function updateTarget() {
  if (document.activeElement !== targetInput) targetInput.value = frame.target[0];
  $("loss-now").textContent = frame.loss_now === null ? "" :
    t("neurons.loss_now", { value: num(frame.loss_now) });
}
targetInput.addEventListener("change", () => {
  const value = targetInput.valueAsNumber;
  if (Number.isFinite(value)) session.send({ type: "set_target", j: 0, value });
  else toast(t("error.not_a_number"));
});

// --- editing --------------------------------------------------------------------------

function select(sel, focusEditor) {
  selected = sel;
  updateEdges();
  updateEditor();
  if (focusEditor) editorNumber.focus();
}

function updateEditor() {
  editor.hidden = !selected;
  if (!selected) return;
  const value = weightOf(selected);
  editorTitle.textContent = selected.kind === "weight"
    ? t("neurons.editing_weight", {
      from: nodeName(selected.layer - 1, selected.i), to: nodeName(selected.layer, selected.j),
    })
    : t("neurons.editing_bias", { name: nodeName(selected.layer, selected.j) });
  if (document.activeElement !== editorNumber) editorNumber.value = +value.toFixed(6);
  if (document.activeElement !== editorRange) editorRange.value = value;
}

function sendValue(sel, value, relative = false) {
  if (!Number.isFinite(value)) {
    toast(t("error.not_a_number"));
    return;
  }
  if (sel.kind === "weight") {
    session.send({ type: "set_weight", layer: sel.layer, i: sel.i, j: sel.j, value, relative });
  } else {
    session.send({ type: "set_bias", layer: sel.layer, j: sel.j, value, relative });
  }
}

// Slider drags fire faster than frames arrive: send at most one value per animation frame.
let pending = null;
function sendSoon(sel, value) {
  if (pending === null) {
    requestAnimationFrame(() => { sendValue(pending.sel, pending.value); pending = null; });
  }
  pending = { sel, value };
}

// Relative, so that quick repeated presses add up even before their frames return.
function nudge(sel, delta) {
  sendValue(sel, delta, true);
}

function onEdgeKey(e, sel) {
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    select(sel, true);
  } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
    e.preventDefault();
    select(sel, false);
    nudge(sel, e.key === "ArrowUp" ? 0.1 : -0.1);
  }
}

function onWheel(e, sel) {
  e.preventDefault();
  select(sel, false);
  nudge(sel, e.deltaY < 0 ? 0.1 : -0.1);
}

editorNumber.addEventListener("change", () => {
  if (selected) sendValue(selected, editorNumber.valueAsNumber);
});
editorNumber.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && selected) sendValue(selected, editorNumber.valueAsNumber);
  if (e.key === "Escape") select(null, false);
});
editorRange.addEventListener("input", () => {
  if (selected) sendSoon(selected, editorRange.valueAsNumber);
});

// --- side controls --------------------------------------------------------------------

function hiddenSizes() {
  return frame.layers.slice(0, -1).map((l) => l.a.length);
}

function buildInputFields() {
  const box = $("input-fields");
  box.replaceChildren();
  frame.input_names.forEach((name, i) => {
    const label = document.createElement("label");
    label.className = "field field--inline";
    const span = document.createElement("span");
    span.textContent = t(name);
    const input = document.createElement("input");
    input.type = "number";
    input.step = "0.1";
    input.dataset.testid = `input-${i}`;
    input.addEventListener("change", () => {
      const value = input.valueAsNumber;
      if (Number.isFinite(value)) session.send({ type: "set_input", i, value });
      else toast(t("error.not_a_number"));
    });
    label.append(span, input);
    box.appendChild(label);
  });
}

function layerName(layer) {
  return layer === frame.layers.length - 1
    ? t("neurons.output_layer") : t("neurons.hidden_layer", { n: layer + 1 });
}

function buildLayerControls() {
  const box = $("layer-controls");
  box.replaceChildren();
  frame.layers.forEach((_, layer) => {
    const resize = (delta) => {
      const hidden = hiddenSizes();
      hidden[layer] += delta;
      session.send({ type: "set_architecture", hidden });
    };
    const { row, name } = layerRow({
      prefix: "neurons", layer, label: layerName(layer),
      onResize: layer < frame.layers.length - 1 ? resize : null,
      activations: engineNames().activations,
      onActivation: (activation) => session.send({ type: "set_activation", layer, activation }),
    });
    name.textContent = layerName(layer);
    box.appendChild(row);
  });
}

function updateControls() {
  $("preset").value = frame.preset;
  const hidden = hiddenSizes().length;
  $("arch-kind").textContent =
    hidden === 0 ? t("neurons.kind_none") :
    hidden === 1 ? t("neurons.kind_single") : t("neurons.kind_multi", { n: hidden });
  frame.layers.forEach((layer, l) => {
    const select = document.querySelector(`[data-testid="activation-${l}"]`);
    if (select && document.activeElement !== select) select.value = layer.activation;
  });
  frame.inputs.forEach((value, i) => {
    const input = document.querySelector(`[data-testid="input-${i}"]`);
    if (input && document.activeElement !== input) input.value = value;
  });
}

$("preset").addEventListener("change", (e) =>
  session.send({ type: "load_preset", name: e.target.value }));
$("add-layer").addEventListener("click", () => {
  const hidden = hiddenSizes();
  session.send({ type: "set_architecture", hidden: [...hidden, hidden.at(-1) || 3] });
});
$("remove-layer").addEventListener("click", () =>
  session.send({ type: "set_architecture", hidden: hiddenSizes().slice(0, -1) }));
$("randomize").addEventListener("click", () =>
  session.send({ type: "randomize", seed: Math.floor(Math.random() * 1e6) }));
$("reset").addEventListener("click", () =>
  session.send({ type: "reset" }));
