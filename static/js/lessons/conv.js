// B.6 "Convolutional networks": a 5×5 drawing grid, the kernel sliding over it, ReLU,
// max and average pooling, flatten and a dense head. Every number shown comes from the
// engine's frame; this script only lays them out, formats them and sends the learner's edits.
import { $, cssVar } from "../core/dom.js";
import { factor, fmt, percent } from "../core/format.js";
import { t } from "../core/i18n.js";
import { withPlotly } from "../core/plotly.js";
import { connect, errorText, toast } from "../core/session.js";
import { chartFont, chartMargin } from "../core/theme.js";
import { MatrixView, PaintQueue, makePaintable } from "./shared/matrix.js";

const CHANNELS = ["red", "green", "blue"];
const PLAY_MS = 800;

let frame = null;
let shapeKey = "";
let cursor = 0; // the sliding window: index of the output cell, row by row
let poolCursor = 0; // the pooled cell whose window is shown, in both pooling views
// The windows are part of the lab's state (a figure or a shared link sets them). The
// learner's own moves show at once; frames still on their way with an older window must
// not pull the cursor back, so the frame's window is taken once it is the one asked for.
let wantedCursor = null, wantedPool = null;
let player = null;
let rows = []; // per channel: {input, kernel, map} views
let sumMap = null, activatedView = null;
const poolViews = {};

// ?preset=NAME and shared states are applied by share.js for every lab page.
const session = connect("conv", {
  frame(msg) { render(msg); },
  error(msg) { showProblem(msg); },
});

const channelName = (c) => frame.channels === 1 ? t("conv.channel.gray") : t(`conv.channel.${CHANNELS[c]}`);
const brush = () => +document.querySelector('input[name="brush"]:checked').value;

// --- painting: pointer (mouse, pen, touch) and keyboard, one message per animation frame --

const paints = new PaintQueue((cells, value, channel) =>
  session.send({ type: "paint", cells, value, channel }));

// The grid shows the padding too: only cells of the image itself are painted.
function queuePaint(channel, r, c, value) {
  const p = frame.padding;
  const row = r - p, col = c - p;
  if (row < 0 || col < 0 || row >= frame.image[0].length || col >= frame.image[0][0].length) return;
  paints.add(channel, row, col, value);
}

function onGridKey(channel) {
  return (e, r, c) => {
    let value = null;
    if (["0", "1", "2"].includes(e.key)) value = +e.key;
    else if (e.key === " " || e.key === "Enter") value = brush();
    else if (e.key === "Delete" || e.key === "Backspace") value = 0;
    if (value === null) return;
    e.preventDefault();
    queuePaint(channel, r, c, value);
  };
}

// --- building the stage when the shape changes (so focus survives value updates) -------

function build() {
  stopPlaying();
  const box = $("conv-rows");
  box.replaceChildren();
  rows = [];
  const padded = frame.conv.padded[0].length;
  const out = frame.conv.out;
  const k = frame.kernel_size;
  for (let ch = 0; ch < frame.channels; ch++) {
    const row = document.createElement("div");
    row.className = "conv-row";
    row.dataset.channel = frame.channels === 1 ? "gray" : CHANNELS[ch];
    const name = frame.channels === 1 ? t("conv.input") : t("conv.input_of", { channel: channelName(ch) });
    const input = new MatrixView(figure(row, name), {
      name, size: [padded, padded], testid: `grid-${ch}`, kind: "input",
      onKey: onGridKey(ch),
    });
    makePaintable(input, (r, c) => queuePaint(ch, r, c, brush()));
    operator(row, "⊛");
    const kernelBox = figure(row, frame.channels === 1 ? t("conv.kernel")
      : t("conv.kernel_of", { channel: channelName(ch) }));
    const kernel = buildKernel(kernelBox, ch, k);
    operator(row, "=");
    const mapName = frame.channels === 1 ? t("conv.feature_map")
      : t("conv.map_of", { channel: channelName(ch) });
    const map = new MatrixView(figure(row, mapName), {
      name: mapName, size: [out, out], testid: frame.channels === 1 ? "map" : `channel-map-${ch}`,
      kind: "map", onFocusCell: (i, j) => jumpTo(i * out + j),
    });
    box.appendChild(row);
    rows.push({ input, kernel, map, mapName });
  }
  const sumBox = $("sum-map");
  sumBox.replaceChildren();
  sumMap = null;
  $("sum-row").hidden = frame.channels === 1;
  if (frame.channels > 1) {
    sumMap = new MatrixView(sumBox, {
      name: t("conv.feature_map"), size: [out, out], testid: "map", kind: "map",
      onFocusCell: (i, j) => jumpTo(i * out + j),
    });
  }
  $("activated").replaceChildren();
  activatedView = new MatrixView($("activated"), {
    name: t("conv.activation"), size: [out, out], testid: "activated-map", kind: "map",
    onFocusCell: (i, j) => jumpTo(i * out + j),
  });
  buildPools();
  const scrub = $("scrub");
  scrub.max = out * out - 1;
  cursor = Math.min(cursor, out * out - 1);
}

