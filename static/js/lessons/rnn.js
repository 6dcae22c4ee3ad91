// B.7 "Recurrent networks": draws the engine's frame of three recurrent networks (RNN, LSTM,
// GRU) trained side by side: one unrolled through time, the gradient norm per time step
// for all three, gate heatmaps, the written-out cell equations and measured comparisons.
// Every number comes from the frame; this script only lays them out.
import { trainingControls } from "../core/controls.js";
import { $, cssVar, drawNewest, setIfIdle } from "../core/dom.js";
import { chartFont, chartMargin } from "../core/theme.js";
import { factor, fmt, num } from "../core/format.js";
import { quotedText, t } from "../core/i18n.js";
import { drawChart, plotlyReady } from "../core/plotly.js";
import { connect, params, toast } from "../core/session.js";

const CELLS = ["rnn", "lstm", "gru"];
const DASH = { rnn: "solid", lstm: "dash", gru: "dot" };
const SYMBOL = { rnn: "circle", lstm: "square", gru: "diamond" };
const ACT = { sigmoid: "σ", tanh: "tanh" };
const MAX_LABELLED_CELLS = 130; // heatmaps write their numbers in when this few cells

const table = $("unroll");
const equation = $("equation");
let frame = null;
let shapeKey = "";
let gateKey = "";

// The first screen is charts: Plotly is there before the first frame, as when it was a
// blocking script (core/plotly.js).
await plotlyReady();
const session = connect("rnn", {
  open(s) {
    const task = params.get("task");
    if (task && !frame) s.send({ type: "set_task", task });
  },
  frame: drawNewest(render),
  status(msg) { controls.status(msg); },
});
const controls = trainingControls(session, {
  labels: "rnn",
  onStatus(msg) {
    $("status").textContent = t("rnn.status", { step: msg.step });
    setValue("speed", msg.steps_per_frame);
  },
});

// --- helpers --------------------------------------------------------------------------

const cellName = (cell) => t(`rnn.cell.${cell}`);
function token(key) {
  if (key === null) return null;
  return frame.translate_vocabulary ? t(key) : key;
}
function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

function baseLayout(xTitle, yTitle, logY) {
  const fg = cssVar("--fg");
  const grid = cssVar("--border");
  return {
    margin: chartMargin({ l: 3.6, b: 2.8 }),
    paper_bgcolor: cssVar("--panel"),
    plot_bgcolor: cssVar("--panel"),
    font: chartFont(),
    xaxis: { title: { text: xTitle }, gridcolor: grid, zeroline: false, automargin: true },
    // Plain numbers on the log axis (0.01, 0.1, 1): exponents set as superscripts are drawn at
    // 70 % of the type, under 24 px on the projector.
    yaxis: { title: { text: yTitle }, gridcolor: grid, automargin: true, type: logY ? "log" : "linear",
      exponentformat: "none" },
    legend: { orientation: "h", y: -0.3 },
    showlegend: true,
  };
}
const plotConfig = { displayModeBar: false, responsive: true };
// Chart `id` as `figure()` (its [traces, layout]) makes it from the newest frame when its turn
// comes: one chart per task, after the screen has painted, each at most every CHART_MS while
// training streams frames (core/plotly.js). Drawn together with every frame the four charts
// held the page at 3 frames/s; drawn together every 400 ms they made one ~450 ms task.
const chart = (id, figure) => drawChart(id, (Plotly) => Plotly.react(id, ...figure(), plotConfig));

// --- rendering ------------------------------------------------------------------------

function render(msg) {
  frame = msg;
  syncControls();
  renderUnroll();
  renderPrediction();
  renderEquation();
  drawCharts();
  renderCompare();
  const note = $("note");
  note.hidden = !frame.note;
  quotedText(note, frame.note ? t(frame.note) : ""); // it quotes the book's Korean
  $("preset").value = frame.preset && !frame.modified ? frame.preset : "";
  const diverged = $("diverged");
  diverged.hidden = !frame.diverged;
  diverged.textContent = frame.diverged ? t("rnn.diverged", { cell: cellName(frame.diverged) }) : "";
}

