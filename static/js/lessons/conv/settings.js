// The convolution's settings: preset, channels, kernel size, stride and padding (also as a
// table of every choice and the output size it gives), pooling, ReLU and the head's pool;
// shown from the engine's frame, sent back as the learner changes them.
import { $ } from "../../core/dom.js";
import { t } from "../../core/i18n.js";
import { errorText, toast } from "../../core/session.js";

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

export function syncControls(frame, session) {
  $("preset").value = frame.preset;
  document.querySelector(`input[name="mode"][value="${frame.mode}"]`).checked = true;
  document.querySelector(`input[name="kernel-size"][value="${frame.kernel_size}"]`).checked = true;
  document.querySelector(`input[name="head-pool"][value="${frame.head_pool}"]`).checked = true;
  fillSelect($("stride"), 1, frame.limits.max_stride, frame.stride);
  fillSelect($("padding"), 0, frame.limits.max_padding, frame.padding);
  fillSelect($("pool-stride"), 1, frame.limits.max_stride, frame.pool_stride);
  $("pool-size").value = frame.pool_size;
  $("relu").checked = frame.relu;
  showOptions(frame, session);
}

function showOptions(frame, session) {
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

export function hideProblems() {
  for (const id of ["conv-problem", "pool-problem"]) {
    $(id).hidden = true;
    $(id).textContent = "";
  }
}

// Invalid settings are explained where they were chosen, and the controls go back to
// what the engine is really computing (`frame`: the latest, if any).
export function showProblem(msg, frame, session) {
  const box = msg.code.startsWith("conv_pool") || msg.code === "pool_too_large"
    ? $("pool-problem") : msg.code.startsWith("conv_") ? $("conv-problem") : null;
  if (!box) { toast(errorText(msg)); return; }
  box.textContent = errorText(msg);
  box.hidden = false;
  if (frame) syncControls(frame, session);
}

export function wireSettings(session) {
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
}