function figure(parent, caption) {
  const fig = document.createElement("figure");
  fig.className = "conv-figure";
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  fig.appendChild(cap);
  parent.appendChild(fig);
  return fig;
}

function operator(parent, symbol) {
  const span = document.createElement("span");
  span.className = "operator";
  span.setAttribute("aria-hidden", "true");
  span.textContent = symbol;
  parent.appendChild(span);
}

function buildKernel(box, ch, k) {
  const select = document.createElement("select");
  select.dataset.testid = `kernel-preset-${ch}`;
  select.setAttribute("aria-label", `${t("conv.kernel_preset")} (${channelName(ch)})`);
  for (const name of ["diagonal", "anti_diagonal", "vertical_edge", "horizontal_edge", "blur", "custom"]) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = t(`conv.kpreset.${name}`);
    option.disabled = name === "custom";
    select.appendChild(option);
  }
  select.addEventListener("change", () =>
    session.send({ type: "load_kernel_preset", name: select.value, channel: ch }));
  const grid = document.createElement("div");
  grid.className = "kernel-grid";
  grid.style.setProperty("--cols", k);
  const inputs = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const input = document.createElement("input");
      input.type = "number";
      input.step = "0.1";
      input.className = "kernel-cell";
      input.dataset.testid = `kernel-${ch}-${i}-${j}`;
      input.setAttribute("aria-label", t("conv.kernel_cell_aria",
        { channel: channelName(ch), row: i + 1, col: j + 1 }));
      input.addEventListener("change", () => {
        const value = input.valueAsNumber;
        if (Number.isFinite(value)) session.send({ type: "set_kernel_cell", channel: ch, i, j, value });
        else toast(t("error.not_a_number"));
      });
      grid.appendChild(input);
      inputs.push(input);
    }
  }
  box.append(select, grid);
  return { select, inputs };
}

function buildPools() {
  const out = frame.conv.out;
  for (const pool of frame.pools) {
    const input = $(`pool-${pool.mode}-input`);
    const output = $(`pool-${pool.mode}-output`);
    input.replaceChildren();
    output.replaceChildren();
    const title = t(`conv.${pool.mode}_pool`);
    poolViews[pool.mode] = {
      input: new MatrixView(input, {
        name: t("conv.activation"), size: [out, out], testid: `pool-${pool.mode}-in`, kind: "map",
      }),
      output: new MatrixView(output, {
        name: `${title}: ${t("conv.pooled")}`, size: [pool.out.length, pool.out[0].length],
        testid: `pooled-${pool.mode}`, kind: "map",
        onFocusCell: (i, j) => movePool(i * pool.out[0].length + j),
      }),
    };
  }
}

// --- updating from a frame --------------------------------------------------------------

function movePool(index) {
  poolCursor = wantedPool = index;
  session.send({ type: "show_window", pool: index });
  showPools();
}