// The charts: gradients through time, gates, losses, series.
function drawCharts() {
  renderBptt();
  renderGates();
  renderLoss();
  renderSeries();
}

const setValue = (id, value) => setIfIdle($(id), value);

function syncControls() {
  const s = frame.settings;
  const L = frame.limits;
  for (const input of document.querySelectorAll('input[name="task"]')) input.checked = input.value === s.task;
  for (const input of document.querySelectorAll('input[name="cell"]')) input.checked = input.value === s.cell;
  $("task-hint").textContent = t(`rnn.task_hint.${s.task}`, { n: s.length });
  $("length-label").textContent = t(`rnn.length.${s.task}`);
  const length = $("length");
  length.min = L.min_length;
  length.max = L.max_length;
  length.disabled = s.task === "words";
  setValue("length", s.length);
  $("length-value").textContent = fmt(s.length);
  $("symbols-field").hidden = s.task !== "memory";
  $("symbols").max = L.max_symbols;
  setValue("symbols", s.symbols);
  $("symbols-value").textContent = fmt(s.symbols);
  $("hidden").max = L.max_hidden;
  setValue("hidden", s.hidden);
  $("hidden-value").textContent = fmt(s.hidden);
  setValue("scale", s.recurrent_scale);
  $("scale-value").textContent = fmt(s.recurrent_scale);
  setValue("memory-bias", s.memory_bias);
  $("memory-bias-value").textContent = fmt(s.memory_bias);
  $("memory-bias-hint").textContent = t("rnn.memory_bias_hint", { value: fmt(frame.memory_gate_start) });
  $("clip-on").checked = s.clip !== null;
  if (s.clip !== null) setValue("clip-value", s.clip);
  setValue("optimizer", s.optimizer);
  setValue("learning-rate", s.learning_rate);
  $("status").textContent = t("rnn.status", { step: frame.step });
}

// The unrolled network: a column per time step, a row per input / hidden unit / cell unit.
function renderUnroll() {
  const u = frame.unroll;
  const hidden = frame.settings.hidden;
  const hasCell = u.c !== null;
  const key = JSON.stringify([u.length, hidden, hasCell, frame.settings.task, u.index]);
  if (key !== shapeKey) {
    shapeKey = key;
    buildUnroll(u.length, hidden, hasCell);
  }
  $("example-label").textContent = t("rnn.example", { index: u.index + 1, count: u.count });
  $("cursor-label").textContent = t("rnn.cursor", { steps: u.steps, length: u.length });
  for (let s = 0; s < u.length; s++) {
    const cell = table.querySelector(`[data-input="${s}"]`);
    cell.replaceChildren();
    const tok = token(u.tokens[s]);
    if (tok !== null) cell.append(el("span", { class: "token" }, tok));
    else if (u.values) cell.append(el("span", { class: "token token--value" }, fmt(u.values[s])));
    else cell.append(el("span", { class: "token token--noise" }, t("rnn.noise")));
    if (frame.settings.task === "memory" && s === 0) cell.append(el("span", { class: "flag" }, t("rnn.flag")));
    cell.classList.toggle("pending", s >= u.steps);
    if (s < u.steps) cell.title = u.inputs[s].map(fmt).join(", ");
  }
  const rows = hasCell ? [["h", u.h], ["c", u.c]] : [["h", u.h]];
  const eq = frame.equation;
  for (const [kind, values] of rows) {
    for (let j = 0; j < hidden; j++) {
      for (let s = 0; s < u.length; s++) {
        const cell = table.querySelector(`[data-kind="${kind}"][data-t="${s}"][data-j="${j}"]`);
        const known = s < u.steps;
        const v = known ? values[s][j] : null;
        cell.textContent = known ? fmt(v) : "·";
        cell.classList.toggle("pending", !known);
        cell.classList.toggle("neg", known && v < 0);
        cell.classList.toggle("selected", s === eq.step && j === eq.unit);
        cell.style.setProperty("--strength", known ? Math.min(1, Math.abs(v)).toFixed(3) : "0");
        cell.setAttribute("aria-label", t("rnn.cell_aria", {
          name: `${kind}${j + 1}`, t: s, value: known ? fmt(v) : t("rnn.pending"),
        }));
      }
    }
  }
  const out = table.querySelector("[data-output]");
  out.textContent = u.prediction === null ? "…" : predictionText(u.prediction);
}

