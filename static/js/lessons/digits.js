// B.6, second part: a small CNN learns the 8x8 handwritten digits beside a dense network.
// Draws the engine's frame: the digit shown (or drawn), every feature map it makes, the
// learned filters, both networks' predictions and curves, the confusion matrix and the
// digits still wrong. Numbers come in the frame; this script lays them out and sends edits.
import { trainingControls } from "../core/controls.js";
import { $, cssVar, drawNewest, setIfIdle } from "../core/dom.js";
import { fmt, percent } from "../core/format.js";
import { cssColour, divergingScale, mix, paint } from "../core/heatmap.js";
import { t } from "../core/i18n.js";
import { withPlotly } from "../core/plotly.js";
import { connect, errorText, toast } from "../core/session.js";
import { chartFont } from "../core/theme.js";
import { drawConfusion, drawWrong } from "./shared/confusion.js";
import { MatrixView, PaintQueue, makePaintable } from "./shared/matrix.js";

const RUNS = ["conv", "dense"];
const SIDE = 8;
const brush = () => +document.querySelector('input[name="brush"]:checked').value;

let frame = null;
let mapsKey = "";

const session = connect("digits", {
  open() { controls.open(); },
  frame: drawNewest(render),
  error(msg) {
    if (msg.code === "does_not_fit") showProblem(errorText(msg));
    else toast(errorText(msg));
  },
  status(msg) { controls.status(msg); },
});
// A step runs as many steps as one frame of play.
const controls = trainingControls(session, {
  labels: "digits",
  step: () => ({ type: "step", steps: +$("speed").value }),
  onStatus: (msg) => { $("speed").value = String(msg.steps_per_frame); },
});

function showProblem(text) {
  const box = $("problem");
  box.textContent = text;
  box.hidden = false;
}

// --- colours from the CSS custom properties (themes, projector) ---------------------------

let colours = null;
function readColours() {
  const background = cssColour("--panel");
  colours = {
    signed: divergingScale(cssColour("--neg"), background, cssColour("--pos"), 1, false),
    ink: cssColour("--ink-2"), background,
  };
}
new MutationObserver(() => { readColours(); mapsKey = ""; if (frame) render(frame); })
  .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "data-projector"] });

// A (rows x cols) map of signed numbers into a canvas: -scale .. scale, neutral at 0.
function paintSigned(canvas, values, scale) {
  const cols = values[0].length;
  const s = Math.max(scale, 1e-9);
  paint(canvas, cols, (k) => {
    const v = values[Math.floor(k / cols)]?.[k % cols] ?? 0;
    return colours.signed[Math.max(0, Math.min(255, Math.round(127.5 + 127.5 * v / s)))];
  });
}

// --- the digit: 8x8 cells of ink 0..16, painted with the brush ------------------------------

const paints = new PaintQueue((cells, value) => session.send({ type: "paint", cells, value }));
const inputView = new MatrixView($("input-grid"), {
  name: t("digits.input_aria"), size: [SIDE, SIDE], testid: "input", kind: "input matrix--digit",
  onKey: (e, r, c) => {
    let value = null;
    if (e.key === " " || e.key === "Enter") value = brush();
    else if (e.key === "Delete" || e.key === "Backspace") value = 0;
    if (value === null) return;
    e.preventDefault();
    paints.add(0, r, c, value);
  },
});
makePaintable(inputView, (r, c) => paints.add(0, r, c, brush()));

function drawInput() {
  const pixels = frame.input.pixels;
  const grid = [];
  for (let r = 0; r < SIDE; r++) grid.push(pixels.slice(r * SIDE, (r + 1) * SIDE));
  inputView.set(grid, (r, c, v) => t("digits.cell_aria", { row: r + 1, col: c + 1, value: fmt(v) }));
  inputView.cells.flat().forEach((cell, k) => {
    // The shade skips the middle greys, where neither dark nor light numbers can be read.
    const ink = pixels[k] / frame.max_ink;
    const shade = ink <= 0.5 ? 0.9 * ink : 0.7 + 0.6 * (ink - 0.5);
    cell.style.background = `rgb(${mix(colours.background, colours.ink, shade).join(",")})`;
    cell.classList.toggle("cell--dark", ink > 0.5);
  });
  const inp = frame.input;
  $("shown-digit").textContent = inp.source === "drawing"
    ? t("digits.shown_drawing")
    : t("digits.shown_test", { index: inp.index + 1, n: frame.n_test, label: inp.label });
}