function render(msg) {
  frame = msg;
  hideProblems();
  if (wantedCursor === null || wantedCursor === msg.window) {
    [cursor, wantedCursor] = [msg.window, null];
  }
  if (wantedPool === null || wantedPool === msg.pool_window) {
    [poolCursor, wantedPool] = [msg.pool_window, null];
  }
  const key = JSON.stringify([msg.channels, msg.conv.padded[0].length, msg.kernel_size,
    msg.conv.out, msg.pools[0].out.length]);
  if (key !== shapeKey) {
    shapeKey = key;
    build();
  }
  const p = frame.padding, n = frame.image[0].length;
  rows.forEach((row, ch) => {
    const padded = frame.conv.padded[ch];
    row.input.set(padded, (r, c, v) => {
      const inside = r >= p && c >= p && r < p + n && c < p + n;
      return inside ? t("conv.cell_aria", { row: r - p + 1, col: c - p + 1, value: fmt(v) })
        : t("conv.pad_aria", { row: r + 1, col: c + 1 });
    });
    row.input.shade(padded, { levels: true });
    row.input.mark("cell--pad", (r, c) => r < p || c < p || r >= p + n || c >= p + n);
    row.input.root.dataset.channel = frame.channels === 1 ? "gray" : CHANNELS[ch];
    const map = frame.channels === 1 ? frame.conv.map : frame.conv.channel_maps[ch];
    row.map.set(map, mapLabel(row.mapName));
    row.map.shade(map);
    updateKernel(row.kernel, ch);
  });
  if (sumMap) {
    sumMap.set(frame.conv.map, mapLabel(t("conv.feature_map")));
    sumMap.shade(frame.conv.map);
  }
  activatedView.set(frame.activated, mapLabel(t("conv.activation")));
  activatedView.shade(frame.activated);
  $("activation-title").textContent = frame.relu ? t("conv.after_relu") : t("conv.without_relu");
  $("size-formula").textContent = t("conv.size_formula", {
    n: frame.conv.n, p: frame.padding, k: frame.conv.k, s: frame.stride, out: frame.conv.out,
  });
  showWindow();
  showPools();
  showFlatten();
  showHead();
  syncControls();
  showNotes();
}

function mapLabel(name) {
  return (r, c, v) => t("conv.map_cell_aria", { name, row: r + 1, col: c + 1, value: fmt(v) });
}

function updateKernel(kernel, ch) {
  const values = frame.kernels[ch].flat();
  kernel.inputs.forEach((input, idx) => {
    input.min = -frame.limits.max_kernel_value;
    input.max = frame.limits.max_kernel_value;
    if (document.activeElement !== input) input.value = +values[idx].toFixed(6);
  });
  kernel.select.value = frame.kernel_presets[ch] || "custom";
}

// --- the sliding window -----------------------------------------------------------------

function jumpTo(index) {
  stopPlaying();
  moveWindow(index);
}

function moveWindow(index) {
  const total = frame.conv.out ** 2;
  cursor = wantedCursor = Math.max(0, Math.min(total - 1, index));
  session.send({ type: "show_window", conv: cursor });
  showWindow();
}

function showWindow() {
  const out = frame.conv.out, total = out * out;
  cursor = Math.max(0, Math.min(total - 1, cursor));
  const i = Math.floor(cursor / out), j = cursor % out;
  const [r0, c0] = frame.conv.origins[i][j];
  const k = frame.kernel_size;
  const inWindow = (r, c) => r >= r0 && r < r0 + k && c >= c0 && c < c0 + k;
  rows.forEach((row, ch) => {
    row.input.mark("cell--window", inWindow);
    // Each pixel under the window shows the weight it is multiplied by.
    row.input.cells.forEach((cells, r) => cells.forEach((cell, c) => {
      if (inWindow(r, c)) cell.dataset.weight = `×${factor(frame.kernels[ch][r - r0][c - c0])}`;
      else delete cell.dataset.weight;
    }));
    row.map.mark("cell--current", (a, b) => a === i && b === j);
  });
  if (sumMap) sumMap.mark("cell--current", (a, b) => a === i && b === j);
  activatedView.mark("cell--current", (a, b) => a === i && b === j);
  $("scrub").value = cursor;
  $("position").textContent = t("conv.position", { n: cursor + 1, total });
  writeArithmetic(i, j);
}