function buildUnroll(length, hidden, hasCell) {
  table.replaceChildren();
  const head = el("thead");
  const hr = el("tr");
  hr.append(el("th", { scope: "col" }, ""));
  for (let s = 0; s < length; s++) hr.append(el("th", { scope: "col" }, t("rnn.time", { t: s })));
  hr.append(el("th", { scope: "col", class: "out-head" }, t("rnn.output")));
  head.append(hr);
  const body = el("tbody");
  const inputRow = el("tr", { class: "row-input" });
  inputRow.append(el("th", { scope: "row" }, t("rnn.row.input")));
  for (let s = 0; s < length; s++) inputRow.append(el("td", { "data-input": s, class: "input-cell" }));
  const rowSpan = 1 + hidden * (hasCell ? 2 : 1);
  inputRow.append(el("td", { "data-output": "", class: "output-cell", rowspan: rowSpan,
    "data-testid": "unroll-output" }));
  body.append(inputRow);
  for (const kind of hasCell ? ["h", "c"] : ["h"]) {
    for (let j = 0; j < hidden; j++) {
      const tr = el("tr", { class: `row-${kind}` });
      tr.append(el("th", { scope: "row" }, `${kind}${j + 1}`));
      for (let s = 0; s < length; s++) {
        const td = el("td", {
          role: "gridcell", tabindex: "-1", class: `state-cell state-cell--${kind}`,
          "data-kind": kind, "data-t": s, "data-j": j, "data-testid": `${kind}-${s}-${j}`,
        });
        td.addEventListener("click", () => choose(s, j, td));
        td.addEventListener("keydown", (e) => onGridKey(e, kind, s, j));
        tr.append(td);
      }
      body.append(tr);
    }
  }
  table.append(head, body);
  const first = table.querySelector('[data-kind="h"][data-t="0"][data-j="0"]');
  if (first) first.tabIndex = 0;
}

function choose(s, j, td) {
  for (const cell of table.querySelectorAll('[tabindex="0"]')) cell.tabIndex = -1;
  td.tabIndex = 0;
  session.send({ type: "focus", step: s, unit: j });
}

// Arrow keys move through the grid (one tab stop for the whole table); Enter chooses.
function onGridKey(e, kind, s, j) {
  const u = frame.unroll;
  const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    choose(s, j, e.currentTarget);
    return;
  }
  const move = moves[e.key];
  if (!move) return;
  e.preventDefault();
  const ns = Math.max(0, Math.min(u.length - 1, s + move[0]));
  const nj = Math.max(0, Math.min(frame.settings.hidden - 1, j + move[1]));
  const next = table.querySelector(`[data-kind="${kind}"][data-t="${ns}"][data-j="${nj}"]`);
  if (next) {
    e.currentTarget.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }
}

function predictionText(value) {
  return typeof value === "number" ? fmt(value) : token(value);
}

function renderPrediction() {
  const u = frame.unroll;
  $("prediction").textContent = u.prediction === null ? t("rnn.prediction_pending") : predictionText(u.prediction);
  $("target").textContent = t("rnn.target", { value: predictionText(u.target) });
  const list = $("probabilities");
  list.replaceChildren();
  if (!u.output) return;
  const ranked = u.output.map((p, k) => [p, k]).sort((a, b) => b[0] - a[0]).slice(0, 3);
  for (const [p, k] of ranked) {
    const li = el("li", {}, t("rnn.probability", { word: token(frame.vocabulary[k]), p: fmt(p) }));
    const bar = el("span", { class: "prob-bar", "aria-hidden": "true" });
    bar.style.setProperty("--p", p.toFixed(3));
    li.prepend(bar);
    list.append(li);
  }
}

// --- the equations of one step --------------------------------------------------------

