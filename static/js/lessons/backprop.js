// B.3 "Loss functions and backpropagation": the book's loss table as a chooser, the network
// of the chosen problem with the step-through, the loss and metrics on the batch, and the
// book's hand adjustment of the 2-2-1 example beside real gradient descent.
import { $ } from "../core/dom.js";
import { fmt, num, writeLines } from "../core/format.js";
import { t } from "../core/i18n.js";
import { networkView, symbolName } from "../core/network.js";
import { connect, params } from "../core/session.js";
import { stepThrough } from "./shared/stepthrough.js";

const formula = $("formula");

let frame = null;
let shapeKey = "";

const session = connect("backprop", {
  open(s) {
    const problem = params.get("problem");
    if (problem) s.send({ type: "set_problem", problem });
  },
  frame(msg) { render(msg); },
  status(msg) { steps.status(msg); },
});

const nodeName = (layer, j) => symbolName(frame.layers, layer, j);

const view = networkView($("network"), {
  edgeEnter: (l, i, j) => showEdge(l, i, j),
  nodeEnter: (layer, j) => showNode(layer, j),
});
const steps = stepThrough({
  session, view, nodeName, onSample: () => render(frame),
});

// --- the network ------------------------------------------------------------------------

function render(msg) {
  frame = msg;
  const sizes = [msg.x[0].length, ...msg.layers.map((l) => l.a[0].length)];
  const hasBias = msg.layers[0].b !== null;
  const key = JSON.stringify([sizes, hasBias]);
  if (key !== shapeKey) {
    shapeKey = key;
    view.build(sizes, { biases: hasBias });
  }
  drawValues();
  steps.render(msg);
  renderTable();
  renderBatch();
  writeLines($("loss-now"), msg.loss_now ? steps.lossLines(msg.loss_now) :
    [t("backprop.loss_does_not_apply")]);
  renderMetrics();
  renderBook();
  $("preset").value = msg.preset && !msg.modified ? msg.preset : "";
}

$("preset").addEventListener("change", (e) => {
  if (e.target.value) session.send({ type: "load_preset", name: e.target.value });
});

function drawValues() {
  const s = steps.sample;
  for (const g of view.nodes()) {
    const layer = +g.dataset.layer, j = +g.dataset.j;
    const value = layer < 0 ? frame.x[s][j] : frame.layers[layer].a[s][j];
    const name = nodeName(layer, j);
    g.querySelector(".node-name").textContent = name;
    g.querySelector(".node-value").textContent = fmt(value);
    g.setAttribute("aria-label", t("backprop.node_aria", { name, value: fmt(value) }));
    const bias = g.querySelector(".bias-label");
    if (bias) bias.textContent = `b = ${fmt(frame.layers[layer].b[j])}`;
  }
  view.weigh(frame.layers);
  for (const g of view.edges()) {
    const l = +g.dataset.layer, i = +g.dataset.i, j = +g.dataset.j;
    const w = frame.layers[l].w[i][j];
    g.querySelector(".edge-label").textContent = fmt(w);
    g.setAttribute("aria-label", t("backprop.edge_aria", {
      from: nodeName(l - 1, i), to: nodeName(l, j), value: fmt(w),
    }));
  }
}

function showEdge(l, i, j) {
  const w = frame.layers[l].w[i][j];
  const lines = [`${nodeName(l - 1, i)} → ${nodeName(l, j)}: w = ${fmt(w)}`];
  writeLines(formula, [...lines, ...steps.edgeLines(l, i, j)]);
}

function showNode(layer, j) {
  const s = steps.sample;
  if (layer < 0) {
    writeLines(formula, [`${nodeName(layer, j)} = ${fmt(frame.x[s][j])}`]);
    return;
  }
  const L = frame.layers[layer];
  const f = t(`activation.${L.activation}`);
  const lines = [`${nodeName(layer, j)}: z = ${fmt(L.z[s][j])}, a = ${f}(z) = ${fmt(L.a[s][j])}`];
  writeLines(formula, [...lines, ...steps.nodeLines(layer, j)]);
}

// --- the loss table -----------------------------------------------------------------------

function renderTable() {
  const body = $("loss-table-body");
  if (body.children.length !== frame.table.length) {
    body.replaceChildren();
    for (const row of frame.table) {
      const tr = document.createElement("tr");
      const cell = document.createElement("td");
      const label = document.createElement("label");
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "problem";
      radio.value = row.problem;
      radio.dataset.testid = `problem-${row.problem}`;
      radio.addEventListener("change", () =>
        session.send({ type: "set_problem", problem: row.problem }));
      label.append(radio, ` ${t(`problem.${row.problem}`)}`);
      cell.appendChild(label);
      const losses = document.createElement("td");
      losses.textContent = row.losses.map((name) => t(`loss.${name}`)).join(t("backprop.or"));
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = ` ${t("backprop.output_activation", {
        activation: t(`activation.${row.output_activation}`),
      })}`;
      losses.appendChild(hint);
      tr.append(cell, losses);
      tr.dataset.problem = row.problem;
      body.appendChild(tr);
    }
  }
  for (const tr of body.children) {
    const current = tr.dataset.problem === frame.problem;
    tr.classList.toggle("current", current);
    tr.querySelector("input").checked = current;
  }
}