// --- the feature maps: one column per stage, one small picture per channel ----------------

function stageName(stage) {
  if (stage.kind === "input") return t("digits.stage.input");
  const pool = frame.config.pool;
  const name = stage.kind === "conv"
    ? t(frame.config.relu ? "digits.stage.conv_relu" : "digits.stage.conv", { n: stage.block + 1 })
    : t(`digits.stage.pool_${pool}`, { n: stage.block + 1 });
  return name;
}

const shapeText = (s) => s.shape.join("×");

function buildMaps() {
  const box = $("feature-maps");
  box.replaceChildren();
  frame.stages.forEach((stage, i) => {
    const column = document.createElement("figure");
    column.className = `map-column map-column--${stage.kind}`;
    column.dataset.testid = `stage-${i}`;
    const caption = document.createElement("figcaption");
    const title = document.createElement("span");
    title.textContent = stageName(stage);
    const size = document.createElement("span");
    size.className = "map-shape";
    size.textContent = shapeText(stage);
    caption.append(title, size);
    column.appendChild(caption);
    // More than four maps: two columns of them, so eight fit the first screen.
    const maps = document.createElement("div");
    maps.className = "maps";
    maps.style.setProperty("--map-cols", stage.shape[0] > 4 ? 2 : 1);
    for (let c = 0; c < stage.shape[0]; c++) {
      const canvas = document.createElement("canvas");
      canvas.className = "map";
      canvas.dataset.testid = `map-${i}-${c}`;
      canvas.setAttribute("role", "img");
      canvas.addEventListener("mousemove", (e) => hoverMap(e, i, c));
      maps.appendChild(canvas);
    }
    column.appendChild(maps);
    box.appendChild(column);
    if (i < frame.stages.length - 1) arrow(box);
  });
  const flat = document.createElement("figure");
  flat.className = "map-column map-column--flat";
  flat.dataset.testid = "flatten";
  const last = frame.stages[frame.stages.length - 1].shape;
  const cap = document.createElement("figcaption");
  cap.textContent = t("digits.flatten", { n: last[0] * last[1] * last[2] });
  flat.appendChild(cap);
  const head = document.createElement("p");
  head.className = "map-shape";
  head.textContent = t("digits.dense_head");
  flat.appendChild(head);
  arrow(box);
  box.appendChild(flat);
}

function arrow(box) {
  const span = document.createElement("span");
  span.className = "operator";
  span.setAttribute("aria-hidden", "true");
  span.textContent = "→";
  box.appendChild(span);
}

function drawMaps() {
  const key = frame.stages.map(shapeText).join("|") + frame.config.pool + frame.config.relu;
  if (key !== mapsKey) {
    mapsKey = key;
    buildMaps();
  }
  frame.stages.forEach((stage, i) => {
    stage.maps.forEach((values, c) => {
      const canvas = document.querySelector(`[data-testid="map-${i}-${c}"]`);
      paintSigned(canvas, values, stage.scale);
      canvas.setAttribute("aria-label", t("digits.map_aria", { stage: stageName(stage), n: c + 1 }));
    });
  });
}

function hoverMap(e, i, c) {
  const stage = frame.stages[i];
  const [, rows, cols] = stage.shape;
  const box = e.target.getBoundingClientRect();
  const r = Math.min(rows - 1, Math.floor((e.clientY - box.top) / box.height * rows));
  const col = Math.min(cols - 1, Math.floor((e.clientX - box.left) / box.width * cols));
  $("map-detail").textContent = t("digits.map_detail", {
    stage: stageName(stage), n: c + 1, row: r + 1, col: col + 1, value: fmt(stage.maps[c][r][col]),
  });
}

// --- the learned filters: a box per filter, a k x k picture per input channel in it -------