// A named equation: the name is prose, the written-out formula is not (translate="no").
function line(label, text, formula = true) {
  const p = el("p", { class: "formula-line" });
  if (label) p.append(el("span", { class: "formula-name" }, label));
  p.append(formula ? el("span", { translate: "no" }, text) : document.createTextNode(text));
  equation.append(p);
}

function gateLine(g, cell) {
  const memory = cell === "gru" && g.name === "n" ? "(r⊙hₜ₋₁)·U" : "hₜ₋₁·U";
  const sub = cell === "rnn" ? "" : g.name;
  const symbol = cell === "rnn" ? "hₜ" : g.name;
  const act = ACT[g.activation];
  line(t(`rnn.gate.${g.name}`),
    `${symbol} = ${act}(xₜ·W${sub} + ${memory}${sub} + b${sub}) = ` +
    `${act}(${fmt(g.xw)} + ${factor(g.hw)} + ${factor(g.b)}) = ${act}(${fmt(g.a)}) = ${fmt(g.value)}`);
}

function renderEquation() {
  const e = frame.equation;
  equation.replaceChildren();
  equation.append(el("p", { class: "formula-title" },
    t("rnn.equation_title", { cell: cellName(e.cell), t: e.step, unit: e.unit + 1 })));
  for (const g of e.gates) gateLine(g, e.cell);
  const v = Object.fromEntries(e.gates.map((g) => [g.name, g.value]));
  if (e.cell === "lstm") {
    line(t("rnn.gate.c"), `cₜ = f·cₜ₋₁ + i·g = ${fmt(v.f)}×${factor(e.c_prev)} + ${fmt(v.i)}×${factor(v.g)} = ` +
      `${fmt(e.keep)} + ${factor(e.write)} = ${fmt(e.c)}`);
    line(t("rnn.gate.h"), `hₜ = o·tanh(cₜ) = ${fmt(v.o)}×tanh(${fmt(e.c)}) = ${fmt(v.o)}×${factor(e.tanh_c)} = ${fmt(e.h)}`);
  } else if (e.cell === "gru") {
    line(t("rnn.gate.h"), `hₜ = z·hₜ₋₁ + (1 − z)·n = ${fmt(v.z)}×${factor(e.h_prev)} + (1 − ${fmt(v.z)})×${factor(v.n)} = ` +
      `${fmt(e.keep)} + ${factor(e.write)} = ${fmt(e.h)}`);
  }
  line(null, t("rnn.equation_prev", { h: fmt(e.h_prev) }), false);
}

// --- charts ---------------------------------------------------------------------------

function positiveOrNull(values) {
  return values.map((v) => (v > 0 ? v : null));
}

function renderBptt() {
  chart("bptt-chart", bpttFigure);
  $("bptt-summary").textContent = CELLS.map((cell) => t("rnn.bptt_ratio", {
    cell: cellName(cell), ratio: num(frame.bptt[cell].first_to_last), // 0.0000252, not 0
  })).join(" · ");
}

function bpttFigure() {
  const traces = CELLS.map((cell) => {
    const r = frame.bptt[cell];
    return {
      x: r.grad_norm.map((_, s) => s),
      y: positiveOrNull(r.grad_norm),
      name: cellName(cell),
      mode: "lines+markers",
      line: { color: cssVar(`--cell-${cell}`), dash: DASH[cell], width: parseFloat(cssVar("--chart-line")) || 2 },
      marker: { symbol: r.clipped.map((c) => (c ? "x" : SYMBOL[cell])), size: 8 },
      customdata: r.grad_norm_raw,
      hovertemplate: `${cellName(cell)} t=%{x}: %{y:.3g}<extra></extra>`,
    };
  });
  const clip = frame.settings.clip;
  if (clip !== null) {
    traces.push({
      x: [0, frame.unroll.length - 1], y: [clip, clip], mode: "lines", hoverinfo: "skip",
      name: t("rnn.clip_line", { value: fmt(clip) }),
      line: { color: cssVar("--muted"), dash: "dashdot", width: 1.5 },
    });
  }
  const layout = baseLayout(t("rnn.bptt_x"), t("rnn.bptt_y"), true);
  if (frame.unroll.length <= 20) layout.xaxis.dtick = 1;
  return [traces, layout];
}

