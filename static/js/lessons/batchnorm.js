// B.5 "Batch normalization": draws the engine's histograms of every hidden layer for the
// runs without and with BatchNorm, their loss curves, and one neuron's formula. Every
// number comes in the frame; this script only lays them out.
import { trainingControls } from "../core/controls.js";
import { $, cssVar, drawNewest } from "../core/dom.js";
import { fmt, num as smallNum, TINY } from "../core/format.js";
import { quotedText, t } from "../core/i18n.js";
import { histogramGrid } from "../core/histograms.js";
import { drawChart, plotlyReady } from "../core/plotly.js";
import { connect, errorText, toast } from "../core/session.js";
import { chartFont, chartMargin } from "../core/theme.js";

const RUNS = ["plain", "batchnorm"];
const histogramsDiv = $("histograms");
const lossDiv = $("loss-chart");
const formula = $("formula");
// A neuron's numbers are often small (S = 0.0597, eps = 0.00001): in the formula they keep
// three significant digits (core/format.js's num). Rounding noise such as a mean of 1e-17
// reads 0, not 1 × 10⁻¹⁷.
const num = (x) => (x !== null && Math.abs(x) < TINY ? fmt(x) : smallNum(x));
const numFactor = (x) => (x !== null && x < 0 ? `(${num(x)})` : num(x));

let frame = null;
// The selection the learner asked for, kept until a frame shows it: two quick edits
// (layer, then neuron) must not undo each other while the first answer is on its way.
let wanted = null;

function select(change) {
  wanted = { ...(wanted || frame.selection), ...change };
  session.send({ type: "select", ...wanted });
}
let shapeKey = "";

// The first screen is charts: Plotly is there before the first frame, as when it was a
// blocking script (core/plotly.js).
await plotlyReady();
const session = connect("batchnorm", {
  open() { controls.open(); },
  frame: drawNewest(render),
  error(msg) {
    wanted = null; // a refused selection must not stick
    toast(errorText(msg));
  },
  status(msg) { controls.status(msg); },
});
// A step runs as many iterations as one frame of play.
const controls = trainingControls(session, {
  labels: "batchnorm",
  step: () => ({ type: "step", steps: +$("speed").value }),
  onStatus: (msg) => { $("speed").value = String(msg.steps_per_frame); },
});

// --- colours and sizes come from the CSS custom properties (themes, projector) ----------

// Read once per theme or projector change (the observer below), not with every frame: the
// histograms draw with each one, and each read of a custom property recalculates styles.
let themeRead = null;
function theme() {
  return themeRead ??= {
    fg: cssVar("--fg"), panel: cssVar("--panel"), muted: cssVar("--muted"), grid: cssVar("--border"),
    plain: cssVar("--run-plain"), batchnorm: cssVar("--run-batchnorm"),
    plainText: cssVar("--run-plain-text"), batchnormText: cssVar("--run-batchnorm-text"),
    size: chartFont().size, family: chartFont().family,
    line: parseFloat(cssVar("--chart-line")) || 2,
  };
}
new MutationObserver(() => { themeRead = null; shapeKey = ""; if (frame) render(frame); })
  .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "data-projector"] });

const runName = (name) => t(`batchnorm.run_${name}`);
const activationName = (name) => t(`activation.${name}`);

// --- histograms: one column per hidden layer, top row without BN, bottom row with --------

// On a canvas (core/histograms.js), with every frame; a click on a histogram picks its layer.
const drawHistograms = histogramGrid(histogramsDiv, (layer) => select({ layer }));

function histograms(th) {
  const three = (x) => fmt(Math.round(x * 1000) / 1000);
  drawHistograms({
    rows: RUNS.map((name) => ({ name: runName(name), colour: th[name], text: th[`${name}Text`],
      hatched: name === "batchnorm" })), // not colour alone: the normalized run's bars are hatched
    columns: frame.edges.slice(0, frame.config.depth).map((edges, k) =>
      ({ title: t("batchnorm.layer", { n: k + 1 }), edges })),
    counts: frame.runs.map((run) => run.layers.map((layer) => layer.counts)),
    selected: frame.selection.layer,
    theme: th,
    tip: (r, k, from, to, count) => `${runName(RUNS[r])}: ${t("batchnorm.hover_bin",
      { from: three(from), to: three(to), count: fmt(count) })}`,
  });
}

// --- the table under the histograms: the same numbers, readable and accessible -----------

