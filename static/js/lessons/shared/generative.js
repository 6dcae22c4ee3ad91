// Shared by the autoencoder and GAN pages: pixel images, a 2-D plane on a canvas, the
// optimizer and example choosers, and Plotly curves that follow training. Every number drawn
// comes from a frame.
import { trainingControls } from "../../core/controls.js";
import { $, cssVar, setIfIdle } from "../../core/dom.js";
import { t } from "../../core/i18n.js";
import { drawChart, plotlyReady } from "../../core/plotly.js";
import { connect, toast } from "../../core/session.js";
import { chartFont, chartMargin } from "../../core/theme.js";

// Opens the page's lab once Plotly is there (the first screen is charts, drawn before the
// first frame as when Plotly was a blocking script: core/plotly.js): `render` draws each
// frame, the training controls and the example chooser follow the lab.
export async function openLab(name, render) {
  await plotlyReady();
  const session = connect(name, {
    open() { controls.open(); },
    frame(msg) { render(msg); },
    status(msg) { controls.status(msg); },
  });
  const controls = trainingControls(session, { labels: "generative" });
  return { session, controls, syncPreset: presetControl(session) };
}

// A canvas sized for the screen's pixel density; returns its 2-D context in CSS pixels.
export function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width, height };
}

// A side x side grey image, 0 = paper, 1 = ink, on a small canvas (drawn at its own size).
export function drawPixels(canvas, pixels, side) {
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = cssVar("--paper");
  ctx.fillRect(0, 0, side, side);
  ctx.fillStyle = cssVar("--ink");
  pixels.forEach((value, i) => {
    ctx.globalAlpha = Math.max(0, Math.min(1, value));
    ctx.fillRect(i % side, Math.floor(i / side), 1, 1);
  });
  ctx.globalAlpha = 1;
}

// A figure: a small image with a caption under it, for grids of images.
export function imageFigure(testid) {
  const figure = document.createElement("figure");
  figure.className = "pixel-figure";
  const canvas = document.createElement("canvas");
  canvas.className = "pixels";
  canvas.setAttribute("role", "img");
  if (testid) canvas.dataset.testid = testid;
  const caption = document.createElement("figcaption");
  figure.append(canvas, caption);
  return { figure, canvas, caption };
}

// Keeps a row of image figures the right length; returns the figures.
export function imageRow(container, count, prefix) {
  while (container.children.length > count) container.lastChild.remove();
  while (container.children.length < count) {
    container.appendChild(imageFigure(`${prefix}-${container.children.length}`).figure);
  }
  return [...container.children].map((figure) => ({
    figure, canvas: figure.querySelector("canvas"), caption: figure.querySelector("figcaption"),
  }));
}

// A rectangle of the plane [x0, x1] x [y0, y1] mapped onto a canvas (y grows upwards).
export function planeMap(width, height, [x0, x1, y0, y1]) {
  return {
    px: (x) => ((x - x0) / (x1 - x0)) * width,
    py: (y) => height - ((y - y0) / (y1 - y0)) * height,
    world: (px, py) => [x0 + (px / width) * (x1 - x0), y0 + ((height - py) / height) * (y1 - y0)],
  };
}

// Pointer position inside an element, in CSS pixels.
export function localPoint(element, event) {
  const box = element.getBoundingClientRect();
  return [event.clientX - box.left, event.clientY - box.top];
}

// Plotly line charts that follow the frames through drawChart (core/plotly.js): each at most
// every CHART_MS, in a task of its own after the frame is on the screen, from the newest
// history: curves need no more, and the page stays light while frames stream.
// `yRange`: a fixed y range (D's verdicts are probabilities: 0 to 1, and room for a line at 1),
// else from the data. Before the first step the axes are those of a run about to start (0 to
// EMPTY_STEPS steps; 0 to 1), not Plotly's default for no data (−1 to 6 by 0 to 4).
const EMPTY_STEPS = 10;
export function curveChart(element, series, yTitle, xTitle = t("generative.axis_step"), { yRange } = {}) {
  const layout = (empty) => ({
    margin: chartMargin(),
    height: Math.max(200, 13 * chartFont().size), // the plot keeps most of the box
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: chartFont(),
    xaxis: { title: { text: xTitle }, gridcolor: cssVar("--border"), automargin: true,
      ...(empty ? { range: [0, EMPTY_STEPS] } : {}) },
    yaxis: { title: { text: yTitle }, gridcolor: cssVar("--border"), rangemode: "tozero", automargin: true,
      ...(yRange || empty ? { range: yRange || [0, 1] } : {}) },
    legend: { orientation: "h", y: 1.15 },
    showlegend: series.length > 1,
  });
  // drawChart keeps the newest drawing asked for: each update's closure holds its history.
  return function update(history) {
    drawChart(element, (Plotly) => {
      const data = series.map((s) => ({
        x: history.step, y: history[s.key], name: t(s.label), mode: "lines",
        line: { color: cssVar(s.color), width: 2, dash: s.dash || "solid" },
      }));
      Plotly.react(element, data, layout(history.step.length === 0), { displayModeBar: false, responsive: true });
    });
  };
}

// The examples' chooser (#preset): loads one; `sync(frame)` shows the one on the page.
export function presetControl(session) {
  const select = $("preset");
  select.addEventListener("change", () => {
    if (select.value) session.send({ type: "load_preset", name: select.value });
  });
  return (frame) => { select.value = frame.preset && !frame.modified ? frame.preset : ""; };
}

// Number input -> finite number, or a toast and null.
export function numberFrom(input) {
  const value = input.valueAsNumber;
  if (!Number.isFinite(value)) {
    toast(t("error.not_a_number"));
    return null;
  }
  return value;
}

// Hidden widths as typed: "32" or "64, 32"; an empty field means no hidden layer.
export function parseWidths(text) {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  const widths = parts.map(Number);
  if (!widths.every((n) => Number.isInteger(n))) {
    toast(t("generative.widths_hint"));
    return null;
  }
  return widths;
}

// An optimizer picker: <select id="{prefix}-optimizer">, learning rate and Adam's beta1.
export function optimizerControls(prefix, onChange) {
  const name = $(`${prefix}-optimizer`);
  const rate = $(`${prefix}-lr`);
  const beta1 = $(`${prefix}-beta1`);
  const send = () => {
    const learningRate = numberFrom(rate);
    const b1 = numberFrom(beta1);
    if (learningRate === null || b1 === null) return;
    onChange({ name: name.value, learning_rate: learningRate, beta1: b1 });
  };
  for (const element of [name, rate, beta1]) element.addEventListener("change", send);
  return function sync(spec) {
    setIfIdle(name, spec.name);
    setIfIdle(rate, spec.learning_rate);
    setIfIdle(beta1, spec.beta1);
    beta1.closest("label").hidden = spec.name !== "adam";
  };
}