function renderGates() {
  const box = $("gates");
  const names = Object.keys(frame.unroll.gates);
  $("gates-hint").textContent = names.length ? t("rnn.gates_hint") : t("rnn.no_gates");
  const key = names.join(",");
  if (key !== gateKey) {
    gateKey = key;
    box.replaceChildren();
    for (const name of names) {
      const wrap = el("figure", { class: "gate" });
      wrap.append(el("figcaption", {}, t(`rnn.gate.${name}`)));
      wrap.append(el("div", { id: `gate-${name}`, class: "chart chart--gate", role: "img",
        "data-testid": `gate-${name}`, "aria-label": t("rnn.gate_aria", { gate: t(`rnn.gate.${name}`) }) }));
      box.append(wrap);
    }
  }
  for (const name of names) chart(`gate-${name}`, () => gateFigure(name));
}

function gateFigure(name) {
  const u = frame.unroll;
  const hidden = frame.settings.hidden;
  const steps = Array.from({ length: u.steps }, (_, s) => s);
  const units = Array.from({ length: hidden }, (_, j) => `h${j + 1}`);
  const labelled = u.steps * hidden <= MAX_LABELLED_CELLS;
  const values = u.gates[name] || []; // (a frame since may have another cell: its chart goes)
  const z = units.map((_, j) => values.map((row) => row[j]));
  const layout = baseLayout(t("rnn.bptt_x"), "", false);
  layout.showlegend = false;
  layout.margin = chartMargin({ l: 2.4, t: 0.3, b: 2.4 });
  layout.yaxis = { type: "category", autorange: "reversed", gridcolor: cssVar("--border") };
  layout.xaxis.dtick = 1;
  layout.height = 70 + 22 * hidden;
  return [[{
    type: "heatmap", x: steps, y: units, z, zmin: 0, zmax: 1,
    colorscale: [[0, cssVar("--heat-low")], [1, cssVar("--heat-high")]],
    texttemplate: labelled ? "%{z:.2f}" : "", textfont: { color: cssVar("--heat-text") },
    hovertemplate: `${t(`rnn.gate.${name}`)} t=%{x}, %{y}: %{z:.3f}<extra></extra>`,
    colorbar: { thickness: 10 },
  }], layout];
}

function renderLoss() {
  chart("loss-chart", () => {
    const h = frame.history;
    const traces = CELLS.map((cell) => ({
      x: h.steps, y: positiveOrNull(h.loss[cell] || []), name: cellName(cell), mode: "lines",
      line: { color: cssVar(`--cell-${cell}`), dash: DASH[cell], width: parseFloat(cssVar("--chart-line")) || 2 },
    }));
    return [traces, baseLayout(t("rnn.loss_x"), t("rnn.loss_y"), true)];
  });
}

function renderSeries() {
  const block = $("series-block");
  block.hidden = frame.series === null;
  if (frame.series !== null) chart("series-chart", seriesFigure);
}

function seriesFigure() {
  // The newest frame's series: a task without one (another task chosen since) keeps the last.
  const s = frame.series || { prices: [], predictions: [], first: 0 };
  const days = s.prices.map((_, d) => d);
  const first = s.first;
  const u = frame.unroll;
  const layout = baseLayout(t("rnn.series_x"), t("rnn.series_y"), false);
  layout.shapes = [{ type: "rect", xref: "x", yref: "paper", x0: u.index, x1: u.index + u.length - 1,
    y0: 0, y1: 1, fillcolor: cssVar("--window"), line: { width: 0 }, layer: "below" }];
  return [[
    { x: days, y: s.prices, name: t("rnn.series_price"), mode: "lines",
      line: { color: cssVar("--input-node"), width: 1.5 } },
    { x: s.predictions.map((_, k) => first + k), y: s.predictions, mode: "lines",
      name: t("rnn.series_prediction", { cell: cellName(frame.settings.cell) }),
      line: { color: cssVar("--output-node"), dash: "dash", width: 2 } },
  ], layout];
}

