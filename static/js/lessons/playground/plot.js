// The big plot: the decision surface (or the map of the neuron pointed at) with the points,
// and adding points to it: click, or move the cursor with the arrow keys and press Enter.
import { $ } from "../../core/dom.js";
import { fmt } from "../../core/format.js";
import * as heatmap from "../../core/heatmap.js";
import { t } from "../../core/i18n.js";
import { toast } from "../../core/session.js";
import { css, paintNeuronMap, paintOutputMap, shapePathCanvas, signedScale } from "./paint.js";

// `state`: the page's shared state (config, data, frame, maps, colours, view, hovered,
// cursor, chosenLabel); `neuronName(layer, j)` names the neuron shown.
export function plotView(plot, state, { send, neuronName }) {
  const surface = document.createElement("canvas"); // the map at its own resolution

  function plotArea() {
    const f = state.colours.axisFont; // room for the axis labels
    const m = { left: Math.round(2.7 * f), bottom: Math.round(2 * f), top: 6, right: 6 };
    return { x: m.left, y: m.top, w: plot.width - m.left - m.right, h: plot.height - m.top - m.bottom };
  }
  function toPixel(x1, x2) {
    const a = plotArea(), e = state.data.extent;
    return [a.x + ((x1 + e) / (2 * e)) * a.w, a.y + ((e - x2) / (2 * e)) * a.h];
  }
  function toData(px, py) {
    const a = plotArea(), e = state.data.extent;
    return [((px - a.x) / a.w) * 2 * e - e, e - ((py - a.y) / a.h) * 2 * e];
  }

  // Whether the latest network has that neuron (or feature): a pointer may outlive a change.
  function shown(layer, j) {
    const { maps } = state;
    if (layer < 0) return j < maps.input.length;
    return layer < maps.neurons.length && j < maps.neurons[layer].length;
  }

  function redraw() {
    const { frame, data, hovered, maps, view } = state;
    if (!frame || !data) return;
    const ctx = plot.getContext("2d");
    ctx.clearRect(0, 0, plot.width, plot.height);
    const inspected = hovered && shown(hovered.layer, hovered.j)
      ? { ...hovered, map: maps.inspect(hovered.layer, hovered.j) } : null;
    if (inspected) {
      if (inspected.layer === frame.layers.length - 1) paintNeuronMap(state, surface, inspected.layer, inspected.j, inspected.map);
      else heatmap.paintDiverging(surface, inspected.map, signedScale(state.colours, view.discretize));
      $("plot-caption").textContent = t("playground.showing_neuron", { name: neuronName(inspected.layer, inspected.j) });
    } else {
      paintOutputMap(state, surface, maps.output, view.discretize);
      $("plot-caption").textContent = t(`playground.showing_${maps.output.kind}`);
    }
    const a = plotArea();
    ctx.imageSmoothingEnabled = !view.discretize;
    ctx.drawImage(surface, a.x, a.y, a.w, a.h);
    drawAxes(ctx, a);
    drawPoints(ctx, data.train, false);
    if (view.showTest) drawPoints(ctx, data.test, true);
    if (state.cursor && document.activeElement === plot) drawCursor(ctx);
    plot.dataset.step = String(frame.step);
    plot.dataset.showTest = String(view.showTest);
  }

  function drawAxes(ctx, a) {
    const { colours } = state, e = state.data.extent;
    ctx.fillStyle = css(colours.fg);
    ctx.strokeStyle = css(colours.fg);
    ctx.font = `${colours.axisFont}px system-ui, sans-serif`;
    ctx.lineWidth = 1;
    ctx.strokeRect(a.x + 0.5, a.y + 0.5, a.w - 1, a.h - 1);
    for (const v of [-e, -e / 2, 0, e / 2, e]) {
      const [px] = toPixel(v, 0), [, py] = toPixel(0, v);
      ctx.textAlign = "center";
      const f = colours.axisFont;
      ctx.fillText(fmt(v), Math.min(Math.max(px, a.x + 8), a.x + a.w - 8), a.y + a.h + 1.3 * f);
      ctx.textAlign = "right";
      ctx.fillText(fmt(v), a.x - 4, Math.min(Math.max(py + 0.35 * f, a.y + f), a.y + a.h));
    }
  }

  function pointColour(label) {
    const { colours } = state;
    if (state.config.problem !== "regression") return colours.classes[label] || colours.fg;
    const v = Math.max(-1, Math.min(1, label / state.data.value_scale));
    return heatmap.mix(colours.background, v < 0 ? colours.neg : colours.pos, Math.abs(v));
  }

  // Test points are hollow; the learner's own (the last `data.added` training points) larger.
  function drawPoints(ctx, set, isTest) {
    const { colours } = state;
    const regression = state.config.problem === "regression";
    const firstAdded = isTest ? Infinity : set.x1.length - state.data.added;
    for (let k = 0; k < set.x1.length; k++) {
      const [px, py] = toPixel(set.x1[k], set.x2[k]);
      const label = set.label[k];
      const added = k >= firstAdded;
      ctx.beginPath();
      shapePathCanvas(ctx, regression ? 0 : label, px, py, added ? 5.5 : 3.6);
      ctx.fillStyle = isTest ? css(colours.background) : css(pointColour(label));
      ctx.fill();
      ctx.lineWidth = isTest || added ? 2 : 1;
      ctx.strokeStyle = isTest ? css(pointColour(label)) : css(colours.stroke);
      ctx.stroke();
    }
  }

  function drawCursor(ctx) {
    const [px, py] = toPixel(state.cursor[0], state.cursor[1]);
    ctx.strokeStyle = css(state.colours.focus);
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(px, py, 8, 0, 2 * Math.PI);
    ctx.moveTo(px - 12, py); ctx.lineTo(px + 12, py);
    ctx.moveTo(px, py - 12); ctx.lineTo(px, py + 12);
    ctx.stroke();
  }

  // --- adding points ------------------------------------------------------------------------

  function addPointAt(x1, x2) {
    const label = state.config.problem === "regression" ? $("add-value").valueAsNumber : state.chosenLabel;
    if (!Number.isFinite(label)) { toast(t("error.not_a_number")); return; }
    send({ type: "add_point", x1: +x1.toFixed(3), x2: +x2.toFixed(3), label });
  }
  plot.addEventListener("click", (e) => {
    const { data } = state;
    if (!data) return;
    const rect = plot.getBoundingClientRect();
    const px = ((e.clientX - rect.left) / rect.width) * plot.width;
    const py = ((e.clientY - rect.top) / rect.height) * plot.height;
    const [x1, x2] = toData(px, py);
    if (Math.abs(x1) > data.extent || Math.abs(x2) > data.extent) return; // on the axes
    state.cursor = [x1, x2]; // the keyboard carries on from here
    addPointAt(x1, x2);
  });
  plot.addEventListener("focus", () => { state.cursor = state.cursor || [0, 0]; redraw(); });
  plot.addEventListener("blur", () => redraw());
  plot.addEventListener("keydown", (e) => {
    const { data, cursor } = state;
    if (!data) return;
    const step = data.extent / 24;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key]) {
      e.preventDefault();
      const clamp = (v) => Math.max(-data.extent, Math.min(data.extent, v));
      state.cursor = [clamp(cursor[0] + moves[e.key][0]), clamp(cursor[1] + moves[e.key][1])];
      redraw();
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      addPointAt(cursor[0], cursor[1]);
    }
  });

  return { redraw };
}
