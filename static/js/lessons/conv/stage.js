// The convolution stage, one row per channel: the (padded) input grid to paint on, the
// kernel to edit, the channel's feature map; then the channels' sum and the activation.
// Built again only when the shape changes, so that focus survives value updates.
import { $ } from "../../core/dom.js";
import { fmt } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { toast } from "../../core/session.js";
import { MatrixView, PaintQueue, makePaintable } from "../shared/matrix.js";
import { CHANNELS, channelName, mapLabel } from "./labels.js";

const brush = () => +document.querySelector('input[name="brush"]:checked').value;

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

// `state`: the page's (frame, and the views this builds: rows, sumMap, activatedView);
// `jumpTo(index)` moves the sliding window to an output cell.
export function convStage(state, session, { jumpTo }) {
  // --- painting: pointer (mouse, pen, touch) and keyboard, one message per animation frame

  const paints = new PaintQueue((cells, value, channel) =>
    session.send({ type: "paint", cells, value, channel }));

  // The grid shows the padding too: only cells of the image itself are painted.
  function queuePaint(channel, r, c, value) {
    const { frame } = state;
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

  // --- building --------------------------------------------------------------------------

  function build() {
    const { frame } = state;
    const box = $("conv-rows");
    box.replaceChildren();
    state.rows = [];
    const padded = frame.conv.padded[0].length;
    const out = frame.conv.out;
    const k = frame.kernel_size;
    for (let ch = 0; ch < frame.channels; ch++) {
      const row = document.createElement("div");
      row.className = "conv-row";
      row.dataset.channel = frame.channels === 1 ? "gray" : CHANNELS[ch];
      const name = frame.channels === 1 ? t("conv.input")
        : t("conv.input_of", { channel: channelName(frame, ch) });
      const input = new MatrixView(figure(row, name), {
        name, size: [padded, padded], testid: `grid-${ch}`, kind: "input",
        onKey: onGridKey(ch),
      });
      makePaintable(input, (r, c) => queuePaint(ch, r, c, brush()));
      operator(row, "⊛");
      const kernelBox = figure(row, frame.channels === 1 ? t("conv.kernel")
        : t("conv.kernel_of", { channel: channelName(frame, ch) }));
      const kernel = buildKernel(kernelBox, ch, k);
      operator(row, "=");
      const mapName = frame.channels === 1 ? t("conv.feature_map")
        : t("conv.map_of", { channel: channelName(frame, ch) });
      const map = new MatrixView(figure(row, mapName), {
        name: mapName, size: [out, out], testid: frame.channels === 1 ? "map" : `channel-map-${ch}`,
        kind: "map", onFocusCell: (i, j) => jumpTo(i * out + j),
      });
      box.appendChild(row);
      state.rows.push({ input, kernel, map, mapName });
    }
    const sumBox = $("sum-map");
    sumBox.replaceChildren();
    state.sumMap = null;
    $("sum-row").hidden = frame.channels === 1;
    if (frame.channels > 1) {
      state.sumMap = new MatrixView(sumBox, {
        name: t("conv.feature_map"), size: [out, out], testid: "map", kind: "map",
        onFocusCell: (i, j) => jumpTo(i * out + j),
      });
    }
    $("activated").replaceChildren();
    state.activatedView = new MatrixView($("activated"), {
      name: t("conv.activation"), size: [out, out], testid: "activated-map", kind: "map",
      onFocusCell: (i, j) => jumpTo(i * out + j),
    });
  }

  function buildKernel(box, ch, k) {
    const name = channelName(state.frame, ch);
    const select = document.createElement("select");
    select.dataset.testid = `kernel-preset-${ch}`;
    select.setAttribute("aria-label", `${t("conv.kernel_preset")} (${name})`);
    for (const preset of ["diagonal", "anti_diagonal", "vertical_edge", "horizontal_edge", "blur", "custom"]) {
      const option = document.createElement("option");
      option.value = preset;
      option.textContent = t(`conv.kpreset.${preset}`);
      option.disabled = preset === "custom";
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
          { channel: name, row: i + 1, col: j + 1 }));
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

  // --- updating from a frame -----------------------------------------------------------

  function update() {
    const { frame, rows, sumMap, activatedView } = state;
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
  }

  function updateKernel(kernel, ch) {
    const { frame } = state;
    const values = frame.kernels[ch].flat();
    kernel.inputs.forEach((input, idx) => {
      input.min = -frame.limits.max_kernel_value;
      input.max = frame.limits.max_kernel_value;
      if (document.activeElement !== input) input.value = +values[idx].toFixed(6);
    });
    kernel.select.value = frame.kernel_presets[ch] || "custom";
  }

  return { build, update };
}
