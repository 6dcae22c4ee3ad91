// B.7 "Recurrent networks": draws the engine's frame of three recurrent networks (RNN, LSTM,
// GRU) trained side by side: one unrolled through time, the gradient norm per time step
// for all three, gate heatmaps, the written-out cell equations and measured comparisons.
// Every number comes from the frame; this script only lays them out. This module keeps the
// newest frame and takes the frames in; each view is a module of rnn/ given the state.
import { trainingControls } from "../core/controls.js";
import { $, drawNewest } from "../core/dom.js";
import { quotedText, t } from "../core/i18n.js";
import { plotlyReady } from "../core/plotly.js";
import { connect, params } from "../core/session.js";
import { renderCompare, rnnCharts } from "./rnn/charts.js";
import { renderEquation } from "./rnn/equation.js";
import { cellName } from "./rnn/names.js";
import { setValue, syncControls, wireSettings } from "./rnn/settings.js";
import { unrollView } from "./rnn/unroll.js";

const state = { frame: null };

// The first screen is charts: Plotly is there before the first frame, as when it was a
// blocking script (core/plotly.js).
await plotlyReady();
const session = connect("rnn", {
  open(s) {
    const task = params.get("task");
    if (task && !state.frame) s.send({ type: "set_task", task });
  },
  frame: drawNewest(render),
  status(msg) { controls.status(msg); },
});
const controls = trainingControls(session, {
  labels: "rnn",
  onStatus(msg) {
    $("status").textContent = t("rnn.status", { step: msg.step });
    setValue("speed", msg.steps_per_frame);
  },
});

const unroll = unrollView($("unroll"), state, session);
const charts = rnnCharts(state);

function render(msg) {
  const frame = state.frame = msg;
  syncControls(frame);
  unroll.render(); // and the prediction
  renderEquation($("equation"), frame);
  charts.draw();
  renderCompare(frame);
  const note = $("note");
  note.hidden = !frame.note;
  quotedText(note, frame.note ? t(frame.note) : ""); // it quotes the book's Korean
  $("preset").value = frame.preset && !frame.modified ? frame.preset : "";
  const diverged = $("diverged");
  diverged.hidden = !frame.diverged;
  diverged.textContent = frame.diverged ? t("rnn.diverged", { cell: cellName(frame.diverged) }) : "";
}

// Charts take their colours from the CSS variables: redraw when the theme changes.
new MutationObserver(() => { if (state.frame) render(state.frame); })
  .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });

wireSettings(state, session);
