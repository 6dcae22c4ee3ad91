// B.8.2 GAN: the plane (D's heatmap, real and generated points, G's manifold and gradient
// arrows) or a grid of generated images, with every control of one iteration.
import { $, cssVar, setIfIdle } from "../core/dom.js";
import { fmt } from "../core/format.js";
import { t } from "../core/i18n.js";
import { toast } from "../core/session.js";
import * as G from "./shared/generative.js";

const plane = $("plane");
const maxPoints = Number(plane.dataset.maxPoints);
let frame = null;
let drawMode = false;
let drawn = []; // points drawn since the drawing was started, in plane coordinates
let stroke = false;
let cursor = [0, 0];
const visible = { heatmap: true, manifold: true, real: true, fake: true, arrows: true };

const { session, syncPreset } = await G.openLab("gan", render);
const lossChart = G.curveChart($("loss-chart"), [
  { key: "d_loss", label: "gan.d_loss", color: "--gan-d" },
  { key: "g_loss", label: "gan.g_loss", color: "--gan-g", dash: "dot" },
], t("gan.loss_axis"), t("gan.axis_iteration"));
const verdictChart = G.curveChart($("verdict-chart"), [
  { key: "d_real", label: "gan.d_real", color: "--gan-real" },
  { key: "d_fake", label: "gan.d_fake", color: "--gan-fake", dash: "dot" },
], t("gan.verdict_axis"), t("gan.axis_iteration"), { yRange: [0, 1.05] });
const syncG = G.optimizerControls("g", (optimizer) =>
  session.send({ type: "set_optimizer", network: "generator", optimizer }));
const syncD = G.optimizerControls("d", (optimizer) =>
  session.send({ type: "set_optimizer", network: "discriminator", optimizer }));

// --- rendering --------------------------------------------------------------------------

function render(msg) {
  frame = msg;
  syncControls();
  syncPreset(msg);
  $("plane-view").hidden = msg.kind !== "plane";
  $("image-view").hidden = msg.kind !== "images";
  if (msg.kind === "plane") drawPlane();
  else drawImages();
  drawReadings();
  lossChart(msg.history);
  verdictChart(msg.history);
}

function syncControls() {
  const s = frame.state;
  setIfIdle($("data"), s.data);
  setIfIdle($("noise-kind"), s.noise_kind);
  setIfIdle($("noise-dim"), String(s.noise_dim));
  setIfIdle($("d-steps"), s.d_steps);
  setIfIdle($("g-steps"), s.g_steps);
  setIfIdle($("g-hidden"), s.g_hidden.join(", "));
  setIfIdle($("d-hidden"), s.d_hidden.join(", "));
  setIfIdle($("seed"), s.seed);
  $("slow-motion").checked = s.slow_motion;
  $("draw-controls").hidden = frame.kind !== "plane";
  syncG(s.g_optimizer);
  syncD(s.d_optimizer);
  const r = frame.readings;
  $("counter").textContent = t("gan.counter", {
    n: frame.iteration, d: r.d_updates, g: r.g_updates,
  });
}

function drawPlane() {
  const { ctx, width, height } = G.fitCanvas(plane);
  const view = frame.plane;
  const E = view.extent;
  const map = G.planeMap(width, height, [-E, E, -E, E]);
  ctx.fillStyle = cssVar("--panel");
  ctx.fillRect(0, 0, width, height);
  if (visible.heatmap) drawHeatmap(ctx, view.heatmap, width, height);
  if (visible.manifold) drawManifold(ctx, map, view);
  if (view.drawn) dots(ctx, map, view.drawn, "--muted", 1.5);
  if (visible.real) dots(ctx, map, view.real, "--gan-real", 3);
  if (visible.fake) crosses(ctx, map, view.fake, "--gan-fake", 3.5);
  if (visible.arrows) drawArrows(ctx, map, view.fake, view.arrows);
  if (view.batch_real) rings(ctx, map, view.batch_real, "--gan-real");
  if (view.batch_fake) rings(ctx, map, view.batch_fake, "--gan-fake");
  if (drawMode) {
    dots(ctx, map, drawn, "--accent", 2.5);
    if (document.activeElement === plane) rings(ctx, map, [cursor], "--focus");
  }
  const r = frame.readings;
  plane.setAttribute("aria-label", t("gan.plane_aria", {
    data: t(`gan.data_${frame.state.data}`), real: fmt(r.d_real), fake: fmt(r.d_fake),
  }));
}

