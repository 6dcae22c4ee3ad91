// B.8.1 autoencoder: originals beside reconstructions, the latent plane (click to decode),
// the loss curve, denoising, and the learner's own drawing, all from the engine's frames.
import { $, cssVar, setIfIdle } from "../core/dom.js";
import { fmt } from "../core/format.js";
import { t } from "../core/i18n.js";
import * as G from "./shared/generative.js";

const latent = $("latent");
const pad = $("draw-pad");
let frame = null;
let cursor = null; // keyboard cursor on the latent plane, in plane coordinates
let drawing = []; // the pad's pixels, 0 or 1
let padSide = 0;

const { session, syncPreset } = await G.openLab("autoencoder", render);
const lossChart = G.curveChart($("loss-chart"),
  [{ key: "loss", label: "autoencoder.loss_series", color: "--output-node" }],
  t("autoencoder.loss_axis"));
const syncOptimizer = G.optimizerControls("ae", (optimizer) =>
  session.send({ type: "set_optimizer", optimizer }));

// --- rendering ------------------------------------------------------------------------

function render(msg) {
  frame = msg;
  syncControls();
  syncPreset(msg);
  drawImages();
  drawLatent();
  drawProbe();
  drawDrawing();
  lossChart(msg.history);
  $("ae-step").textContent = t("autoencoder.step_count", { n: msg.step });
  $("loss-value").textContent = msg.loss === null
    ? t("autoencoder.loss_none") : t("autoencoder.loss_now", { loss: fmt(msg.loss) });
  $("blur").textContent = blurText(msg);
}

// The book's "a little blurred" is said of a trained network: before training the copies
// are noise from random weights, and during the first steps they are still taking shape.
const TRAINED_STEPS = 100; // the b25 examples' copies read as digits from about here on
function blurText(msg) {
  const b = msg.blur;
  const numbers = {
    inputs: b.inputs, bottleneck: b.bottleneck, compression: fmt(b.compression),
    sharpness: fmt(b.sharpness), error: fmt(b.error), steps: msg.step,
  };
  if (msg.step === 0) return t("autoencoder.blur_untrained", numbers);
  if (msg.step < TRAINED_STEPS) return t("autoencoder.blur_learning", numbers);
  return t("autoencoder.blur", numbers);
}

function syncControls() {
  const s = frame.state;
  setIfIdle($("dataset"), s.dataset);
  setIfIdle($("bottleneck"), s.bottleneck);
  $("bottleneck-value").textContent = s.bottleneck;
  setIfIdle($("hidden"), s.hidden.join(", "));
  setIfIdle($("activation"), s.activation);
  setIfIdle($("noise"), s.noise);
  $("noise-value").textContent = fmt(s.noise);
  setIfIdle($("seed"), s.seed);
  syncOptimizer(s.optimizer);
  const widths = [frame.blur.inputs, ...s.hidden, s.bottleneck, ...[...s.hidden].reverse(),
    frame.blur.inputs];
  $("shape").textContent = t("autoencoder.shape", {
    shape: widths.join(" → "),
  });
}

function fillRow(id, images, captions) {
  const figures = G.imageRow($(id), images.length, id);
  figures.forEach(({ canvas, caption }, i) => {
    G.drawPixels(canvas, images[i], frame.side);
    caption.textContent = captions ? captions[i] : "";
    canvas.setAttribute("aria-label", t(`autoencoder.${id}_aria`, {
      n: i + 1, error: captions ? captions[i] : "",
    }));
  });
}

function drawImages() {
  const errors = frame.errors.map((e) => t("autoencoder.error_short", { error: fmt(e) }));
  fillRow("originals", frame.originals, null);
  const noisy = frame.state.noise > 0;
  $("inputs-row").hidden = !noisy;
  if (noisy) fillRow("inputs", frame.inputs, null);
  fillRow("reconstructions", frame.reconstructions, errors);
}