function writeArithmetic(i, j) {
  const box = $("arithmetic");
  box.replaceChildren();
  box.setAttribute("aria-live", player === null ? "polite" : "off"); // no chatter while playing
  // A line of prose, or `words` then a written-out formula (translate="no": not prose).
  const line = (words, className = "formula-line", formula = null) => {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = words;
    if (formula !== null) p.appendChild(formulaSpan(formula));
    box.appendChild(p);
  };
  line(t("conv.window_title", { i: i + 1, j: j + 1 }), "formula-title");
  const windows = frame.conv.windows[i][j], products = frame.conv.products[i][j];
  for (let ch = 0; ch < frame.channels; ch++) {
    const x = windows[ch].flat(), w = frame.kernels[ch].flat(), prod = products[ch].flat();
    const pairs = x.map((v, idx) => `${factor(v)}×${factor(w[idx])}`).join(" + ");
    const terms = prod.map(factor).join(" + ");
    const share = frame.channels === 1 ? frame.conv.map[i][j] : frame.conv.channel_maps[ch][i][j];
    const prefix = frame.channels === 1 ? "" : `${t(`conv.channel.${CHANNELS[ch]}`)}: `;
    line(prefix, "formula-line", `${pairs} = ${terms} = ${fmt(share)}`);
  }
  if (frame.channels > 1) {
    const terms = frame.conv.channel_maps.map((m) => factor(m[i][j])).join(" + ");
    line(t("conv.channel_sum", { terms, total: fmt(frame.conv.map[i][j]) }));
  }
  if (frame.relu) {
    const z = fmt(frame.conv.map[i][j]), a = fmt(frame.activated[i][j]);
    line("", "formula-line", t("conv.relu_line", { z, a }));
  }
}

function formulaSpan(text) {
  const span = document.createElement("span");
  span.setAttribute("translate", "no");
  span.textContent = text;
  return span;
}

function step(delta) {
  const total = frame.conv.out ** 2;
  moveWindow((cursor + delta + total) % total);
}

function startPlaying() {
  player = setInterval(() => step(1), PLAY_MS);
  const button = $("play");
  button.textContent = `⏸ ${t("conv.pause")}`;
  button.setAttribute("aria-label", t("conv.pause"));
  button.setAttribute("aria-pressed", "true");
}

function stopPlaying() {
  if (player === null) return;
  clearInterval(player);
  player = null;
  const button = $("play");
  button.textContent = `▶ ${t("conv.play")}`;
  button.setAttribute("aria-label", t("conv.play"));
  button.setAttribute("aria-pressed", "false");
}

$("play").addEventListener("click", () => (player === null ? startPlaying() : stopPlaying()));
$("next").addEventListener("click", () => { stopPlaying(); step(1); });
$("prev").addEventListener("click", () => { stopPlaying(); step(-1); });
$("first").addEventListener("click", () => jumpTo(0));
$("scrub").addEventListener("input", (e) => jumpTo(+e.target.value));

// --- pooling, flatten, head -------------------------------------------------------------

function showPools() {
  for (const pool of frame.pools) {
    const view = poolViews[pool.mode];
    const cols = pool.out[0].length;
    poolCursor = Math.min(poolCursor, pool.out.length * cols - 1);
    const i = Math.floor(poolCursor / cols), j = poolCursor % cols;
    const [r0, c0] = pool.origins[i][j];
    view.input.set(frame.activated, mapLabel(t("conv.activation")));
    view.input.shade(frame.activated);
    view.input.mark("cell--window", (r, c) =>
      r >= r0 && r < r0 + pool.size && c >= c0 && c < c0 + pool.size);
    view.input.mark("cell--left-out", (r, c) => r >= pool.covered[0] || c >= pool.covered[1]);
    const best = pool.argmax && pool.argmax[i][j];
    view.input.mark("cell--max", (r, c) => best && r === r0 + best[0] && c === c0 + best[1]);
    view.output.set(pool.out, mapLabel(t(`conv.${pool.mode}_pool`)));
    view.output.shade(pool.out);
    view.output.mark("cell--current", (a, b) => a === i && b === j);
    const values = pool.windows[i][j].flat();
    const formula = pool.mode === "max"
      ? `max(${values.map(fmt).join(", ")}) = ${fmt(pool.out[i][j])}`
      : `(${values.map(factor).join(" + ")}) ÷ ${values.length} = ${fmt(pool.out[i][j])}`;
    $(`pool-${pool.mode}-formula`).replaceChildren(
      `${t("conv.pool_window", { row: i + 1, col: j + 1 })}: `, formulaSpan(formula));
  }
}