// D(x) per cell: towards the real colour where D says "real", the fake colour where "fake".
function drawHeatmap(ctx, heat, width, height) {
  const cells = heat.length;
  const cw = width / cells, ch = height / cells;
  const real = cssVar("--gan-real"), fake = cssVar("--gan-fake");
  const strength = Number(cssVar("--gan-heat-alpha"));
  heat.forEach((row, i) => row.forEach((p, j) => {
    ctx.globalAlpha = Math.abs(p - 0.5) * 2 * strength;
    ctx.fillStyle = p >= 0.5 ? real : fake;
    ctx.fillRect(j * cw, height - (i + 1) * ch, cw + 0.5, ch + 0.5);
  }));
  ctx.globalAlpha = 1;
}

function polyline(ctx, map, points) {
  ctx.beginPath();
  points.forEach(([x, y], k) => {
    if (k === 0) ctx.moveTo(map.px(x), map.py(y));
    else ctx.lineTo(map.px(x), map.py(y));
  });
  ctx.stroke();
}

function drawManifold(ctx, map, view) {
  const n = view.manifold_ticks;
  if (!n) return;
  ctx.strokeStyle = cssVar("--gan-manifold");
  ctx.lineWidth = 1;
  const pts = view.manifold;
  if (pts.length === n) {
    polyline(ctx, map, pts);
    return;
  }
  for (let r = 0; r < n; r++) polyline(ctx, map, pts.slice(r * n, (r + 1) * n));
  for (let c = 0; c < n; c++) polyline(ctx, map, pts.filter((_, k) => k % n === c));
}

