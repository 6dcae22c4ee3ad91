// The data's settings (data set, classes, points, noise, split, a CSV file), the class (or
// value) a clicked point gets, and the view switches, shown from the engine's frames and
// sent back as `set_data`, `load_csv`, `clear_points` and `set_view`.
import { $, svgElement } from "../../core/dom.js";
import { fmt } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { toast } from "../../core/session.js";
import { on, randomSeed, setControl } from "./fields.js";
import { shapePath } from "./paint.js";

const className = (k) => t("playground.class", { k });

export function showDataConfig(config) {
  const spec = config.data;
  $("dataset-custom").hidden = spec.kind !== "custom";
  setControl("dataset", spec.kind);
  setControl("classes", spec.classes);
  $("classes").max = config.limits.max_classes;
  $("classes-field").hidden = !["multi_spiral", "multi_gauss"].includes(spec.kind);
  $("points").max = config.limits.max_points;
  setControl("points", spec.n_points);
  $("points-value").textContent = fmt(spec.n_points);
  setControl("noise", spec.noise);
  $("noise-value").textContent = fmt(spec.noise);
  setControl("ratio", spec.train_ratio);
  $("ratio-value").textContent = `${fmt(spec.train_ratio)}%`;
  $("dataset-about").textContent = t(`playground.about.${spec.kind}`);
  $("problem").textContent = t("playground.problem_line", {
    problem: t(`playground.problem.${config.problem}`), loss: t(`playground.loss.${config.loss}`),
  });
  $("csv-hint").textContent = t("playground.csv_hint", { limit: config.limits.max_points });
}

// `state.chosenLabel`: the class a clicked point gets (the value box, for regression).
export function updateDataControls(state) {
  buildClassChoice(state);
  $("added-count").textContent = t("playground.added_count", { n: state.data.added });
  $("clear-points").disabled = state.data.added === 0;
}

function buildClassChoice(state) {
  const { config, colours } = state;
  const box = $("class-choice");
  const regression = config.problem === "regression";
  $("value-choice").hidden = !regression;
  box.hidden = regression;
  const count = regression ? 0 : config.classes;
  if (box.childElementCount === count) return;
  box.replaceChildren();
  state.chosenLabel = Math.min(state.chosenLabel, count - 1);
  for (let k = 0; k < count; k++) {
    const label = document.createElement("label");
    label.className = "pg-class-option";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "add-class";
    input.value = String(k);
    input.checked = k === state.chosenLabel;
    input.dataset.testid = `add-class-${k}`;
    input.addEventListener("change", () => { state.chosenLabel = k; });
    const swatch = svgElement("svg", { class: "pg-swatch", viewBox: "-8 -8 16 16", "aria-hidden": "true" });
    shapePath(colours, swatch, k, 6);
    const text = document.createElement("span");
    text.textContent = className(k);
    label.append(input, swatch, text);
    box.appendChild(label);
  }
}

// `state.limits`: the server's, from hello (a file must fit in one websocket message).
export function wireDataControls(state, send) {
  on("dataset", "change", () => send({ type: "set_data", kind: $("dataset").value }));
  on("classes", "change", () => {
    const classes = $("classes").valueAsNumber;
    if (Number.isInteger(classes)) send({ type: "set_data", classes });
  });
  for (const [id, field, out, suffix] of [
    ["points", "n_points", "points-value", ""], ["noise", "noise", "noise-value", ""],
    ["ratio", "train_ratio", "ratio-value", "%"],
  ]) {
    on(id, "input", () => { $(out).textContent = `${fmt(+$(id).value)}${suffix}`; });
    on(id, "change", () => send({ type: "set_data", [field]: +$(id).value }));
  }
  on("regenerate", "click", () => send({ type: "set_data", seed: randomSeed() }));
  on("clear-points", "click", () => send({ type: "clear_points" }));
  // Part of the lab's state, so that a shared link shows the plane the same way.
  on("show-test", "change", () => send({ type: "set_view", show_test: $("show-test").checked }));
  on("discretize", "change", () => send({ type: "set_view", discretize: $("discretize").checked }));

  // A file must fit in one websocket message (with room for the message around it).
  const limit = () => state.limits.max_message_bytes || 256000;
  on("csv-file", "change", async () => {
    const file = $("csv-file").files[0];
    $("csv-file").value = "";
    if (!file) return;
    const text = await file.text();
    if (new Blob([text]).size + 200 > limit()) {
      toast(t("playground.too_large", { limit: limit() }));
      return;
    }
    send({ type: "load_csv", text, problem: $("csv-problem").value });
  });
}