let filtersKey = "";
function drawFilters() {
  const key = frame.filters.map((b) => `${b.weights.length}/${b.weights[0].length}/${b.weights[0][0].length}`).join("|");
  const box = $("filters");
  if (key !== filtersKey) {
    filtersKey = key;
    box.replaceChildren();
    frame.filters.forEach((bank, b) => {
      const block = document.createElement("div");
      block.className = "filter-block";
      const title = document.createElement("p");
      title.className = "filter-title";
      title.textContent = t("digits.filter_block", {
        n: b + 1, count: bank.weights.length, k: bank.weights[0][0].length,
      });
      block.appendChild(title);
      const row = document.createElement("div");
      row.className = "filter-row";
      bank.weights.forEach((filter, f) => {
        const item = document.createElement("button");
        item.type = "button";
        item.className = "filter";
        item.dataset.testid = `filter-${b}-${f}`;
        filter.forEach((_, ch) => {
          const canvas = document.createElement("canvas");
          canvas.className = "filter-canvas";
          item.appendChild(canvas);
        });
        const show = () => showFilter(b, f);
        item.addEventListener("mouseenter", show);
        item.addEventListener("focus", show);
        row.appendChild(item);
      });
      block.appendChild(row);
      box.appendChild(block);
    });
  }
  frame.filters.forEach((bank, b) => {
    bank.weights.forEach((filter, f) => {
      const item = box.querySelector(`[data-testid="filter-${b}-${f}"]`);
      filter.forEach((slice, ch) => paintSigned(item.children[ch], slice, bank.scale));
      item.title = filterText(bank, f);
      item.setAttribute("aria-label", t("digits.filter_aria", { block: b + 1, n: f + 1 }));
    });
  });
  if (shownFilter) showFilter(...shownFilter);
}

const filterText = (bank, f) => bank.weights[f]
  .map((slice) => slice.map((row) => row.map(fmt).join("  ")).join("\n")).join("\n\n")
  + `\n${t("digits.bias")} ${fmt(bank.biases[f])}`;

let shownFilter = null;
function showFilter(b, f) {
  shownFilter = [b, f];
  const bank = frame.filters[b];
  if (!bank || !bank.weights[f]) { shownFilter = null; return; }
  const box = $("filter-detail");
  box.replaceChildren();
  const title = document.createElement("p");
  title.textContent = t("digits.filter_numbers", { block: b + 1, n: f + 1, bias: fmt(bank.biases[f]) });
  box.appendChild(title);
  // Only the first channels of a deep filter: the detail must stay beside the picture.
  bank.weights[f].slice(0, 2).forEach((slice) => {
    const table = document.createElement("table");
    table.className = "filter-numbers";
    for (const row of slice) {
      const tr = document.createElement("tr");
      for (const v of row) {
        const td = document.createElement("td");
        td.textContent = fmt(v);
        tr.appendChild(td);
      }
      table.appendChild(tr);
    }
    box.appendChild(table);
  });
}

// --- the readout: accuracy of both networks and what each says about the digit ----------

function drawReadout() {
  frame.runs.forEach((run) => {
    const cell = (row) => document.querySelector(`[data-testid="${run.name}-${row}"]`);
    cell("params").textContent = fmt(run.params);
    cell("test_accuracy").textContent = percent.format(run.test_accuracy);
    cell("test_loss").textContent = fmt(run.test_loss);
    cell("train_accuracy").textContent = run.train_accuracy === null ? "–" : percent.format(run.train_accuracy);
    const says = document.querySelector(`[data-testid="predicted-${run.name}"]`);
    says.textContent = t(`digits.says_${run.name}`, {
      digit: run.predicted, p: percent.format(run.probabilities[run.predicted]),
    });
    const list = document.querySelector(`[data-testid="probabilities-${run.name}"]`);
    if (list.children.length !== 10) {
      list.replaceChildren();
      for (let d = 0; d < 10; d++) {
        const li = document.createElement("li");
        li.innerHTML = '<span class="bar-label"></span><span class="bar"><span class="bar-fill"></span></span>';
        list.appendChild(li);
      }
    }
    run.probabilities.forEach((p, d) => {
      const li = list.children[d];
      li.classList.toggle("predicted", d === run.predicted);
      li.firstChild.textContent = `${d}: ${percent.format(p)}`;
      li.lastChild.firstChild.style.width = `${(100 * p).toFixed(1)}%`;
    });
  });
  const [conv, dense] = frame.runs;
  $("dense-shape").textContent = t("digits.dense_shape", {
    hidden: frame.dense_hidden, dense: fmt(dense.params), conv: fmt(conv.params),
  });
}