// A row per layer, a column per run and statistic: narrow enough for a side-by-side panel, so
// that the first and the last layer's spread (the tour's shrinking and growing steps) are
// seen together, one above the other.
function buildStatsTable() {
  const head = $("stats-head");
  head.replaceChildren(document.createElement("th"));
  for (const name of RUNS) {
    for (const stat of ["mean", "std"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.className = `stats-col--${name}`;
      th.textContent = t(`batchnorm.${stat}_of_${name}`);
      head.appendChild(th);
    }
  }
  const body = $("stats-body");
  body.replaceChildren();
  for (let k = 0; k < frame.config.depth; k++) {
    const row = document.createElement("tr");
    const label = document.createElement("th");
    label.scope = "row";
    label.textContent = t("batchnorm.layer", { n: k + 1 });
    row.appendChild(label);
    for (const name of RUNS) {
      for (const stat of ["mean", "std"]) {
        const td = document.createElement("td");
        td.dataset.testid = `stat-${name}-${stat}-${k}`;
        row.appendChild(td);
      }
    }
    body.appendChild(row);
  }
}

function updateStatsTable() {
  RUNS.forEach((name, r) => {
    frame.runs[r].layers.forEach((layer, k) => {
      for (const stat of ["mean", "std"]) {
        const cell = document.querySelector(`[data-testid="stat-${name}-${stat}-${k}"]`);
        cell.textContent = fmt(layer[stat]);
        cell.title = layer.nonfinite ? t("batchnorm.nonfinite", { count: layer.nonfinite }) : "";
      }
    });
  });
}

// --- loss curves --------------------------------------------------------------------------

// The loss curves' Plotly chart: its turn comes after the frame is on the screen, at most every
// CHART_MS while training (core/plotly.js).
function drawLoss(th) {
  drawChart(lossDiv, (Plotly) => Plotly.react(lossDiv, ...lossFigure(th),
    { displayModeBar: false, responsive: true }));
}

function lossFigure(th) {
  const traces = RUNS.map((name) => ({
    type: "scatter", mode: "lines", name: runName(name),
    x: frame.curve.steps, y: frame.curve[name],
    line: { color: th[name], width: th.line, dash: name === "batchnorm" ? "solid" : "dash" },
  }));
  const layout = {
    // Taller with the type: on the wall the tick labels, the legend above the plot and the
    // axis title under it would leave the curves a strip (and crowd the title off the box).
    height: Math.max(260, 150 + 8 * th.size),
    margin: chartMargin(),
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: th.fg, size: th.size },
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
    xaxis: { title: { text: t("batchnorm.step_axis") }, automargin: true, gridcolor: th.grid, rangemode: "tozero" },
    yaxis: { title: { text: t("batchnorm.loss_axis") }, automargin: true, gridcolor: th.grid, rangemode: "tozero" },
  };
  return [traces, layout];
}

// --- the formula for the chosen neuron --------------------------------------------------

function line(text, testid) {
  const p = document.createElement("p");
  p.className = "formula-line";
  p.textContent = text;
  if (testid) p.dataset.testid = testid;
  return p;
}

function batchSum(values) {
  // The first three and the last, as the book would write a long sum.
  const shown = values.length <= 4 ? values : [...values.slice(0, 3), null, values.at(-1)];
  return shown.map((v) => (v === null ? "…" : numFactor(v))).join(" + ");
}

function renderFormula() {
  const f = frame.formula;
  const train = f.mode === "train";
  $("formula-where").textContent = t("batchnorm.formula_where", {
    layer: String(f.layer + 1), neuron: String(f.neuron + 1), batch: String(f.batch + 1),
    batches: String(frame.n_batches), sample: String(f.sample + 1),
    mode: t(train ? "batchnorm.mode_train" : "batchnorm.mode_eval"),
  });
  formula.replaceChildren(
    line(t("batchnorm.formula_x", { x: num(f.x) }), "formula-x"),
    line(train
      ? t("batchnorm.formula_u_train", { values: batchSum(f.batch_values),
        n: String(f.batch_values.length), u: num(f.u) })
      : t("batchnorm.formula_u_eval", { u: num(f.u) }), "formula-u"),
    line(t(train ? "batchnorm.formula_s_train" : "batchnorm.formula_s_eval",
      { variance: num(f.var), eps: num(f.eps), s: num(f.s) }), "formula-s"),
    line(t("batchnorm.formula_z", { x: num(f.x), u: numFactor(f.u), s: num(f.s), z: num(f.z) }),
      "formula-z"),
    line(t("batchnorm.formula_out", { gamma: num(f.gamma), z: numFactor(f.z),
      beta: numFactor(f.beta), out: num(f.out) }), "formula-out"),
    line(t("batchnorm.formula_a", { f: activationName(f.activation), out: num(f.out),
      a: num(f.a) }), "formula-a"),
    line(t("batchnorm.z_over_batch", { mean: fmt(f.z_mean), std: fmt(f.z_std) }), "formula-zbatch"),
  );
  const rows = { batch: [f.batch_mean, f.batch_std], running: [f.running_mean, f.running_std] };
  for (const [which, [u, s]] of Object.entries(rows)) {
    const cells = document.querySelectorAll(`#compare-${which} td`);
    const inUse = (which === "batch") === train;
    cells[0].textContent = num(u);
    cells[1].textContent = num(s);
    // Said under the row's name, not in a column of its own: a third column pushed the
    // table past the projector's narrow readout panel.
    cells[0].parentElement.querySelector(".in-use-tag").textContent = inUse ? t("batchnorm.in_use") : "";
    cells[0].parentElement.classList.toggle("in-use", inUse);
    cells[0].dataset.testid = `compare-${which}-u`;
    cells[1].dataset.testid = `compare-${which}-s`;
  }
}

