// The network unrolled through time: a column per time step, a row per input / hidden unit /
// cell unit, a keyboard-navigable grid whose chosen cell the equations explain; and the
// prediction at the end of the sequence.
import { $ } from "../../core/dom.js";
import { fmt } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { el, token } from "./names.js";

// `state.frame`: the newest frame, read when a key is pressed too.
export function unrollView(table, state, session) {
  let shapeKey = "";
  const predictionText = (value) => typeof value === "number" ? fmt(value) : token(state.frame, value);

  function render() {
    const { frame } = state;
    const u = frame.unroll;
    const hidden = frame.settings.hidden;
    const hasCell = u.c !== null;
    const key = JSON.stringify([u.length, hidden, hasCell, frame.settings.task, u.index]);
    if (key !== shapeKey) {
      shapeKey = key;
      build(u.length, hidden, hasCell);
    }
    $("example-label").textContent = t("rnn.example", { index: u.index + 1, count: u.count });
    $("cursor-label").textContent = t("rnn.cursor", { steps: u.steps, length: u.length });
    for (let s = 0; s < u.length; s++) {
      const cell = table.querySelector(`[data-input="${s}"]`);
      cell.replaceChildren();
      const tok = token(frame, u.tokens[s]);
      if (tok !== null) cell.append(el("span", { class: "token" }, tok));
      else if (u.values) cell.append(el("span", { class: "token token--value" }, fmt(u.values[s])));
      else cell.append(el("span", { class: "token token--noise" }, t("rnn.noise")));
      if (frame.settings.task === "memory" && s === 0) cell.append(el("span", { class: "flag" }, t("rnn.flag")));
      cell.classList.toggle("pending", s >= u.steps);
      if (s < u.steps) cell.title = u.inputs[s].map(fmt).join(", ");
    }
    const rows = hasCell ? [["h", u.h], ["c", u.c]] : [["h", u.h]];
    const eq = frame.equation;
    for (const [kind, values] of rows) {
      for (let j = 0; j < hidden; j++) {
        for (let s = 0; s < u.length; s++) {
          const cell = table.querySelector(`[data-kind="${kind}"][data-t="${s}"][data-j="${j}"]`);
          const known = s < u.steps;
          const v = known ? values[s][j] : null;
          cell.textContent = known ? fmt(v) : "·";
          cell.classList.toggle("pending", !known);
          cell.classList.toggle("neg", known && v < 0);
          cell.classList.toggle("selected", s === eq.step && j === eq.unit);
          cell.style.setProperty("--strength", known ? Math.min(1, Math.abs(v)).toFixed(3) : "0");
          cell.setAttribute("aria-label", t("rnn.cell_aria", {
            name: `${kind}${j + 1}`, t: s, value: known ? fmt(v) : t("rnn.pending"),
          }));
        }
      }
    }
    const out = table.querySelector("[data-output]");
    out.textContent = u.prediction === null ? "…" : predictionText(u.prediction);
    renderPrediction();
  }

  function build(length, hidden, hasCell) {
    table.replaceChildren();
    const head = el("thead");
    const hr = el("tr");
    hr.append(el("th", { scope: "col" }, ""));
    for (let s = 0; s < length; s++) hr.append(el("th", { scope: "col" }, t("rnn.time", { t: s })));
    hr.append(el("th", { scope: "col", class: "out-head" }, t("rnn.output")));
    head.append(hr);
    const body = el("tbody");
    const inputRow = el("tr", { class: "row-input" });
    inputRow.append(el("th", { scope: "row" }, t("rnn.row.input")));
    for (let s = 0; s < length; s++) inputRow.append(el("td", { "data-input": s, class: "input-cell" }));
    const rowSpan = 1 + hidden * (hasCell ? 2 : 1);
    inputRow.append(el("td", { "data-output": "", class: "output-cell", rowspan: rowSpan,
      "data-testid": "unroll-output" }));
    body.append(inputRow);
    for (const kind of hasCell ? ["h", "c"] : ["h"]) {
      for (let j = 0; j < hidden; j++) {
        const tr = el("tr", { class: `row-${kind}` });
        tr.append(el("th", { scope: "row" }, `${kind}${j + 1}`));
        for (let s = 0; s < length; s++) {
          const td = el("td", {
            role: "gridcell", tabindex: "-1", class: `state-cell state-cell--${kind}`,
            "data-kind": kind, "data-t": s, "data-j": j, "data-testid": `${kind}-${s}-${j}`,
          });
          td.addEventListener("click", () => choose(s, j, td));
          td.addEventListener("keydown", (e) => onGridKey(e, kind, s, j));
          tr.append(td);
        }
        body.append(tr);
      }
    }
    table.append(head, body);
    const first = table.querySelector('[data-kind="h"][data-t="0"][data-j="0"]');
    if (first) first.tabIndex = 0;
  }

  function choose(s, j, td) {
    for (const cell of table.querySelectorAll('[tabindex="0"]')) cell.tabIndex = -1;
    td.tabIndex = 0;
    session.send({ type: "focus", step: s, unit: j });
  }

  // Arrow keys move through the grid (one tab stop for the whole table); Enter chooses.
  function onGridKey(e, kind, s, j) {
    const { frame } = state;
    const u = frame.unroll;
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      choose(s, j, e.currentTarget);
      return;
    }
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    const ns = Math.max(0, Math.min(u.length - 1, s + move[0]));
    const nj = Math.max(0, Math.min(frame.settings.hidden - 1, j + move[1]));
    const next = table.querySelector(`[data-kind="${kind}"][data-t="${ns}"][data-j="${nj}"]`);
    if (next) {
      e.currentTarget.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    }
  }

  function renderPrediction() {
    const { frame } = state;
    const u = frame.unroll;
    $("prediction").textContent = u.prediction === null ? t("rnn.prediction_pending") : predictionText(u.prediction);
    $("target").textContent = t("rnn.target", { value: predictionText(u.target) });
    const list = $("probabilities");
    list.replaceChildren();
    if (!u.output) return;
    const ranked = u.output.map((p, k) => [p, k]).sort((a, b) => b[0] - a[0]).slice(0, 3);
    for (const [p, k] of ranked) {
      const li = el("li", {}, t("rnn.probability", { word: token(frame, frame.vocabulary[k]), p: fmt(p) }));
      const bar = el("span", { class: "prob-bar", "aria-hidden": "true" });
      bar.style.setProperty("--p", p.toFixed(3));
      li.prepend(bar);
      list.append(li);
    }
  }

  return { render };
}