// --- curves: both networks on one chart, test solid and training batches dotted --------

const curveKind = () => document.querySelector('input[name="curve-kind"]:checked').value;

function drawCurves() {
  const div = $("curves");
  const kind = curveKind();
  const font = chartFont();
  const line = parseFloat(cssVar("--chart-line")) || 2;
  const traces = [];
  for (const name of RUNS) {
    const colour = cssVar(`--run-${name}`);
    for (const part of ["test", "train"]) {
      const values = frame.curves[name][`${part}_${kind}`];
      traces.push({
        type: "scatter", mode: "lines", x: frame.curves.steps, y: values,
        name: t(`digits.curve.${name}_${part}`),
        line: { color: colour, width: part === "test" ? line : line / 2, dash: part === "test" ? "solid" : "dot" },
      });
    }
  }
  const layout = {
    // Room for the axis titles and the legend at any font size (the projector's is 24 px).
    height: 150 + 8 * font.size,
    margin: { l: 4.5 * font.size, r: 10, t: 3.4 * font.size, b: 3.2 * font.size },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: cssVar("--fg"), size: font.size },
    legend: { orientation: "h", x: 0, y: 1, yanchor: "bottom" },
    xaxis: { title: { text: t("digits.step_axis") }, gridcolor: cssVar("--border"), rangemode: "tozero" },
    yaxis: kind === "accuracy"
      ? { title: { text: t("digits.curve.accuracy") }, gridcolor: cssVar("--border"), range: [0, 1], tickformat: ".0%" }
      : { title: { text: t("digits.curve.loss") }, gridcolor: cssVar("--border"), rangemode: "tozero" },
  };
  withPlotly(div, (Plotly) => Plotly.react(div, traces, layout, { displayModeBar: false, responsive: true }));
}

// --- controls --------------------------------------------------------------------------------

function updateControls() {
  for (const el of document.querySelectorAll("[data-config]")) {
    const value = frame.config[el.dataset.config];
    if (el.type === "checkbox") el.checked = value;
    else setIfIdle(el, String(value));
  }
  $("preset").value = frame.preset || "";
  $("progress").textContent = t("digits.progress", { step: String(frame.step), epoch: String(frame.epoch) });
  $("problem").hidden = true;
}

function render(msg) {
  frame = msg;
  if (!colours) readColours();
  updateControls();
  drawInput();
  drawMaps();
  drawFilters();
  drawReadout();
  drawCurves();
  drawConfusion(document.querySelector('[data-testid="confusion"]'), frame.confusion);
  drawWrong($("wrong"), frame, (index) => session.send({ type: "select", index }));
}

$("preset").addEventListener("change", (e) => {
  if (e.target.value) session.send({ type: "load_preset", name: e.target.value });
});
const NUMERIC = new Set(["blocks", "filters", "kernel", "stride", "padding", "learning_rate", "batch_size", "seed"]);
for (const el of document.querySelectorAll("[data-config]")) {
  el.addEventListener("change", () => {
    const name = el.dataset.config;
    let value = el.type === "checkbox" ? el.checked : el.value;
    if (NUMERIC.has(name)) {
      value = Number(value);
      if (!Number.isFinite(value)) { toast(t("error.not_a_number")); return; }
    }
    session.send({ type: "configure", [name]: value });
  });
}
const move = (delta) => {
  if (!frame) return;
  const index = (frame.input.index + delta + frame.n_test) % frame.n_test;
  session.send({ type: "select", index });
};
$("prev-digit").addEventListener("click", () => move(-1));
$("next-digit").addEventListener("click", () => move(1));
$("clear-drawing").addEventListener("click", () => session.send({ type: "clear_drawing" }));
for (const radio of document.querySelectorAll('input[name="curve-kind"]')) {
  radio.addEventListener("change", () => frame && drawCurves());
}
