// The sliding window of the convolution: where it is on every grid, the arithmetic of the
// output cell it makes, and stepping or playing it across the image.
import { $ } from "../../core/dom.js";
import { factor, fmt } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { CHANNELS, formulaSpan } from "./labels.js";

const PLAY_MS = 800;

// `state`: the page's (frame, cursor, wantedCursor, and the views rows, sumMap, activatedView).
export function slidingWindow(state, session) {
  let player = null;

  function jumpTo(index) {
    stopPlaying();
    moveWindow(index);
  }

  function moveWindow(index) {
    const total = state.frame.conv.out ** 2;
    state.cursor = state.wantedCursor = Math.max(0, Math.min(total - 1, index));
    session.send({ type: "show_window", conv: state.cursor });
    show();
  }

  function show() {
    const { frame, rows, sumMap, activatedView } = state;
    const out = frame.conv.out, total = out * out;
    const cursor = state.cursor = Math.max(0, Math.min(total - 1, state.cursor));
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
    const { frame } = state;
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

  function step(delta) {
    const total = state.frame.conv.out ** 2;
    moveWindow((state.cursor + delta + total) % total);
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

  return { show, jumpTo, stopPlaying };
}