function dots(ctx, map, points, color, radius) {
  ctx.fillStyle = cssVar(color);
  for (const [x, y] of points) {
    ctx.beginPath();
    ctx.arc(map.px(x), map.py(y), radius, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function crosses(ctx, map, points, color, size) {
  ctx.strokeStyle = cssVar(color);
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (const [x, y] of points) {
    const px = map.px(x), py = map.py(y);
    ctx.moveTo(px - size, py - size); ctx.lineTo(px + size, py + size);
    ctx.moveTo(px - size, py + size); ctx.lineTo(px + size, py - size);
  }
  ctx.stroke();
}

function rings(ctx, map, points, color) {
  ctx.strokeStyle = cssVar(color);
  ctx.lineWidth = 1.5;
  for (const [x, y] of points) {
    ctx.beginPath();
    ctx.arc(map.px(x), map.py(y), 7, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

// Arrows scaled together: the longest is 28 px, so their relative lengths are kept.
function drawArrows(ctx, map, points, arrows) {
  const longest = Math.max(1e-12, ...arrows.map(([dx, dy]) => Math.hypot(dx, dy)));
  const scale = 28 / longest;
  ctx.strokeStyle = cssVar("--gan-arrow");
  ctx.lineWidth = 1;
  ctx.beginPath();
  points.forEach(([x, y], k) => {
    const [dx, dy] = arrows[k];
    const x0 = map.px(x), y0 = map.py(y);
    const x1 = x0 + dx * scale, y1 = y0 - dy * scale;
    ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
    const angle = Math.atan2(y1 - y0, x1 - x0);
    for (const side of [-0.5, 0.5]) {
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - 4 * Math.cos(angle + side), y1 - 4 * Math.sin(angle + side));
    }
  });
  ctx.stroke();
}

function drawImages() {
  const view = frame.images;
  const samples = G.imageRow($("samples"), view.samples.length, "sample");
  samples.forEach(({ canvas, caption }, i) => {
    G.drawPixels(canvas, view.samples[i], view.side);
    caption.textContent = t("gan.sample_caption", {
      score: fmt(view.scores[i]), like: view.glyphs[view.nearest[i]],
    });
    canvas.setAttribute("aria-label", t("gan.sample_aria", {
      n: i + 1, score: fmt(view.scores[i]), like: view.glyphs[view.nearest[i]],
    }));
  });
  const real = G.imageRow($("real-examples"), view.real.length, "real");
  real.forEach(({ canvas, caption }, i) => {
    G.drawPixels(canvas, view.real[i], view.side);
    caption.textContent = t("gan.real_caption", { score: fmt(view.real_scores[i]) });
    canvas.setAttribute("aria-label", t("gan.real_aria", {
      n: i + 1, score: fmt(view.real_scores[i]),
    }));
  });
}

function drawReadings() {
  const r = frame.readings;
  $("r-d-real").textContent = fmt(r.d_real);
  $("r-d-fake").textContent = fmt(r.d_fake);
  $("r-d-loss").textContent = fmt(r.d_loss);
  $("r-g-loss").textContent = fmt(r.g_loss);
  const eq = frame.equilibrium;
  $("equilibrium").textContent = eq.d_real === null ? t("gan.equilibrium_none")
    : t("gan.equilibrium", {
      real: fmt(eq.d_real), fake: fmt(eq.d_fake), tolerance: fmt(eq.tolerance),
      streak: eq.streak, patience: eq.patience, warmup: eq.warmup,
    });
  const stopped = $("stopped");
  stopped.hidden = eq.stopped_at === null || eq.stopped_at !== frame.iteration;
  stopped.textContent = stopped.hidden ? "" : t("gan.stopped", {
    n: eq.stopped_at, patience: eq.patience,
  });
  const c = frame.collapse;
  const collapse = $("collapse");
  collapse.classList.toggle("note--alarm", c.collapsed);
  let text = c.collapsed
    ? t("gan.collapse_named", { diversity: fmt(c.diversity), threshold: fmt(c.threshold) })
    : t("gan.collapse_ok", { diversity: fmt(c.diversity) });
  if (c.classes !== null) {
    text += " " + t("gan.coverage", { covered: c.classes_covered, classes: c.classes });
  }
  collapse.textContent = text;
  drawPhases();
}

function drawPhases() {
  const box = $("phases");
  box.hidden = !frame.phase;
  if (!frame.phase) return;
  const { done, next } = frame.phase;
  for (const li of box.querySelectorAll("li")) {
    li.classList.toggle("phase--done", li.dataset.phase === done);
    li.classList.toggle("phase--next", li.dataset.phase === next);
    if (li.dataset.phase === done) li.setAttribute("aria-current", "step");
    else li.removeAttribute("aria-current");
  }
  const r = frame.readings;
  $("phase-text").textContent = done === null ? t("gan.explain_start")
    : t(`gan.explain_${done}`, {
      real: fmt(r.d_real), fake: fmt(r.d_fake), d_loss: fmt(r.d_loss), g_loss: fmt(r.g_loss),
    });
}

// --- the plane: hover for D(x), draw real data by hand -----------------------------------

function worldAt(event) {
  const E = frame.plane.extent;
  const map = G.planeMap(plane.clientWidth, plane.clientHeight, [-E, E, -E, E]);
  return map.world(...G.localPoint(plane, event));
}

function showHover([x, y]) {
  const view = frame.plane;
  const cells = view.heatmap.length, E = view.extent;
  const j = Math.floor(((x + E) / (2 * E)) * cells), i = Math.floor(((y + E) / (2 * E)) * cells);
  if (i < 0 || j < 0 || i >= cells || j >= cells) return;
  $("hover").textContent = t("gan.hover", { x: fmt(x), y: fmt(y), p: fmt(view.heatmap[i][j]) });
}

function addPoint(point) {
  const last = drawn[drawn.length - 1];
  if (drawn.length >= maxPoints) return;
  if (last && Math.hypot(point[0] - last[0], point[1] - last[1]) < 0.03) return;
  drawn.push(point);
}

function sendDrawing() {
  if (drawn.length) session.send({ type: "draw_points", points: drawn });
}

plane.addEventListener("pointermove", (event) => {
  if (!frame || frame.kind !== "plane") return;
  const point = worldAt(event);
  showHover(point);
  if (drawMode && stroke) {
    addPoint(point);
    drawPlane();
  }
});
plane.addEventListener("pointerdown", (event) => {
  if (!drawMode || !frame) return;
  stroke = true;
  plane.setPointerCapture(event.pointerId);
  addPoint(worldAt(event));
  drawPlane();
});
plane.addEventListener("pointerup", () => {
  if (!stroke) return;
  stroke = false;
  sendDrawing();
});
plane.addEventListener("keydown", (event) => {
  if (!frame || frame.kind !== "plane") return;
  const step = frame.plane.extent / 20;
  const moves = {
    ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step],
  };
  if (moves[event.key]) {
    event.preventDefault();
    cursor = [cursor[0] + moves[event.key][0], cursor[1] + moves[event.key][1]];
    showHover(cursor);
    if (drawMode) drawPlane();
  } else if (drawMode && (event.key === " " || event.key === "Enter")) {
    event.preventDefault();
    addPoint([...cursor]);
    sendDrawing();
  }
});

$("draw").addEventListener("click", () => {
  drawMode = !drawMode;
  $("draw").setAttribute("aria-pressed", String(drawMode));
  $("draw-hint").hidden = !drawMode;
  plane.classList.toggle("plane--drawing", drawMode);
  if (drawMode) drawn = [];
  if (frame && frame.kind === "plane") drawPlane();
});
$("draw-clear").addEventListener("click", () => {
  drawn = [];
  if (frame && frame.kind === "plane") drawPlane();
});

// --- controls ---------------------------------------------------------------------------------

for (const box of document.querySelectorAll("[data-layer]")) {
  box.addEventListener("change", () => {
    visible[box.dataset.layer] = box.checked;
    if (frame && frame.kind === "plane") drawPlane();
  });
}
$("step-d").addEventListener("click", () => session.send({ type: "step_discriminator" }));
$("step-g").addEventListener("click", () => session.send({ type: "step_generator" }));
$("slow-motion").addEventListener("change", (e) =>
  session.send({ type: "set_slow_motion", on: e.target.checked }));
$("data").addEventListener("change", (e) => {
  if (e.target.value === "drawn" && !frame.plane?.drawn) {
    if (!drawMode) $("draw").click();
    toast(t("gan.draw_first"));
    e.target.value = frame.state.data;
    return;
  }
  session.send({ type: "set_data", name: e.target.value });
});
const sendNoise = () => session.send({
  type: "set_noise", kind: $("noise-kind").value, dim: Number($("noise-dim").value),
});
$("noise-kind").addEventListener("change", sendNoise);
$("noise-dim").addEventListener("change", sendNoise);
const sendSchedule = () => {
  const d = G.numberFrom($("d-steps")), g = G.numberFrom($("g-steps"));
  if (d !== null && g !== null) session.send({ type: "set_schedule", d_steps: d, g_steps: g });
};
$("d-steps").addEventListener("change", sendSchedule);
$("g-steps").addEventListener("change", sendSchedule);
const sendNetworks = () => {
  const g = G.parseWidths($("g-hidden").value), d = G.parseWidths($("d-hidden").value);
  if (g !== null && d !== null) session.send({ type: "set_networks", g_hidden: g, d_hidden: d });
};
$("g-hidden").addEventListener("change", sendNetworks);
$("d-hidden").addEventListener("change", sendNetworks);
$("seed").addEventListener("change", () => {
  const seed = G.numberFrom($("seed"));
  if (seed !== null) session.send({ type: "set_seed", seed });
});