// --- the batch ----------------------------------------------------------------------------

function renderBatch() {
  const inputs = frame.x[0].length, outputs = frame.y[0].length;
  const head = $("batch-head");
  const names = ["#"];
  for (let i = 0; i < inputs; i++) names.push(nodeName(-1, i));
  for (let j = 0; j < outputs; j++) names.push(outputs === 1 ? "y" : `y${j + 1}`);
  for (let j = 0; j < outputs; j++) names.push(nodeName(frame.layers.length - 1, j));
  head.replaceChildren(...names.map((name) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    return th;
  }));
  const body = $("batch-body");
  body.replaceChildren();
  frame.x.forEach((x, n) => {
    const tr = document.createElement("tr");
    tr.classList.toggle("current", n === steps.sample);
    const cells = [n + 1, ...x.map(fmt), ...frame.y[n].map(fmt), ...frame.prediction[n].map(fmt)];
    for (const text of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  });
}

function renderMetrics() {
  const m = frame.metrics;
  $("metric-accuracy").textContent = m.accuracy === null ? "–" : fmt(m.accuracy);
  $("metric-misclassification").textContent =
    m.misclassification === null ? "–" : fmt(m.misclassification);
  $("metric-mse").textContent = num(m.mse);
  $("metrics-hint").textContent = m.accuracy === null ? t("backprop.accuracy_regression") : "";
}

// --- the book's example -------------------------------------------------------------------

const matrix = (rows) => `[${rows.map((r) => `[${r.map(fmt).join(", ")}]`).join(", ")}]`;
const column = (rows) => `[${rows.map((r) => fmt(r[0])).join(", ")}]`;

function bookRow(name, stage, gradients) {
  const tr = document.createElement("tr");
  tr.dataset.testid = `book-${name}`;
  const sum = stage.w2.map((w, k) => `${fmt(w[0])}×${fmt(stage.hidden[k])}`).join(" + ");
  const products = stage.products.map(fmt).join(" + ");
  let prediction = `${sum} = ${products} = ${fmt(stage.prediction)}`;
  if (stage.book_prediction !== stage.prediction) {
    prediction += ` ${t("backprop.book_says", { value: fmt(stage.book_prediction) })}`;
  }
  const cells = [
    t(`backprop.stage_${name}`, { lr: num(frame.book.gradient_step.learning_rate) }),
    matrix(stage.w1) + (gradients ? ` (∂L/∂w ${matrix(gradients.dw1)})` : ""),
    column(stage.w2) + (gradients ? ` (∂L/∂w ${column(gradients.dw2)})` : ""),
    stage.hidden.map(fmt).join(", "),
    prediction,
    num(stage.loss),
  ];
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.appendChild(td);
  }
  const action = document.createElement("td");
  if (name !== "gradient_step") {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = t("backprop.load_stage");
    button.dataset.testid = `load-${name}`;
    button.setAttribute("aria-label", t("backprop.load_stage_aria", {
      stage: t(`backprop.stage_${name}`),
    }));
    button.addEventListener("click", () =>
      session.send({ type: "load_book_stage", stage: name }));
    action.appendChild(button);
  }
  tr.appendChild(action);
  return tr;
}

function renderBook() {
  const book = frame.book;
  $("book").hidden = !book;
  if (!book) return;
  const step = book.gradient_step;
  const rows = book.stages.map((stage) => bookRow(stage.name, stage, null));
  rows.push(bookRow("gradient_step", step.after, step));
  $("book-body").replaceChildren(...rows);
  const notes = book.stages.filter((s) => s.note).map((s) => t(s.note));
  const [rate1, rate2] = step.book_step1_learning_rates;
  notes.push(t("note.b3_book_is_a_gradient_step", {
    dw1: fmt(step.dw2[0][0]), dw2: fmt(step.dw2[1][0]), lr1: num(rate1), lr2: num(rate2),
  }));
  notes.push(t("note.b3_first_layer_weights"));
  const box = $("book-notes");
  box.replaceChildren(...notes.map((text) => {
    const p = document.createElement("p");
    p.className = "note";
    p.textContent = text;
    return p;
  }));
}
