// Small helpers for the playground's form fields, shared by its network and data controls.
import { $ } from "../../core/dom.js";
import { fmt } from "../../core/format.js";

export const on = (id, event, fn) => $(id).addEventListener(event, fn);
export function randomSeed() { return Math.floor(Math.random() * 2 ** 31); }

export function setControl(id, value) { setControlElement($(id), value); }
// A field the learner is typing in or dragging keeps its value until it is done; a select
// always shows the engine's setting.
export function setControlElement(control, value) {
  if (control.tagName === "INPUT" && document.activeElement === control) return;
  control.value = String(value);
}

// A value the select does not offer (from a link or a file) becomes one of its options.
export function addOption(select, value) {
  const option = document.createElement("option");
  option.value = String(value);
  option.textContent = fmt(value);
  select.appendChild(option);
  select.value = String(value);
}