function drawLatent() {
  const { ctx, width, height } = G.fitCanvas(latent);
  const view = frame.latent;
  const map = G.planeMap(width, height, view.extent);
  ctx.fillStyle = cssVar("--panel");
  ctx.fillRect(0, 0, width, height);
  ctx.font = `600 ${cssVar("--plane-glyph-size")} ${cssVar("--font")}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  view.points.forEach(([x, y], i) => {
    const label = view.labels[i];
    ctx.fillStyle = cssVar(`--class-${label}`);
    ctx.fillText(frame.glyphs[label], map.px(x), map.py(y));
  });
  if (frame.drawing) marker(ctx, map, frame.drawing.point, "--output-node", "★");
  if (frame.probe) marker(ctx, map, [frame.probe.x, frame.probe.y], "--focus", "✚");
  if (cursor && document.activeElement === latent) {
    marker(ctx, map, cursor, "--accent", "◎");
  }
  latent.setAttribute("aria-label", t("autoencoder.latent_aria", {
    count: view.points.length, bottleneck: frame.state.bottleneck,
  }));
  $("latent-axes").textContent = view.axes === "code"
    ? t("autoencoder.axes_code") : t("autoencoder.axes_pca", { n: frame.state.bottleneck });
}

function marker(ctx, map, [x, y], color, glyph) {
  ctx.save();
  ctx.fillStyle = cssVar(color);
  ctx.font = `700 ${cssVar("--plane-marker-size")} ${cssVar("--font")}`;
  ctx.fillText(glyph, map.px(x), map.py(y));
  ctx.restore();
}

function drawProbe() {
  const canvas = $("probe");
  const text = $("probe-text");
  if (!frame.probe) {
    G.drawPixels(canvas, new Array(frame.side * frame.side).fill(0), frame.side);
    text.textContent = t("autoencoder.decoded_hint");
    return;
  }
  const p = frame.probe;
  G.drawPixels(canvas, p.image, frame.side);
  text.textContent = t("autoencoder.decoded_text", {
    x: fmt(p.x), y: fmt(p.y), code: p.code.map(fmt).join(", "),
  });
  canvas.setAttribute("aria-label", text.textContent);
}

function drawDrawing() {
  if (padSide !== frame.side) buildPad(frame.side);
  const box = $("draw-result");
  box.hidden = !frame.drawing;
  if (!frame.drawing) return;
  const d = frame.drawing;
  G.drawPixels($("draw-recon"), d.reconstruction, frame.side);
  $("draw-text").textContent = t("autoencoder.draw_text", {
    error: fmt(d.error), x: fmt(d.point[0]), y: fmt(d.point[1]),
  });
}

// --- the latent plane: click or keys to decode -----------------------------------------

function decodeAt(x, y) {
  session.send({ type: "decode", x, y });
}

latent.addEventListener("click", (event) => {
  if (!frame) return;
  const [px, py] = G.localPoint(latent, event);
  const map = G.planeMap(latent.clientWidth, latent.clientHeight, frame.latent.extent);
  const [x, y] = map.world(px, py);
  cursor = [x, y];
  decodeAt(x, y);
});
latent.addEventListener("keydown", (event) => {
  if (!frame) return;
  const [x0, x1, y0, y1] = frame.latent.extent;
  if (!cursor) cursor = frame.probe ? [frame.probe.x, frame.probe.y] : [(x0 + x1) / 2, (y0 + y1) / 2];
  const moves = {
    ArrowLeft: [-(x1 - x0) / 20, 0], ArrowRight: [(x1 - x0) / 20, 0],
    ArrowUp: [0, (y1 - y0) / 20], ArrowDown: [0, -(y1 - y0) / 20],
  };
  if (moves[event.key]) {
    event.preventDefault();
    cursor = [cursor[0] + moves[event.key][0], cursor[1] + moves[event.key][1]];
    decodeAt(cursor[0], cursor[1]);
  } else if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    decodeAt(cursor[0], cursor[1]);
  }
});
latent.addEventListener("focus", () => frame && drawLatent());
latent.addEventListener("blur", () => frame && drawLatent());

// --- the drawing pad ----------------------------------------------------------------------

let painting = null; // value being painted while the pointer is down
let sendQueued = false;
function sendDrawing() {
  if (sendQueued) return;
  sendQueued = true;
  requestAnimationFrame(() => {
    sendQueued = false;
    session.send({ type: "set_drawing", pixels: drawing });
  });
}

function paint(cell, value) {
  const i = Number(cell.dataset.i);
  if (drawing[i] === value) return;
  drawing[i] = value;
  cell.setAttribute("aria-pressed", String(value === 1));
  sendDrawing();
}

function buildPad(side) {
  padSide = side;
  drawing = new Array(side * side).fill(0);
  pad.replaceChildren();
  pad.style.setProperty("--side", side);
  for (let i = 0; i < side * side; i++) {
    const cell = document.createElement("button");
    cell.type = "button";
    cell.className = "draw-cell";
    cell.dataset.i = i;
    cell.dataset.testid = `draw-${i}`;
    cell.setAttribute("aria-pressed", "false");
    cell.setAttribute("aria-label", t("autoencoder.draw_cell", {
      row: Math.floor(i / side) + 1, column: (i % side) + 1,
    }));
    cell.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      painting = drawing[i] === 1 ? 0 : 1;
      paint(cell, painting);
    });
    cell.addEventListener("pointerenter", () => { if (painting !== null) paint(cell, painting); });
    cell.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        paint(cell, drawing[i] === 1 ? 0 : 1);
      }
    });
    pad.appendChild(cell);
  }
}
window.addEventListener("pointerup", () => { painting = null; });
$("draw-clear").addEventListener("click", () => {
  buildPad(padSide);
  session.send({ type: "set_drawing", pixels: null });
});

// --- settings -------------------------------------------------------------------------------

$("dataset").addEventListener("change", (e) =>
  session.send({ type: "set_dataset", name: e.target.value }));
function sendArchitecture() {
  const hidden = G.parseWidths($("hidden").value);
  if (hidden === null) return;
  session.send({
    type: "set_architecture", hidden, bottleneck: Number($("bottleneck").value),
  });
}
$("bottleneck").addEventListener("input", () => {
  $("bottleneck-value").textContent = $("bottleneck").value;
});
$("bottleneck").addEventListener("change", sendArchitecture);
$("hidden").addEventListener("change", sendArchitecture);
$("activation").addEventListener("change", (e) =>
  session.send({ type: "set_activation", activation: e.target.value }));
$("noise").addEventListener("change", (e) =>
  session.send({ type: "set_noise", level: Number(e.target.value) }));
$("seed").addEventListener("change", () => {
  const seed = G.numberFrom($("seed"));
  if (seed !== null) session.send({ type: "set_seed", seed });
});