function showFlatten() {
  const pool = frame.pools.find((p) => p.mode === frame.head_pool);
  const cols = pool.out[0].length;
  $("flatten-caption").textContent = t("conv.flatten_of", {
    pool: t(`conv.flatten_${frame.head_pool}`), n: frame.flatten.length,
  });
  const list = $("flatten");
  list.replaceChildren();
  frame.flatten.forEach((v, idx) => {
    const li = document.createElement("li");
    const value = document.createElement("span");
    value.className = "vector-value";
    value.textContent = fmt(v);
    const source = document.createElement("span");
    source.className = "vector-source";
    source.textContent = t("conv.flatten_item", {
      n: idx + 1, row: Math.floor(idx / cols) + 1, col: (idx % cols) + 1,
    });
    li.append(value, source);
    list.appendChild(li);
  });
}

// Below this probability the head's best guess is no decision (with six classes, a guess
// under 60 % is a toss between two): the page says it sees no clear stroke rather than
// naming one. Blanks and scatters the head itself calls "none" (its sixth class).
const UNSURE = 0.6;

function showHead() {
  const head = frame.head;
  const names = head.classes.map((key) => t(key));
  const best = head.predicted;
  $("head-shape").textContent = t("conv.head_shape", {
    features: head.features, hidden: head.hidden, classes: head.classes.length,
  });
  const p = head.probabilities[best];
  $("head-says").textContent = t(p < UNSURE ? "conv.head_unsure" : "conv.head_says", {
    name: names[best], p: fmt(p),
  });
  $("head-trained").textContent = t("conv.head_trained", {
    samples: head.samples, steps: head.steps,
    train: percent.format(head.train_accuracy), test: percent.format(head.test_accuracy),
  });
  const list = $("head-probabilities");
  list.replaceChildren();
  head.probabilities.forEach((p, k) => {
    const li = document.createElement("li");
    li.textContent = `${names[k]}: ${fmt(p)}`;
    li.classList.toggle("predicted", k === best);
    list.appendChild(li);
  });
  // Plotly is large: it is fetched with the first head chart, once the grid is drawn.
  const output = cssVar("--output-node"), fg = cssVar("--fg"), panel = cssVar("--panel");
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize); // projector: larger
  withPlotly("head-chart", (Plotly) => Plotly.react("head-chart", [{
    type: "bar", orientation: "h", y: names, x: head.probabilities,
    text: head.probabilities.map((p) => percent.format(p)), textposition: "outside",
    cliponaxis: false,
    marker: {
      color: output,
      opacity: head.probabilities.map((_, k) => (k === best ? 1 : 0.55)),
      line: { color: fg, width: head.probabilities.map((_, k) => (k === best ? 2 : 0)) },
    },
    hoverinfo: "y+text",
  }], {
    // The class names' width on the left (automargin), the percentages on the right.
    margin: chartMargin({ l: 1, r: 2.6, t: 0.4, b: 1.6 }),
    height: 18 * rem,
    paper_bgcolor: panel, plot_bgcolor: panel,
    font: chartFont(), // 24 px on the projector, like every other chart
    // The ticks say "%"; the heading above names the chart (a title would take its room).
    xaxis: { range: [0, 1], tickformat: ".0%", automargin: true },
    yaxis: { autorange: "reversed", automargin: true },
  }, { displayModeBar: false, responsive: true }));
}

function showNotes() {
  const box = $("notes");
  box.replaceChildren();
  for (const key of frame.notes) {
    const p = document.createElement("p");
    p.className = "note";
    p.dataset.testid = key;
    p.textContent = t(key);
    box.appendChild(p);
  }
  const notice = $("notice");
  notice.hidden = !frame.notice;
  notice.textContent = frame.notice ? t(frame.notice.key, frame.notice.params) : "";
}

// --- controls ---------------------------------------------------------------------------

function fillSelect(select, from, to, value) {
  if (select.options.length !== to - from + 1) {
    select.replaceChildren();
    for (let v = from; v <= to; v++) {
      const option = document.createElement("option");
      option.value = v;
      option.textContent = v;
      select.appendChild(option);
    }
  }
  select.value = value;
}

