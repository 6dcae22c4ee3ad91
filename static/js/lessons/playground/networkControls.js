// The network's settings: learning rate, optimizer, batch, regularization, and the hidden
// layers (how many, their sizes and activations), shown from the engine's config and sent
// back as `set_network`.
import { $ } from "../../core/dom.js";
import { fmt } from "../../core/format.js";
import { engineNames, t } from "../../core/i18n.js";
import { layerRow } from "../../core/network.js";
import { addOption, on, randomSeed, setControl, setControlElement } from "./fields.js";

// The hidden activations the lab offers, as the page template embedded them.
const ACTIVATIONS = engineNames().playground_activations;

function layerName(l) { return t("playground.hidden_layer", { n: l + 1 }); }

export function showNetworkConfig(config) {
  const net = config.network;
  setControl("learning-rate", net.learning_rate);
  if ($("learning-rate").value !== String(net.learning_rate)) {
    addOption($("learning-rate"), net.learning_rate); // a value from a link or a file
  }
  setControl("optimizer", net.optimizer);
  setControl("batch-size", net.batch_size);
  $("batch-size-value").textContent = fmt(net.batch_size);
  setControl("regularization", net.regularization);
  if (![...$("regularization-rate").options].some((o) => +o.value === net.regularization_rate)) {
    addOption($("regularization-rate"), net.regularization_rate);
  }
  $("regularization-rate").value = [...$("regularization-rate").options]
    .find((o) => +o.value === net.regularization_rate).value;
  const hidden = net.hidden.length;
  // B.1's names: one hidden layer is a single-layer network, more a multi-layer one.
  $("layer-count").textContent = hidden === 0 ? t("neurons.kind_none")
    : hidden === 1 ? t("neurons.kind_single") : t("neurons.kind_multi", { n: hidden });
  $("add-layer").disabled = hidden >= config.limits.max_layers;
  $("remove-layer").disabled = hidden === 0;
}

// Sizes, activations and limits from the latest config (also after a restored state).
export function updateLayerControls(config) {
  config.network.hidden.forEach((size, l) => {
    const name = document.querySelector(`[data-testid="layer-${l}-size"]`);
    if (!name) return;
    name.textContent = t("playground.layer_neurons", { layer: layerName(l), n: size });
    document.querySelector(`[data-testid="neurons-more-${l}"]`).disabled =
      size >= config.limits.max_neurons;
    document.querySelector(`[data-testid="neurons-fewer-${l}"]`).disabled = size <= 1;
    setControlElement(document.querySelector(`[data-testid="activation-${l}"]`),
      config.network.activations[l]);
  });
}

// One row per hidden layer; `state.config` is read when a button is pressed, so a row built
// for an older config still sends the latest sizes.
export function buildLayerControls(state, send) {
  const box = $("layer-controls");
  box.replaceChildren();
  state.config.network.hidden.forEach((size, l) => {
    const { row, name } = layerRow({
      prefix: "playground", layer: l, label: layerName(l),
      onResize(delta) {
        const hidden = [...state.config.network.hidden];
        hidden[l] += delta;
        send({ type: "set_network", hidden });
      },
      activations: ACTIVATIONS,
      onActivation(activation) {
        const activations = [...state.config.network.activations];
        activations[l] = activation;
        send({ type: "set_network", activations });
      },
    });
    name.dataset.testid = `layer-${l}-size`;
    box.appendChild(row);
  });
}

export function wireNetworkControls(state, send) {
  on("new-weights", "click", () => send({ type: "set_network", init_seed: randomSeed() }));
  on("learning-rate", "change", () => send({ type: "set_network", learning_rate: +$("learning-rate").value }));
  on("optimizer", "change", () => send({ type: "set_network", optimizer: $("optimizer").value }));
  on("batch-size", "input", () => { $("batch-size-value").textContent = fmt(+$("batch-size").value); });
  on("batch-size", "change", () => send({ type: "set_network", batch_size: +$("batch-size").value }));
  on("regularization", "change", () => send({ type: "set_network", regularization: $("regularization").value }));
  on("regularization-rate", "change", () =>
    send({ type: "set_network", regularization_rate: +$("regularization-rate").value }));
  on("add-layer", "click", () => {
    const hidden = state.config.network.hidden;
    send({ type: "set_network", hidden: [...hidden, hidden.at(-1) || 4] });
  });
  on("remove-layer", "click", () => send({ type: "set_network", hidden: state.config.network.hidden.slice(0, -1) }));
}