// --- everything else ------------------------------------------------------------------------

function setIfIdle(el, value) {
  if (document.activeElement !== el) el.value = String(value);
}

function updateControls() {
  const c = frame.config;
  for (const el of document.querySelectorAll("[data-config]")) setIfIdle(el, c[el.dataset.config]);
  document.querySelector('[data-config="depth"]').max = frame.max_depth;
  document.querySelector('[data-config="width"]').max = frame.max_width;
  document.querySelector(`input[name="view"][value="${frame.view}"]`).checked = true;
  document.querySelector(`input[name="mode"][value="${frame.mode}"]`).checked = true;
  const last = { layer: c.depth, neuron: c.width, batch: frame.n_batches, sample: c.batch_size };
  for (const el of document.querySelectorAll("[data-select]")) {
    el.max = last[el.dataset.select];
    setIfIdle(el, frame.selection[el.dataset.select] + 1);
  }
  $("progress").textContent = t("batchnorm.progress",
    { step: String(frame.step), epoch: String(frame.epoch) });
  RUNS.forEach((name, r) => {
    const run = frame.runs[r];
    document.querySelector(`[data-testid="summary-${name}"]`).textContent = t(
      "batchnorm.run_summary", { run: runName(name), loss: fmt(run.loss),
        accuracy: fmt(Math.round(1000 * run.accuracy) / 10) });
  });
  const diverged = $("diverged");
  diverged.hidden = frame.diverged.length === 0;
  diverged.textContent = frame.diverged.map((name) => t(`batchnorm.diverged_${name}`)).join(" ");
  quotedText($("note"), t(frame.note)); // it quotes the book
  $("preset").value = frame.preset && !frame.modified ? frame.preset : "";
}

function render(msg) {
  frame = msg;
  if (wanted && Object.keys(wanted).every((k) => msg.selection[k] === wanted[k])) wanted = null;
  const th = theme();
  const key = `${frame.config.depth}`;
  if (key !== shapeKey) {
    shapeKey = key;
    buildStatsTable();
  }
  updateControls();
  histograms(th);
  drawLoss(th);
  updateStatsTable();
  renderFormula();
}

// --- sending ------------------------------------------------------------------------------

$("preset").addEventListener("change", (e) => {
  if (e.target.value) session.send({ type: "load_preset", name: e.target.value });
});
for (const radio of document.querySelectorAll('input[name="view"]')) {
  radio.addEventListener("change", () => session.send({ type: "set_view", view: radio.value }));
}
for (const radio of document.querySelectorAll('input[name="mode"]')) {
  radio.addEventListener("change", () => session.send({ type: "set_mode", mode: radio.value }));
}
const NUMERIC = new Set(["depth", "width", "learning_rate", "batch_size", "weight_scale", "seed"]);
for (const el of document.querySelectorAll("[data-config]")) {
  el.addEventListener("change", () => {
    const name = el.dataset.config;
    const value = NUMERIC.has(name) ? Number(el.value) : el.value;
    if (NUMERIC.has(name) && !Number.isFinite(value)) {
      toast(t("error.not_a_number"));
      return;
    }
    session.send({ type: "configure", [name]: value });
  });
}
for (const el of document.querySelectorAll("[data-select]")) {
  el.addEventListener("change", () => {
    const value = Number(el.value);
    if (!Number.isInteger(value) || value < 1) {
      toast(t("error.not_a_number"));
      return;
    }
    select({ [el.dataset.select]: value - 1 });
  });
}
