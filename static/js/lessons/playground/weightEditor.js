// Reading and editing one weight or bias of the network picture: the readout says what the
// pointed-at edge or neuron holds (and its chain rule while an iteration is shown), the
// editor sets a clicked one's value.
import { $ } from "../../core/dom.js";
import { factor, fmt, writeLines } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { toast } from "../../core/session.js";

export const weight = (layer, i, j) => ({ kind: "weight", layer, i, j });

// `state.selected`: {kind: "weight", layer, i, j} or {kind: "bias", layer, j} being edited;
// `steps`: the step-through, for the chain rule of the iteration shown.
export function weightEditor(state, { send, neuronName, steps }) {
  function valueOf(sel) {
    const layer = state.frame.layers[sel.layer];
    return sel.kind === "weight" ? layer.w[sel.i][sel.j] : layer.b[sel.j];
  }
  function isSelected(sel) {
    const { selected } = state;
    return !!selected && selected.kind === sel.kind && selected.layer === sel.layer &&
      selected.i === sel.i && selected.j === sel.j;
  }
  function labelOf(sel) {
    return sel.kind === "weight"
      ? t("playground.weight_of", { from: neuronName(sel.layer - 1, sel.i), to: neuronName(sel.layer, sel.j) })
      : t("playground.bias_of", { name: neuronName(sel.layer, sel.j) });
  }
  // The weight or neuron pointed at, and, while an iteration is shown, its chain rule.
  function describe(sel) {
    if (sel.layer >= state.frame.layers.length) return;
    const lines = sel.kind === "bias"
      ? [formulaOf(sel.layer, sel.j), ...steps.nodeLines(sel.layer, sel.j)]
      : [`${labelOf(sel)}: ${fmt(valueOf(sel))}`, ...steps.edgeLines(sel.layer, sel.i, sel.j)];
    writeLines($("readout"), lines);
  }
  // What a neuron computes, with the engine's weights: name = f(w1·in1 + ... + b).
  function formulaOf(l, j) {
    const { frame, config } = state;
    const layer = frame.layers[l];
    const isOutput = l === frame.layers.length - 1;
    const terms = layer.w.map((row, i) => `${factor(row[j])}·${neuronName(l - 1, i)}`);
    const sum = `${terms.join(" + ")} + ${factor(layer.b[j])}`;
    const f = isOutput ? t(`playground.output_function.${config.problem}`) : t(`activation.${layer.activation}`);
    return `${neuronName(l, j)} = ${f}(${sum})`;
  }
  function edit(sel) {
    state.selected = sel;
    update();
    $("editor-number").focus();
  }
  function update() {
    const editor = $("editor");
    if (state.selected && state.selected.layer >= state.frame.layers.length) state.selected = null;
    const { selected } = state;
    editor.hidden = !selected;
    if (!selected) return;
    $("editor-title").textContent = labelOf(selected);
    if (document.activeElement !== $("editor-number")) $("editor-number").value = valueOf(selected);
  }
  $("editor-number").addEventListener("keydown", (e) => {
    if (e.key === "Escape") { state.selected = null; update(); return; }
    if (e.key !== "Enter" || !state.selected) return;
    const value = $("editor-number").valueAsNumber;
    if (!Number.isFinite(value)) { toast(t("error.not_a_number")); return; }
    const { kind, layer, i, j } = state.selected;
    send(kind === "weight"
      ? { type: "set_weight", layer, i, j, value } : { type: "set_bias", layer, j, value });
  });

  return { describe, edit, update, isSelected };
}
