// The network picture (core/network.js): the seven feature switches, every neuron's small
// map, the weights on the edges, and the step-through of one iteration over it.
import { fmt } from "../../core/format.js";
import * as heatmap from "../../core/heatmap.js";
import { engineNames, t } from "../../core/i18n.js";
import { networkView } from "../../core/network.js";
import { toast } from "../../core/session.js";
import { stepThrough } from "../shared/stepthrough.js";
import { paintNeuronMap, signedScale } from "./paint.js";
import { weight, weightEditor } from "./weightEditor.js";

// The engine's input features (all of them, in its order), as the page template embedded them.
const FEATURES = engineNames().features;

export const featureName = (name) => t(`playground.feature.${name}`);

const pressed = (e) => {
  if (e.key !== "Enter" && e.key !== " ") return false;
  e.preventDefault();
  return true;
};

// `state`: the page's shared state (config, frame, maps, colours, hovered, selected,
// wantedFeatures); `redrawPlot` shows the neuron pointed at in the big plot.
export function networkPanel(svg, state, { session, send, neuronName, redrawPlot }) {
  let wantedTimer = 0;

  // Clicking a feature switches it; clicking a neuron edits its bias.
  function activateNode(layer, j, slot) {
    if (layer < 0) toggleFeature(FEATURES[slot]);
    else editor.edit({ kind: "bias", layer, j });
  }
  const net = networkView(svg, {
    edgeClick: (l, i, j) => editor.edit(weight(l, i, j)),
    edgeKey: (e, l, i, j) => { if (pressed(e)) editor.edit(weight(l, i, j)); },
    edgeEnter: (l, i, j) => editor.describe(weight(l, i, j)),
    nodeClick: (layer, j, slot) => activateNode(layer, j, slot),
    nodeKey: (e, layer, j, slot) => { if (pressed(e)) activateNode(layer, j, slot); },
    nodeEnter: (layer, j) => { if (j >= 0) showNeuron(layer, j); },
    nodeLeave: (layer, j) => { if (j >= 0) hideNeuron(layer, j); },
  }, { node: "map", marginX: 84, marginY: 30, maxGap: 66, edgeLabels: "hover" });
  const steps = stepThrough({
    session, view: net, nodeName: (layer, j) => neuronName(layer, j), onSample: () => update(),
  });
  const editor = weightEditor(state, { send, neuronName, steps });

  function build() {
    const { config, frame } = state;
    const enabled = config.network.features;
    // Column 0 keeps a place for each of the seven features (switched-off ones greyed); layer
    // 0's rows are the enabled features, in their canonical order.
    net.build([enabled.length, ...frame.layers.map((l) => l.b.length)], {
      biases: false,
      inputSlots: { count: FEATURES.length, of: enabled.map((name) => FEATURES.indexOf(name)) },
    });
    FEATURES.forEach((name, k) => {
      const g = net.slot(k);
      g.dataset.testid = `feature-${name}`;
      g.setAttribute("role", "switch");
      g.setAttribute("aria-checked", String(enabled.includes(name)));
      g.setAttribute("aria-label", t("playground.feature_aria", { name: featureName(name) }));
      const label = g.querySelector(".node-name");
      label.textContent = featureName(name);
      label.setAttribute("translate", "no"); // X₁², sin(X₁): notation, the same in every language
    });
    frame.layers.forEach((layer, l) => layer.b.forEach((_, j) => {
      net.node(l, j).setAttribute("role", "button");
    }));
  }

  // Pointing at (or focusing) a neuron shows its own map, full size, in the big plot.
  function showNeuron(layer, j) {
    state.hovered = { layer, j };
    send({ type: "inspect", layer, j });
    if (layer >= 0) editor.describe({ kind: "bias", layer, j });
    redrawPlot();
  }
  function hideNeuron(layer, j) {
    const { hovered } = state;
    if (!hovered || hovered.layer !== layer || hovered.j !== j) return;
    state.hovered = null;
    send({ type: "inspect", layer: null });
    redrawPlot();
  }

  function update() {
    const { config, frame, maps, colours } = state;
    net.weigh(frame.layers, 6);
    for (const g of net.edges()) {
      const l = +g.dataset.layer, i = +g.dataset.i, j = +g.dataset.j;
      const w = frame.layers[l].w[i][j];
      g.classList.toggle("edge--selected", editor.isSelected(weight(l, i, j)));
      g.querySelector(".edge-label").textContent = fmt(w);
      g.setAttribute("aria-label", t("playground.edge_aria", {
        from: neuronName(l - 1, i), to: neuronName(l, j), value: fmt(w),
      }));
    }
    config.network.features.forEach((name, k) => {
      if (maps) heatmap.paintDiverging(mapOf(-1, k), maps.input[k], signedScale(colours));
    });
    frame.layers.forEach((layer, l) => layer.b.forEach((_, j) => {
      paintNeuronMap(state, mapOf(l, j), l, j, maps.neurons[l][j]);
      net.node(l, j).setAttribute("aria-label", t("playground.node_aria", {
        name: neuronName(l, j), bias: fmt(frame.layers[l].b[j]),
      }));
    }));
    writeWalkValues();
    steps.render(frame);
    editor.update();
  }
  const mapOf = (layer, j) => net.node(layer, j).querySelector("canvas");

  // Under each node: the value the iteration being walked computed for the sample shown (its
  // input features, each neuron's a); nothing when no iteration is shown.
  function writeWalkValues() {
    const walk = state.frame.step_through;
    const s = steps.sample;
    for (const g of net.nodes()) {
      if (g.dataset.j === undefined) continue;
      const layer = +g.dataset.layer, j = +g.dataset.j;
      let value = null;
      if (walk && layer < 0) value = walk.layers[0].x ? walk.layers[0].x[s][j] : null;
      else if (walk) value = walk.layers[layer].a ? walk.layers[layer].a[s][j] : null;
      g.querySelector(".node-value").textContent = value === null ? "" : fmt(value);
    }
  }

  // Features asked for and not yet in a frame (`state.wantedFeatures`): two quick clicks must
  // both count.
  function toggleFeature(name) {
    const enabled = state.wantedFeatures || state.config.network.features;
    const next = enabled.includes(name)
      ? enabled.filter((f) => f !== name)
      : FEATURES.filter((f) => f === name || enabled.includes(f));
    if (next.length === 0) {
      toast(t("playground.one_feature"));
      return;
    }
    send({ type: "set_network", features: next });
    state.wantedFeatures = next;
    clearTimeout(wantedTimer); // a lost answer must not pin the page's features for good
    wantedTimer = setTimeout(() => { state.wantedFeatures = null; }, 2000);
  }

  return { build, update };
}