function renderCompare() {
  const body = $("compare-body");
  body.replaceChildren();
  const classification = frame.vocabulary !== null;
  $("accuracy-head").hidden = !classification;
  for (const cell of CELLS) {
    const c = frame.cells[cell];
    const tr = el("tr", { "data-testid": `compare-${cell}` });
    tr.classList.toggle("shown", cell === frame.settings.cell);
    tr.append(el("th", { scope: "row" }, cellName(cell)));
    tr.append(el("td", { "data-testid": `params-${cell}` }, fmt(c.params)));
    tr.append(el("td", { "data-testid": `ms-${cell}` },
      c.ms_per_step === null ? t("rnn.not_measured") : t("rnn.measured_ms", { ms: fmt(c.ms_per_step) })));
    tr.append(el("td", {}, fmt(c.loss)));
    if (classification) tr.append(el("td", { "data-testid": `accuracy-${cell}` }, fmt(c.accuracy)));
    body.append(tr);
  }
}

// Charts take their colours from the CSS variables: redraw when the theme changes.
new MutationObserver(() => { if (frame) render(frame); })
  .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });

// --- controls -------------------------------------------------------------------------

for (const input of document.querySelectorAll('input[name="task"]')) {
  input.addEventListener("change", () => session.send({ type: "set_task", task: input.value }));
}
for (const input of document.querySelectorAll('input[name="cell"]')) {
  input.addEventListener("change", () => session.send({ type: "set_cell", cell: input.value }));
}
function slider(id, output, send) {
  const input = $(id);
  input.addEventListener("input", () => { $(output).textContent = fmt(input.valueAsNumber); });
  input.addEventListener("change", () => send(input.valueAsNumber));
}
slider("length", "length-value", (length) => session.send({ type: "set_length", length }));
slider("symbols", "symbols-value", (symbols) => session.send({ type: "set_symbols", symbols }));
slider("hidden", "hidden-value", (hidden) => session.send({ type: "set_hidden", hidden }));
slider("scale", "scale-value", (scale) => session.send({ type: "set_recurrent_scale", scale }));
slider("memory-bias", "memory-bias-value", (bias) => session.send({ type: "set_memory_bias", bias }));

function sendClip() {
  const value = $("clip-value").valueAsNumber;
  if ($("clip-on").checked && !(value > 0)) {
    toast(t("error.not_a_number"));
    return;
  }
  session.send({ type: "set_clip", clip: $("clip-on").checked ? value : null });
}
$("clip-on").addEventListener("change", sendClip);
$("clip-value").addEventListener("change", () => { if ($("clip-on").checked) sendClip(); });

function sendOptimizer() {
  const rate = $("learning-rate").valueAsNumber;
  if (!(rate > 0)) {
    toast(t("error.not_a_number"));
    return;
  }
  session.send({ type: "set_optimizer", name: $("optimizer").value, learning_rate: rate });
}
$("optimizer").addEventListener("change", sendOptimizer);
$("learning-rate").addEventListener("change", sendOptimizer);

$("randomize").addEventListener("click", () =>
  session.send({ type: "randomize", seed: Math.floor(Math.random() * 1e6) }));
$("preset").addEventListener("change", (e) => {
  if (e.target.value) session.send({ type: "load_preset", name: e.target.value });
});

function showExample(delta) {
  const u = frame.unroll;
  session.send({ type: "set_sample", index: (u.index + delta + u.count) % u.count });
}
$("prev-example").addEventListener("click", () => showExample(-1));
$("next-example").addEventListener("click", () => showExample(1));
$("first-step").addEventListener("click", () => session.send({ type: "set_cursor", steps: 1 }));
$("next-step").addEventListener("click", () => {
  const u = frame.unroll;
  session.send({ type: "set_cursor", steps: u.steps >= u.length ? 1 : u.steps + 1 });
});
$("all-steps").addEventListener("click", () =>
  session.send({ type: "set_cursor", steps: frame.unroll.length }));
