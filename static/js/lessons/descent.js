// B.4 "Gradient descent": the loss along one chosen weight (curve, tangent, slope, trail of
// steps) and over two (contour with the descent path), drawn with Plotly from the engine's
// numbers; the network to pick weights from; the shared step-through controls to train.
import { $, cssVar } from "../core/dom.js";
import { fmt, num, writeLines } from "../core/format.js";
import { t } from "../core/i18n.js";
import { networkView, symbolName } from "../core/network.js";
import { drawChart, plotlyReady } from "../core/plotly.js";
import { connect } from "../core/session.js";
import { chartFont, chartMargin } from "../core/theme.js";
import { stepThrough } from "./shared/stepthrough.js";

const PLOT_CONFIG = { displayModeBar: false, responsive: true };

let frame = null;
let shapeKey = "";
let surface = null; // the last surface sent: frames carry it only when it changes

// ?preset=NAME and shared states are applied by share.js for every lab page.
// The first screen is charts: Plotly is there before the first frame, as when it was a
// blocking script (core/plotly.js).
await plotlyReady();
const session = connect("descent", {
  frame(msg) { render(msg); },
  status(msg) { steps.status(msg); },
});

const nodeName = (layer, j) => symbolName(frame.layers, layer, j);
function weightName(ref) {
  const [a, b] = ref.index;
  return ref.param === "w"
    ? `w(${nodeName(ref.layer - 1, a)}→${nodeName(ref.layer, b)})`
    : `b(${nodeName(ref.layer, a)})`;
}