function syncControls() {
  $("preset").value = frame.preset;
  document.querySelector(`input[name="mode"][value="${frame.mode}"]`).checked = true;
  document.querySelector(`input[name="kernel-size"][value="${frame.kernel_size}"]`).checked = true;
  document.querySelector(`input[name="head-pool"][value="${frame.head_pool}"]`).checked = true;
  fillSelect($("stride"), 1, frame.limits.max_stride, frame.stride);
  fillSelect($("padding"), 0, frame.limits.max_padding, frame.padding);
  fillSelect($("pool-stride"), 1, frame.limits.max_stride, frame.pool_stride);
  $("pool-size").value = frame.pool_size;
  $("relu").checked = frame.relu;
  showOptions();
}

function showOptions() {
  const table = $("options");
  const head = table.tHead.rows[0];
  while (head.cells.length > 1) head.deleteCell(1);
  for (let p = 0; p <= frame.limits.max_padding; p++) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = p;
    head.appendChild(th);
  }
  const body = table.tBodies[0];
  body.replaceChildren();
  for (let s = 1; s <= frame.limits.max_stride; s++) {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = s;
    tr.appendChild(th);
    for (const option of frame.options.filter((o) => o.stride === s)) {
      const td = tr.insertCell();
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.testid = `option-${option.stride}-${option.padding}`;
      const result = option.out === null ? t("conv.option_invalid") : t("conv.option_out", { out: option.out });
      button.textContent = option.out === null ? "✕" : t("conv.option_out", { out: option.out });
      button.setAttribute("aria-label", t("conv.option_aria", { stride: s, padding: option.padding, result }));
      if (option.problem) button.title = errorText(option.problem);
      const current = option.stride === frame.stride && option.padding === frame.padding;
      button.classList.toggle("option--current", current);
      button.classList.toggle("option--invalid", option.out === null);
      button.setAttribute("aria-pressed", current ? "true" : "false");
      button.addEventListener("click", () =>
        session.send({ type: "set_conv", stride: option.stride, padding: option.padding }));
      td.appendChild(button);
    }
  }
}

function hideProblems() {
  for (const id of ["conv-problem", "pool-problem"]) {
    $(id).hidden = true;
    $(id).textContent = "";
  }
}

// Invalid settings are explained where they were chosen, and the controls go back to
// what the engine is really computing.
function showProblem(msg) {
  const box = msg.code.startsWith("conv_pool") || msg.code === "pool_too_large"
    ? $("pool-problem") : msg.code.startsWith("conv_") ? $("conv-problem") : null;
  if (!box) { toast(errorText(msg)); return; }
  box.textContent = errorText(msg);
  box.hidden = false;
  if (frame) syncControls();
}

$("preset").addEventListener("change", (e) => session.send({ type: "load_preset", name: e.target.value }));
for (const radio of document.querySelectorAll('input[name="mode"]')) {
  radio.addEventListener("change", () => session.send({ type: "set_mode", mode: radio.value }));
}
for (const radio of document.querySelectorAll('input[name="kernel-size"]')) {
  radio.addEventListener("change", () => session.send({ type: "set_kernel_size", size: +radio.value }));
}
for (const radio of document.querySelectorAll('input[name="head-pool"]')) {
  radio.addEventListener("change", () => session.send({ type: "set_head_pool", pool: radio.value }));
}
const sendConv = () => session.send({ type: "set_conv", stride: +$("stride").value, padding: +$("padding").value });
$("stride").addEventListener("change", sendConv);
$("padding").addEventListener("change", sendConv);
const sendPool = () => session.send({ type: "set_pool", size: +$("pool-size").value, stride: +$("pool-stride").value });
$("pool-size").addEventListener("change", sendPool);
$("pool-stride").addEventListener("change", sendPool);
$("relu").addEventListener("change", (e) => session.send({ type: "set_relu", on: e.target.checked }));
$("reset").addEventListener("click", () => session.send({ type: "reset" }));
// The chart takes its colours from the theme: redraw it when the theme changes.
new MutationObserver(() => { if (frame) showHead(); })
  .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
