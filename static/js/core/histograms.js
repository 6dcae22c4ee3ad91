// A grid of histograms on one canvas: a row per run, a column per layer (the batch-norm
// page's small multiples). Plotly drew the sixteen of them as one figure of sixteen subplots,
// and each redraw was one 150-300 ms task on a busy laptop, a few a second while training;
// on a canvas all of them take a millisecond or two, so they follow every frame.
// The look is Plotly's: a title over each column, each row's name over it in its colour,
// x ticks and grid lines, hatched bars for a row that asks (not colour alone), the chosen
// column's bars outlined. Hovering a bar tells its bin and count; a click picks the column.
import { fmt } from "./format.js";

const PAD = { l: 10, r: 10 }; // beside the grid, as Plotly's margins were
const XGAP = 0.12; // share of a column between two plots
const MIN_PLOT = 122; // px: a plot's height at the laptop's 13 px type (Plotly's 360 px figure)

// Ticks at the finest round step (1, 2, 2.5 or 5 × 10ⁿ) that puts at most `most` in [lo, hi].
function ticks(lo, hi, most) {
  if (!(hi > lo) || most < 1) return [];
  const power = 10 ** Math.floor(Math.log10((hi - lo) / most));
  const within = (step) => {
    const out = [];
    for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k * step || 0);
    return out;
  };
  for (const m of [1, 2, 2.5, 5, 10, 20, 25, 50]) {
    const out = within(m * power);
    if (out.length <= most) return out;
  }
  return [];
}

// Up to three ticks (Plotly's nticks: 3) whose labels do not touch under a plot `w` wide;
// when three do not fit, the outer two of them (−2 and 2 rather than a lone 0: a narrow
// plot in projector type still tells its range).
function fitting(ctx, lo, hi, w, fs) {
  const fit = (out) => {
    const widest = Math.max(0, ...out.map((v) => ctx.measureText(fmt(v)).width));
    const apart = out.length > 1 ? ((out[1] - out[0]) / (hi - lo)) * w : w;
    return apart >= widest + fs * 0.4;
  };
  for (let most = 3; most > 1; most--) {
    const out = ticks(lo, hi, most);
    if (fit(out)) return out;
    if (out.length === 3 && fit([out[0], out[2]])) return [out[0], out[2]];
  }
  return ticks(lo, hi, 1);
}

// The pattern of a hatched bar: "/" lines in `colour`, about a quarter of the area.
function hatch(ctx, colour, ratio) {
  const size = Math.round(6 * ratio);
  const tile = document.createElement("canvas");
  tile.width = tile.height = size;
  const c = tile.getContext("2d");
  c.strokeStyle = colour;
  c.lineWidth = 1.1 * ratio;
  c.beginPath();
  for (const shift of [-size, 0, size]) { // the corners, so that tiles join
    c.moveTo(shift, size);
    c.lineTo(shift + size, 0);
  }
  c.stroke();
  const pattern = ctx.createPattern(tile, "repeat");
  pattern.setTransform(new DOMMatrix().scale(1 / ratio));
  return pattern;
}

