// The recurrent page's charts: the gradient norm per time step for the three cells
// (backpropagation through time), the gates as heatmaps, the losses, and a price series.
import { $, cssVar } from "../../core/dom.js";
import { fmt, num } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { drawChart } from "../../core/plotly.js";
import { chartFont, chartMargin } from "../../core/theme.js";
import { CELLS, cellName, el } from "./names.js";

const DASH = { rnn: "solid", lstm: "dash", gru: "dot" };
const SYMBOL = { rnn: "circle", lstm: "square", gru: "diamond" };
const MAX_LABELLED_CELLS = 130; // heatmaps write their numbers in when this few cells

function baseLayout(xTitle, yTitle, logY) {
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

function positiveOrNull(values) {
  return values.map((v) => (v > 0 ? v : null));
}

// `state.frame`: the newest frame, read when each chart's turn comes (not when it was asked).
export function rnnCharts(state) {
  let gateKey = "";

  // The charts: gradients through time, gates, losses, series.
  function draw() {
    renderBptt();
    renderGates();
    renderLoss();
    renderSeries();
  }

  function renderBptt() {
    chart("bptt-chart", bpttFigure);
    $("bptt-summary").textContent = CELLS.map((cell) => t("rnn.bptt_ratio", {
      cell: cellName(cell), ratio: num(state.frame.bptt[cell].first_to_last), // 0.0000252, not 0
    })).join(" · ");
  }

  function bpttFigure() {
    const { frame } = state;
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
    const names = Object.keys(state.frame.unroll.gates);
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
    const { frame } = state;
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
      const h = state.frame.history;
      const traces = CELLS.map((cell) => ({
        x: h.steps, y: positiveOrNull(h.loss[cell] || []), name: cellName(cell), mode: "lines",
        line: { color: cssVar(`--cell-${cell}`), dash: DASH[cell], width: parseFloat(cssVar("--chart-line")) || 2 },
      }));
      return [traces, baseLayout(t("rnn.loss_x"), t("rnn.loss_y"), true)];
    });
  }

  function renderSeries() {
    const block = $("series-block");
    block.hidden = state.frame.series === null;
    if (state.frame.series !== null) chart("series-chart", seriesFigure);
  }

  function seriesFigure() {
    const { frame } = state;
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

  return { draw };
}

// The three cells measured side by side: parameters, time per step, loss (and accuracy).
export function renderCompare(frame) {
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
