// The equations of the chosen step and unit, written out with the engine's numbers.
import { factor, fmt } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { cellName, el } from "./names.js";

const ACT = { sigmoid: "σ", tanh: "tanh" };

export function renderEquation(box, frame) {
  // A named equation: the name is prose, the written-out formula is not (translate="no").
  function line(label, text, formula = true) {
    const p = el("p", { class: "formula-line" });
    if (label) p.append(el("span", { class: "formula-name" }, label));
    p.append(formula ? el("span", { translate: "no" }, text) : document.createTextNode(text));
    box.append(p);
  }
  function gateLine(g, cell) {
    const memory = cell === "gru" && g.name === "n" ? "(r⊙hₜ₋₁)·U" : "hₜ₋₁·U";
    const sub = cell === "rnn" ? "" : g.name;
    const symbol = cell === "rnn" ? "hₜ" : g.name;
    const act = ACT[g.activation];
    line(t(`rnn.gate.${g.name}`),
      `${symbol} = ${act}(xₜ·W${sub} + ${memory}${sub} + b${sub}) = ` +
      `${act}(${fmt(g.xw)} + ${factor(g.hw)} + ${factor(g.b)}) = ${act}(${fmt(g.a)}) = ${fmt(g.value)}`);
  }

  const e = frame.equation;
  box.replaceChildren();
  box.append(el("p", { class: "formula-title" },
    t("rnn.equation_title", { cell: cellName(e.cell), t: e.step, unit: e.unit + 1 })));
  for (const g of e.gates) gateLine(g, e.cell);
  const v = Object.fromEntries(e.gates.map((g) => [g.name, g.value]));
  if (e.cell === "lstm") {
    line(t("rnn.gate.c"), `cₜ = f·cₜ₋₁ + i·g = ${fmt(v.f)}×${factor(e.c_prev)} + ${fmt(v.i)}×${factor(v.g)} = ` +
      `${fmt(e.keep)} + ${factor(e.write)} = ${fmt(e.c)}`);
    line(t("rnn.gate.h"), `hₜ = o·tanh(cₜ) = ${fmt(v.o)}×tanh(${fmt(e.c)}) = ${fmt(v.o)}×${factor(e.tanh_c)} = ${fmt(e.h)}`);
  } else if (e.cell === "gru") {
    line(t("rnn.gate.h"), `hₜ = z·hₜ₋₁ + (1 − z)·n = ${fmt(v.z)}×${factor(e.h_prev)} + (1 − ${fmt(v.z)})×${factor(v.n)} = ` +
      `${fmt(e.keep)} + ${factor(e.write)} = ${fmt(e.h)}`);
  }
  line(null, t("rnn.equation_prev", { h: fmt(e.h_prev) }), false);
}