// `container` gets the canvas and a hover tip; `onPick(column)` on a click on a plot.
// Returns draw(figure) with figure = { rows: [{ name, colour, text, hatched }],
// columns: [{ title, edges }], counts[row][column] (one per bin), selected (a column),
// theme: { fg, panel, muted, grid, size, line }, tip(row, column, from, to, count) }.
export function histogramGrid(container, onPick) {
  const canvas = document.createElement("canvas");
  canvas.className = "histogram-grid";
  canvas.setAttribute("aria-hidden", "true"); // the container names it; a table gives the numbers
  const tip = document.createElement("div");
  tip.className = "chart-tip";
  tip.hidden = true;
  container.replaceChildren(canvas, tip);
  let width = container.clientWidth;
  let figure = null;
  let plots = []; // [{ row, column, x, y, w, h }] in CSS px, for hover and clicks
  // The width comes from a ResizeObserver, never read while drawing: a frame's drawing
  // after its DOM writes must not force a layout.
  new ResizeObserver(([entry]) => {
    const next = Math.round(entry.contentRect.width);
    if (next !== width && next > 0) {
      width = next;
      if (figure) draw(figure);
    }
  }).observe(container);

  function layoutOf(fig) {
    const fs = fig.theme.size;
    const line = Math.round(fs * 1.5);
    const plotH = Math.max(MIN_PLOT, Math.round(4.5 * fs));
    const cw = (width - PAD.l - PAD.r) / fig.columns.length;
    const pw = cw * (1 - XGAP);
    const out = [];
    let y = line; // the first row's name
    fig.rows.forEach((_, r) => {
      y += line; // the columns' titles over the first row, the row's name over the others
      fig.columns.forEach((_, k) => out.push({ row: r, column: k, x: PAD.l + k * cw + (cw - pw) / 2, y, w: pw, h: plotH }));
      y += plotH + line + Math.round(fs * 0.6); // the ticks, and a gap
    });
    return { plots: out, height: y, line, fs };
  }

  function draw(fig) {
    figure = fig;
    const th = fig.theme;
    const { plots: boxes, height, line, fs } = layoutOf(fig);
    plots = boxes;
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(1, width);
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, height);
    ctx.font = `${fs}px ${th.family || "sans-serif"}`;
    ctx.textBaseline = "alphabetic";
    const hatches = {};
    const tickLabels = []; // per plot, the labels under it (data-ticks: what the picture reads)
    for (const p of boxes) {
      const row = fig.rows[p.row];
      const edges = fig.columns[p.column].edges;
      const counts = fig.counts[p.row][p.column];
      const lo = edges[0], hi = edges.at(-1);
      const top = Math.max(1, ...counts) * 1.05;
      const xAt = (v) => p.x + ((v - lo) / (hi - lo || 1)) * p.w;
      const yAt = (c) => p.y + p.h - (c / top) * p.h;
      // Grid: x at the ticks (as many as fit under the plot), y at a round step.
      const xTicks = fitting(ctx, lo, hi, p.w, fs);
      ctx.strokeStyle = th.grid;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (const v of xTicks) { ctx.moveTo(Math.round(xAt(v)) + 0.5, p.y); ctx.lineTo(Math.round(xAt(v)) + 0.5, p.y + p.h); }
      for (const c of ticks(0, top, 4)) { ctx.moveTo(p.x, Math.round(yAt(c)) + 0.5); ctx.lineTo(p.x + p.w, Math.round(yAt(c)) + 0.5); }
      ctx.stroke();
      // Bars: one per bin, edge to edge.
      const chosen = p.column === fig.selected;
      ctx.globalAlpha = chosen ? 1 : 0.75;
      ctx.fillStyle = row.colour;
      const bars = counts.map((c, i) => [xAt(edges[i]), yAt(c), xAt(edges[i + 1]) - xAt(edges[i]), yAt(0) - yAt(c)]);
      for (const b of bars) if (b[3] > 0) ctx.fillRect(...b);
      if (row.hatched) {
        hatches[th.panel] ||= hatch(ctx, th.panel, ratio);
        ctx.fillStyle = hatches[th.panel];
        for (const b of bars) if (b[3] > 0) ctx.fillRect(...b);
      }
      ctx.globalAlpha = 1;
      if (chosen) {
        ctx.strokeStyle = th.fg;
        ctx.lineWidth = th.line;
        for (const b of bars) if (b[3] > 0) ctx.strokeRect(...b);
      }
      // The zero line under the bars, the tick labels under the plot.
      ctx.strokeStyle = th.fg;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(p.x, Math.round(p.y + p.h) + 0.5);
      ctx.lineTo(p.x + p.w, Math.round(p.y + p.h) + 0.5);
      ctx.stroke();
      ctx.fillStyle = th.muted;
      ctx.textAlign = "center";
      for (const v of xTicks) ctx.fillText(fmt(v), xAt(v), p.y + p.h + fs * 1.2);
      tickLabels.push(xTicks.map(fmt).join(" "));
      // Titles: the column's over the first row, the row's name over its first plot.
      if (p.row === 0) {
        ctx.fillStyle = th.fg;
        ctx.fillText(fig.columns[p.column].title, p.x + p.w / 2, p.y - fs * 0.45);
      }
      if (p.column === 0) {
        ctx.fillStyle = row.text || row.colour;
        ctx.textAlign = "left";
        ctx.font = `bold ${fs}px ${th.family || "sans-serif"}`;
        ctx.fillText(row.name, PAD.l, p.y - (p.row === 0 ? line : 0) - fs * 0.45);
        ctx.font = `${fs}px ${th.family || "sans-serif"}`;
      }
    }
    canvas.dataset.histograms = String(boxes.length);
    canvas.dataset.ticks = tickLabels.join("|");
  }

  // The plot and bin under a point of the canvas (CSS px), or null.
  function hit(event) {
    const box = canvas.getBoundingClientRect();
    const x = event.clientX - box.left, y = event.clientY - box.top;
    const p = plots.find((q) => x >= q.x && x <= q.x + q.w && y >= q.y - 4 && y <= q.y + q.h);
    if (!p || !figure) return null;
    const edges = figure.columns[p.column].edges;
    const bins = edges.length - 1;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(((x - p.x) / p.w) * bins)));
    return { ...p, bin, x, y, from: edges[bin], to: edges[bin + 1],
      count: figure.counts[p.row][p.column][bin] };
  }
  canvas.addEventListener("mousemove", (event) => {
    const h = hit(event);
    canvas.style.cursor = h ? "pointer" : "";
    tip.hidden = !h;
    if (!h) return;
    tip.textContent = figure.tip(h.row, h.column, h.from, h.to, h.count);
    tip.style.left = `${Math.min(h.x + 12, width - tip.offsetWidth - 4)}px`;
    tip.style.top = `${h.y + 12}px`;
  });
  canvas.addEventListener("mouseleave", () => { tip.hidden = true; });
  canvas.addEventListener("click", (event) => {
    const h = hit(event);
    if (h) onPick(h.column);
  });
  return draw;
}
