// The recurrent page's settings: task, cell, sequence length, symbols, hidden size, the
// recurrent scale and memory bias, clipping, the optimizer; and moving through the examples
// and the time steps. Shown from the engine's frame, sent back as the learner changes them.
import { $, setIfIdle } from "../../core/dom.js";
import { fmt } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { toast } from "../../core/session.js";

export const setValue = (id, value) => setIfIdle($(id), value);

export function syncControls(frame) {
  const s = frame.settings;
  const L = frame.limits;
  for (const input of document.querySelectorAll('input[name="task"]')) input.checked = input.value === s.task;
  for (const input of document.querySelectorAll('input[name="cell"]')) input.checked = input.value === s.cell;
  $("task-hint").textContent = t(`rnn.task_hint.${s.task}`, { n: s.length });
  $("length-label").textContent = t(`rnn.length.${s.task}`);
  const length = $("length");
  length.min = L.min_length;
  length.max = L.max_length;
  length.disabled = s.task === "words";
  setValue("length", s.length);
  $("length-value").textContent = fmt(s.length);
  $("symbols-field").hidden = s.task !== "memory";
  $("symbols").max = L.max_symbols;
  setValue("symbols", s.symbols);
  $("symbols-value").textContent = fmt(s.symbols);
  $("hidden").max = L.max_hidden;
  setValue("hidden", s.hidden);
  $("hidden-value").textContent = fmt(s.hidden);
  setValue("scale", s.recurrent_scale);
  $("scale-value").textContent = fmt(s.recurrent_scale);
  setValue("memory-bias", s.memory_bias);
  $("memory-bias-value").textContent = fmt(s.memory_bias);
  $("memory-bias-hint").textContent = t("rnn.memory_bias_hint", { value: fmt(frame.memory_gate_start) });
  $("clip-on").checked = s.clip !== null;
  if (s.clip !== null) setValue("clip-value", s.clip);
  setValue("optimizer", s.optimizer);
  setValue("learning-rate", s.learning_rate);
  $("status").textContent = t("rnn.status", { step: frame.step });
}

// `state.frame`: the newest frame, read when a button is pressed.
export function wireSettings(state, session) {
  for (const input of document.querySelectorAll('input[name="task"]')) {
    input.addEventListener("change", () => session.send({ type: "set_task", task: input.value }));
  }
  for (const input of document.querySelectorAll('input[name="cell"]')) {
    input.addEventListener("change", () => session.send({ type: "set_cell", cell: input.value }));
  }
  function slider(id, output, send) {
    const input = $(id);
    input.addEventListener("input", () => { $(output).textContent = fmt(input.valueAsNumber); });
    input.addEventListener("change", () => send(input.valueAsNumber));
  }
  slider("length", "length-value", (length) => session.send({ type: "set_length", length }));
  slider("symbols", "symbols-value", (symbols) => session.send({ type: "set_symbols", symbols }));
  slider("hidden", "hidden-value", (hidden) => session.send({ type: "set_hidden", hidden }));
  slider("scale", "scale-value", (scale) => session.send({ type: "set_recurrent_scale", scale }));
  slider("memory-bias", "memory-bias-value", (bias) => session.send({ type: "set_memory_bias", bias }));

  function sendClip() {
    const value = $("clip-value").valueAsNumber;
    if ($("clip-on").checked && !(value > 0)) {
      toast(t("error.not_a_number"));
      return;
    }
    session.send({ type: "set_clip", clip: $("clip-on").checked ? value : null });
  }
  $("clip-on").addEventListener("change", sendClip);
  $("clip-value").addEventListener("change", () => { if ($("clip-on").checked) sendClip(); });

  function sendOptimizer() {
    const rate = $("learning-rate").valueAsNumber;
    if (!(rate > 0)) {
      toast(t("error.not_a_number"));
      return;
    }
    session.send({ type: "set_optimizer", name: $("optimizer").value, learning_rate: rate });
  }
  $("optimizer").addEventListener("change", sendOptimizer);
  $("learning-rate").addEventListener("change", sendOptimizer);

  $("randomize").addEventListener("click", () =>
    session.send({ type: "randomize", seed: Math.floor(Math.random() * 1e6) }));
  $("preset").addEventListener("change", (e) => {
    if (e.target.value) session.send({ type: "load_preset", name: e.target.value });
  });

  function showExample(delta) {
    const u = state.frame.unroll;
    session.send({ type: "set_sample", index: (u.index + delta + u.count) % u.count });
  }
  $("prev-example").addEventListener("click", () => showExample(-1));
  $("next-example").addEventListener("click", () => showExample(1));
  $("first-step").addEventListener("click", () => session.send({ type: "set_cursor", steps: 1 }));
  $("next-step").addEventListener("click", () => {
    const u = state.frame.unroll;
    session.send({ type: "set_cursor", steps: u.steps >= u.length ? 1 : u.steps + 1 });
  });
  $("all-steps").addEventListener("click", () =>
    session.send({ type: "set_cursor", steps: state.frame.unroll.length }));
}
