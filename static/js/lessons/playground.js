// The 2-D playground: draws the engine's frames (decision surface, every neuron's map, edges,
// loss curves) and sends the learner's choices back. Frames carry only what changed: the
// settings (`config`) and points (`data`) are kept from the last frame that had them. The
// maps are computed here from each frame's weights (core/planemaps.js, the engine's forward
// pass over the plane): the page tells the server so (`page_draws`), which then sends none.
// This module keeps the page's state and takes the frames in; each view is a module of
// playground/ that reads the state it is given.
import { trainingControls } from "../core/controls.js";
import { $, drawNewest } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { planeMaps } from "../core/planemaps.js";
import { plotlyReady } from "../core/plotly.js";
import { connect, errorText, toast } from "../core/session.js";
import { showDataConfig, updateDataControls, wireDataControls } from "./playground/dataControls.js";
import { on } from "./playground/fields.js";
import { lossChart, writeMetrics } from "./playground/lossChart.js";
import { featureName, networkPanel } from "./playground/networkPanel.js";
import {
  buildLayerControls, showNetworkConfig, updateLayerControls, wireNetworkControls,
} from "./playground/networkControls.js";
import { readColours } from "./playground/paint.js";
import { plotView } from "./playground/plot.js";

const state = {
  config: null, // the latest settings from the engine
  data: null, // the latest points
  frame: null, // the latest frame
  maps: null, // every map of the latest frame's network (planeMaps): input, output, neurons
  colours: null, // the theme's (playground/paint.js)
  limits: {}, // from hello
  // Features asked for and not yet in a frame: two quick clicks must both count.
  wantedFeatures: null,
  hovered: null, // {layer, j}: the neuron shown in the big plot (layer -1: a feature)
  selected: null, // {kind: "weight", layer, i, j} or {kind: "bias", layer, j} being edited
  chosenLabel: 1,
  cursor: null, // keyboard cursor on the plot, in data coordinates
  view: { showTest: false, discretize: false }, // from the lab's state (shared links too)
};
let shapeKey = "";

// The chart library loads while the page connects; the chart draws when it arrives.
plotlyReady();
const session = connect("playground", {
  hello(msg) { state.limits = msg.limits; },
  // Links and saved files are restored by share.js, like on every lab page.
  open() { controls.open(); },
  frame(msg) { onFrame(msg); },
  status(msg) { controls.status(msg); },
  error(msg) {
    state.wantedFeatures = null;
    if (msg.code === "diverged") $("diverged").hidden = false;
    else toast(errorText(msg));
  },
});
const send = (msg) => session.send(msg);
// Every (re)connection is a new session on the server, which sends maps until told.
document.addEventListener("np:open", (event) => {
  if (event.detail.session === session) send({ type: "page_draws", parts: ["maps"] });
});

const controls = trainingControls(session, {
  labels: "playground",
  onStatus(msg) { if (msg.diverged) $("diverged").hidden = false; },
});

function neuronName(layer, j) {
  const { config, frame } = state;
  if (layer < 0) return featureName(config.network.features[j]);
  const last = frame.layers.length - 1;
  if (layer === last) {
    return config.problem === "multiclass"
      ? t("playground.output_class", { k: j }) : t("playground.output_node");
  }
  return t("playground.neuron", { layer: layer + 1, j: j + 1 });
}

const plot = plotView($("plot"), state, { send, neuronName });
const network = networkPanel($("network"), state, {
  session, send, neuronName, redrawPlot: () => plot.redraw(),
});
const chart = lossChart($("loss-chart"), state);

// Colours are CSS custom properties, re-read when the theme changes.
new MutationObserver(() => { state.colours = readColours(); if (state.maps) redraw(); })
  .observe(document.documentElement, {
    attributes: true, attributeFilter: ["data-theme", "data-projector"],
  });

// --- frames --------------------------------------------------------------------------------

// A frame is taken in at once (what it changed, its curve points) and drawn at the next
// animation frame, the newest only: a page that cannot draw as fast as frames come (a slow or
// loaded machine) skips pictures instead of queueing them, and stays responsive to clicks.
const changed = { config: false, data: false };
const drawSoon = drawNewest(drawFrame);

function onFrame(msg) {
  if (msg.config) state.config = msg.config;
  if (msg.config && String(msg.config.network.features) === String(state.wantedFeatures)) {
    state.wantedFeatures = null;
  }
  if (msg.data) state.data = msg.data;
  state.frame = msg;
  changed.config ||= Boolean(msg.config);
  changed.data ||= Boolean(msg.data);
  // Colours before anything draws: the chart may draw before the first picture.
  if (!state.colours) state.colours = readColours();
  chart.update(msg);
  drawSoon();
}

function drawFrame() {
  const { frame: msg, config, data, view } = state;
  const { config: newConfig, data: newData } = changed;
  Object.assign(changed, { config: false, data: false });
  view.showTest = $("show-test").checked = msg.view.show_test;
  view.discretize = $("discretize").checked = msg.view.discretize;
  state.maps = planeMaps(msg.layers, {
    features: config.network.features, extent: data.extent, problem: config.problem,
    valueScale: data.value_scale,
  });
  if (newConfig) { showNetworkConfig(config); showDataConfig(config); }
  if (newData || newConfig) updateDataControls(state);
  const key = JSON.stringify([config.network.features, msg.layers.map((l) => l.b.length)]);
  if (key !== shapeKey) {
    shapeKey = key;
    state.selected = null;
    network.build();
    buildLayerControls(state, send);
  }
  if (newConfig) updateLayerControls(config);
  network.update();
  writeMetrics(msg);
  plot.redraw();
  $("diverged").hidden = !msg.diverged;
  $("preset").value = msg.preset && !msg.modified ? msg.preset : "";
}

function redraw() {
  $("class-choice").replaceChildren(); // swatches take the new theme's colours
  updateDataControls(state);
  network.build();
  network.update();
  plot.redraw();
  chart.redraw();
}

on("preset", "change", () => { if ($("preset").value) send({ type: "load_preset", name: $("preset").value }); });
on("diverged-reset", "click", () => send({ type: "reset" }));
wireNetworkControls(state, send);
wireDataControls(state, send);