const pickSlot = () => +document.querySelector('input[name="pick"]:checked').value;
const view = networkView($("network"), {
  edgeClick: (l, i, j) => session.send({
    type: "select_weight", slot: pickSlot(), weight: { layer: l, param: "w", index: [i, j] },
  }),
  edgeKey: (e, l, i, j) => {
    if (e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    session.send({
      type: "select_weight", slot: pickSlot(), weight: { layer: l, param: "w", index: [i, j] },
    });
  },
  edgeEnter: (l, i, j) => writeLines($("formula"), [
    `${nodeName(l - 1, i)} → ${nodeName(l, j)}: w = ${fmt(frame.layers[l].w[i][j])}`,
    ...steps.edgeLines(l, i, j),
  ]),
  nodeEnter: (layer, j) => writeLines($("formula"), steps.nodeLines(layer, j)),
});
const steps = stepThrough({
  session, view, nodeName, onSample: () => render(frame),
  beforePlace: markChosen, // the marks ① ② lengthen their labels: placed with them
});

$("preset").addEventListener("change", (e) =>
  session.send({ type: "load_preset", name: e.target.value }));
$("clear-second").addEventListener("click", () =>
  session.send({ type: "select_weight", slot: 1, weight: null }));

// --- the network --------------------------------------------------------------------------

function drawNetwork() {
  const sizes = [frame.x[0].length, ...frame.layers.map((l) => l.a[0].length)];
  const hasBias = frame.layers.some((l) => l.b !== null);
  const key = JSON.stringify([sizes, hasBias]);
  if (key !== shapeKey) {
    shapeKey = key;
    view.build(sizes, { biases: hasBias });
  }
  const s = steps.sample;
  for (const g of view.nodes()) {
    const layer = +g.dataset.layer, j = +g.dataset.j;
    g.querySelector(".node-name").textContent = nodeName(layer, j);
    g.querySelector(".node-value").textContent =
      fmt(layer < 0 ? frame.x[s][j] : frame.layers[layer].a[s][j]);
  }
  for (const g of view.edges()) {
    const l = +g.dataset.layer, i = +g.dataset.i, j = +g.dataset.j;
    const w = frame.layers[l].w[i][j];
    g.querySelector(".edge-label").textContent = fmt(w);
    g.classList.toggle("edge--neg", w < 0);
    g.setAttribute("aria-label", t("descent.edge_aria", {
      name: weightName({ layer: l, param: "w", index: [i, j] }), value: fmt(w),
    }));
  }
}

function markChosen() {
  for (const g of view.edges()) g.classList.remove("edge--chosen");
  frame.selected.forEach((ref, slot) => {
    $(`chosen-${slot}`).textContent = weightName(ref);
    if (ref.param !== "w") return;
    const edge = view.edge(ref.layer, ref.index[0], ref.index[1]);
    if (!edge) return;
    edge.classList.add("edge--chosen");
    const label = edge.querySelector(".edge-label");
    label.textContent = `${"①②"[slot]} ${label.textContent}`;
    // The name holds what the drawing shows, the slot's mark included.
    edge.setAttribute("aria-label", t("descent.edge_aria", {
      name: weightName(ref), value: label.textContent,
    }));
  });
  if (frame.selected.length < 2) $("chosen-1").textContent = t("descent.none");
  $("clear-second").disabled = frame.selected.length < 2;
}

// --- the plots ----------------------------------------------------------------------------

function baseLayout(xTitle, yTitle) {
  return {
    margin: chartMargin(),
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: chartFont(),
    xaxis: { title: { text: xTitle }, automargin: true, gridcolor: cssVar("--border"), zerolinecolor: cssVar("--muted") },
    yaxis: { title: { text: yTitle }, automargin: true, gridcolor: cssVar("--border"), zerolinecolor: cssVar("--muted") },
    showlegend: true,
    // Under the whole figure, below the x axis title (a share of a short plot put it on it).
    legend: { orientation: "h", yref: "container", y: 0, yanchor: "bottom" },
    uirevision: shapeKey + frame.preset,
  };
}

// The two charts follow the frames through drawChart (core/plotly.js): each at most every
// CHART_MS, in a task of its own after the frame is on the screen, made from the newest frame.
// Drawn with every frame, Plotly's redraw of the curve was most of each frame's work.
function drawCurve() {
  const box = $("curve-plot");
  drawChart(box, (Plotly) => {
    Plotly.react(box, ...curveFigure(), PLOT_CONFIG);
    if (!box.dataset.clickable) {
      // A click on the curve moves the chosen weight there: a new starting point.
      box.dataset.clickable = "yes";
      box.on("plotly_click", (event) => {
        const point = event.points.find((q) => q.curveNumber === 0);
        if (point) session.send({ type: "set_weight", weight: frame.selected[0], value: point.x });
      });
    }
  });
}

function curveFigure() {
  const c = frame.curve, p = frame.point;
  const traces = [
    { x: c.values, y: c.losses, mode: "lines", name: t("descent.loss_curve"),
      line: { color: cssVar("--pos"), width: 3 } },
  ];
  for (const mark of frame.marks) {
    traces.push({
      x: mark.tangent.w, y: mark.tangent.loss, mode: "lines", showlegend: false,
      hoverinfo: "skip", line: { color: cssVar("--muted"), dash: "dash", width: 1.5 },
    });
  }
  if (frame.marks.length) {
    traces.push({
      x: frame.marks.map((m) => m.w), y: frame.marks.map((m) => m.loss),
      mode: "markers+text", name: t("descent.book_slopes"),
      text: frame.marks.map((m) => t("descent.slope_label", { slope: num(m.slope) })),
      textposition: "top center", marker: { color: cssVar("--muted"), size: 8, symbol: "diamond" },
    });
  }
  traces.push(
    { x: frame.trail.map((q) => q.values[0]), y: frame.trail.map((q) => q.loss),
      mode: "lines+markers", name: t("descent.trail"),
      line: { color: cssVar("--output-node"), width: 1.5 }, marker: { size: 6 } },
    { x: c.tangent.w, y: c.tangent.loss, mode: "lines", name: t("descent.tangent"),
      line: { color: cssVar("--neg"), width: 2.5, dash: "dot" } },
    { x: [p.values[0]], y: [p.loss], mode: "markers", name: t("descent.current"),
      marker: { color: cssVar("--focus"), size: 14, symbol: "circle-open", line: { width: 3 } } },
  );
  return [traces, baseLayout(weightName(frame.selected[0]), t("descent.loss_axis"))];
}

function drawSurface() {
  const box = $("surface-plot");
  if (frame.selected.length < 2) {
    surface = null;
    drawChart(box, (Plotly) => Plotly.purge(box));
    box.hidden = true;
    $("surface-hint").textContent = t("descent.surface_pick");
    return;
  }
  if (frame.surface) surface = frame.surface;
  if (!surface) return;
  box.hidden = false;
  drawChart(box, (Plotly) => Plotly.react(box, ...surfaceFigure(), PLOT_CONFIG));
  const weights = frame.layers.reduce((n, l) => n + l.w.length * l.w[0].length +
    (l.b ? l.b.length : 0), 0);
  $("surface-hint").textContent = weights > 2
    ? t("descent.surface_frozen", { step: surface.at_step }) : t("descent.surface_exact");
}

function surfaceFigure() {
  const p = frame.point;
  const traces = [
    { type: "contour", x: surface.values1, y: surface.values2, z: surface.losses,
      name: t("descent.loss_axis"), showlegend: false, ncontours: 24, connectgaps: false,
      colorscale: [[0, cssVar("--surface-low")], [1, cssVar("--surface-high")]],
      colorbar: { title: { text: "L" }, thickness: 12 } },
    { x: frame.trail.map((q) => q.values[0]), y: frame.trail.map((q) => q.values[1]),
      mode: "lines+markers", name: t("descent.trail"),
      line: { color: cssVar("--output-node"), width: 2 }, marker: { size: 5 } },
    { x: [p.values[0]], y: [p.values[1]], mode: "markers", name: t("descent.current"),
      marker: { color: cssVar("--focus"), size: 14, symbol: "circle-open", line: { width: 3 } } },
  ];
  return [traces, baseLayout(weightName(frame.selected[0]), weightName(frame.selected[1]))];
}

function readouts() {
  const p = frame.point;
  const parts = frame.selected.map((ref, k) => t("descent.point_weight", {
    name: weightName(ref), value: fmt(p.values[k]), slope: num(p.slopes[k]),
  }));
  $("point").textContent = `${parts.join("; ")}; ${t("descent.point_loss", { loss: num(p.loss) })}`;
  $("behaviour").textContent = frame.behaviour ? t(`descent.behaviour_${frame.behaviour}`) : "";
  $("behaviour").dataset.behaviour = frame.behaviour || "";
  $("preset").value = frame.preset;
}

// Colours and sizes come from the theme and projector mode: redraw when they change.
document.addEventListener("np:theme", () => { if (frame) render(frame); });
document.addEventListener("np:projector", () => { if (frame) render(frame); });

function render(msg) {
  frame = msg;
  drawNetwork();
  steps.render(msg);
  readouts();
  drawCurve();
  drawSurface();
}
