// The step-through of one training iteration, shared by every page that trains a network it
// draws (neurons, backprop, descent, playground). It owns the controls in
// templates/partials/stepthrough.html (a page may leave out all but the step buttons) and
// writes the engine's numbers of the iteration onto the page's networkView (core/network.js): values as the
// forward pass reaches them, dL/dw on edges and dL/da, dL/dz under nodes as the backward pass
// does, old -> new at the update. `edgeLines`/`nodeLines` give the chain rule written out with
// the actual factors, for the page's own hover panel. The page never computes these numbers.
import { $ } from "../../core/dom.js";
import { fmt, factor, num, numFactor, writeLines } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { writeParts } from "../../core/network.js";
import { toast } from "../../core/session.js";
import { trainingControls } from "../../core/controls.js";

export function stepThrough({ session, view, nodeName, onSample, beforePlace }) {
  const SLOW_MOTION_MS = 900; // one phase per tick while playing in slow motion

  let frame = null;
  let sample = 0;

  const st = () => (frame ? frame.step_through : null);
  const lastLayer = () => frame.step_through.layers.length - 1;

  // --- controls -------------------------------------------------------------------------

  // Only the controls the page has: the playground keeps play, speed and settings in its own
  // toolbar. Play, one iteration and speed are the training controls every page has; a speed
  // of 0 plays phase by phase.
  const controls = trainingControls(session, {
    ids: { play: "st-play", step: "st-iteration", speed: "st-speed", reset: null, state: null },
    labels: "stepthrough",
    slowMotion: { command: () => ({ type: "step_phase" }), periodMs: SLOW_MOTION_MS },
    onStatus(msg) {
      if ($("st-step")) $("st-step").textContent = msg.step;
      showDiverged(msg.diverged);
    },
  });
  const listen = (id, event, handler) => { if ($(id)) $(id).addEventListener(event, handler); };
  listen("st-phase", "click", () => session.send({ type: "step_phase" }));
  listen("st-loss", "change", (e) =>
    session.send({ type: "set_loss", loss: e.target.value }));
  listen("st-optimizer", "change", (e) =>
    session.send({ type: "set_optimizer", optimizer: e.target.value }));
  listen("st-lr", "change", (e) => {
    const value = e.target.valueAsNumber;
    if (Number.isFinite(value)) session.send({ type: "set_learning_rate", value });
    else toast(t("error.not_a_number"));
  });
  listen("st-sample", "change", (e) => {
    sample = +e.target.value;
    if (onSample) onSample(sample);
    else if (frame) render(frame);
  });
  for (const button of document.querySelectorAll("[data-st-reset]")) {
    button.addEventListener("click", () => {
      controls.stop();
      session.send({ type: "reset" });
    });
  }

  function showDiverged(diverged) {
    if ($("st-diverged")) $("st-diverged").hidden = !diverged;
  }

  function updateControls(training) {
    if (!training || !$("st-loss")) return; // the page's own toolbar shows its settings
    const keep = (el, value) => { if (document.activeElement !== el) el.value = value; };
    keep($("st-loss"), training.loss);
    keep($("st-optimizer"), training.optimizer);
    keep($("st-lr"), training.learning_rate);
    $("st-lr").max = training.max_learning_rate;
    $("st-step").textContent = training.step;
    showDiverged(training.diverged);
  }

  function updateSampleChooser(walk) {
    const n = walk && walk.layers[0].x ? walk.layers[0].x.length : 1;
    const chooser = $("st-sample");
    chooser.closest("label").hidden = n <= 1;
    if (chooser.options.length !== n) {
      chooser.replaceChildren();
      for (let k = 0; k < n; k++) {
        const option = document.createElement("option");
        option.value = k;
        option.textContent = t("stepthrough.sample_n", { n: k + 1 });
        chooser.appendChild(option);
      }
    }
    if (sample >= n) sample = 0;
    chooser.value = sample;
  }

  // --- phases ---------------------------------------------------------------------------

  function layerLabel(k) {
    return k === lastLayer() ? t("stepthrough.output_layer") : t("stepthrough.hidden_layer", { n: k + 1 });
  }

  function phaseLabel(phase) {
    if (phase.kind === "forward" || phase.kind === "backward") {
      return t(`stepthrough.phase_${phase.kind}`, { layer: layerLabel(phase.layer) });
    }
    return t(`stepthrough.phase_${phase.kind}`);
  }

  function renderPhases(walk) {
    const list = $("st-phases");
    list.replaceChildren();
    const explain = $("st-explain");
    if (!walk) {
      explain.textContent = t("stepthrough.idle");
      return;
    }
    walk.phases.forEach((phase, k) => {
      const item = document.createElement("li");
      item.textContent = phaseLabel(phase);
      item.className = k < walk.phase ? "done" : k === walk.phase ? "current" : "todo";
      item.dataset.testid = `phase-${k}`;
      if (k === walk.phase) item.setAttribute("aria-current", "step");
      list.appendChild(item);
    });
    const phase = walk.phases[walk.phase];
    explain.textContent = t(`stepthrough.explain_${phase.kind}`, {
      layer: phase.layer === null ? "" : layerLabel(phase.layer),
    });
  }

  // --- the network ------------------------------------------------------------------------

  function writeNumbers(walk) {
    for (const g of view.edges()) {
      g.querySelector(".edge-grad").textContent = "";
      g.classList.remove("phase-active", "edge--updated");
    }
    for (const g of view.nodes()) {
      g.querySelector(".node-grad").textContent = "";
      g.classList.remove("phase-active", "node--pending");
    }
    if (!walk) return;
    const phase = walk.phases[walk.phase];
    walk.layers.forEach((layer, l) => {
      const active = (phase.kind === "forward" || phase.kind === "backward") && phase.layer === l;
      for (let j = 0; j < layer.w[0].length; j++) {
        const node = view.node(l, j);
        if (!node) continue;
        node.classList.toggle("phase-active", active ||
          (phase.kind === "loss" && l === walk.layers.length - 1));
        if (!walk.complete) {
          const value = node.querySelector(".node-value");
          if (layer.a) value.textContent = fmt(layer.a[sample][j]);
          else {
            value.textContent = "?";
            node.classList.add("node--pending");
          }
        }
        if (layer.da) {
          writeParts(node.querySelector(".node-grad"), [
            t("stepthrough.node_grad_a", { value: num(layer.da[sample][j]) }),
            t("stepthrough.node_grad_z", { value: num(layer.dz[sample][j]) }),
          ]);
        }
        const bias = node.querySelector(".bias-label");
        if (bias && layer.update && layer.update.b) {
          writeParts(bias, [`b = ${fmt(layer.update.b.old[j])}`, `→ ${fmt(layer.update.b.new[j])}`], " ");
        } else if (bias && layer.b && !walk.complete) {
          bias.textContent = `b = ${fmt(layer.b[j])}`;
        }
      }
      layer.w.forEach((row, i) => row.forEach((w, j) => {
        const edge = view.edge(l, i, j);
        if (!edge) return;
        edge.classList.toggle("phase-active", active || phase.kind === "update");
        const label = edge.querySelector(".edge-label");
        if (layer.update) {
          label.textContent = `${fmt(layer.update.w.old[i][j])} → ${fmt(layer.update.w.new[i][j])}`;
          edge.classList.add("edge--updated");
        } else {
          label.textContent = fmt(w);
        }
        if (layer.dw) {
          const grad = t("stepthrough.edge_grad", { value: num(layer.dw[i][j]) });
          edge.querySelector(".edge-grad").textContent = grad;
          edge.setAttribute("aria-label", t("stepthrough.edge_aria", {
            from: nodeName(l - 1, i), to: nodeName(l, j), value: fmt(w), grad,
          }));
        }
      }));
    });
  }

  // The numbers first, then their places: placement measures what was written, the page's
  // own additions to the labels (`beforePlace`: B.4's ① ②) included, so it runs once.
  function decorate(walk) {
    writeNumbers(walk);
    beforePlace?.();
    view.place();
  }

  // --- written-out arithmetic -------------------------------------------------------------

  // a_i of the layer's input: an input x_i for the first layer.
  const inputName = (l, i) => nodeName(l - 1, i);

  function edgeLines(l, i, j) {
    const walk = st();
    if (!walk || !walk.layers[l] || !walk.layers[l].dw) return [];
    const layer = walk.layers[l];
    const from = inputName(l, i), to = nodeName(l, j);
    const n = layer.x.length;
    const products = layer.x.map((x, s) => `${numFactor(layer.dz[s][j])} × ${numFactor(x[i])}`);
    // With a weight penalty R (L1/L2), its own gradient is added: ∂(L + R)/∂w.
    const penalty = layer.dw_penalty ? layer.dw_penalty[i][j] : null;
    const rule = `${n === 1 ? "" : "Σ "}∂L/∂z(${to}) × a(${from})${penalty === null ? "" : " + ∂R/∂w"}`;
    const terms = [...products, ...(penalty === null ? [] : [numFactor(penalty)])];
    const lines = [
      t("stepthrough.chain_title", { from, to }),
      `∂L/∂w = ${rule} = ${terms.join(" + ")} = ${num(layer.dw[i][j])}`,
      dzLine(layer, j, to),
    ];
    if (layer.update) lines.push(...updateLines(layer.update.w, (a) => a[i][j]));
    return lines;
  }

  function dzLine(layer, j, name) {
    const s = sample;
    if (layer.fprime === null) {
      return `∂L/∂z(${name}) = ${num(layer.dz[s][j])} ${t("stepthrough.softmax_note")}`;
    }
    return `∂L/∂z(${name}) = ∂L/∂a × f′(z) = ${numFactor(layer.da[s][j])} × ` +
      `${numFactor(layer.fprime[s][j])} = ${num(layer.dz[s][j])}`;
  }

  function nodeLines(layerIndex, j) {
    const walk = st();
    if (!walk || layerIndex < 0 || !walk.layers[layerIndex].da) return [];
    const layer = walk.layers[layerIndex];
    const name = nodeName(layerIndex, j);
    const s = sample;
    let daLine;
    if (layerIndex === walk.layers.length - 1) {
      daLine = `∂L/∂a(${name}) = ∂L/∂ŷ = ${num(layer.da[s][j])}`;
    } else {
      const next = walk.layers[layerIndex + 1];
      const terms = next.w[j].map((w, k) => `${numFactor(w)} × ${numFactor(next.dz[s][k])}`);
      daLine = `∂L/∂a(${name}) = Σ w × ∂L/∂z = ${terms.join(" + ")} = ${num(layer.da[s][j])}`;
    }
    const lines = [daLine, dzLine(layer, j, name)];
    if (layer.update && layer.update.b) lines.push(...updateLines(layer.update.b, (a) => a[j]));
    return lines;
  }

  function updateLines(update, at) {
    const opt = st().optimizer;
    const lr = num(opt.learning_rate);
    const old = fmt(at(update.old)), next = num(at(update.new)), g = numFactor(at(update.grad));
    if (opt.name === "momentum") {
      const v = at(update.state.velocity), v0 = at(update.state.velocity_before);
      return [
        `v = μ × v₀ − η × ∂L/∂w = ${num(opt.momentum)} × ${numFactor(v0)} − ${lr} × ${g} = ${num(v)}`,
        `w = w + v = ${old} + ${numFactor(v)} = ${next}`,
      ];
    }
    if (opt.name === "adam") {
      const mh = at(update.state.m_hat), vh = at(update.state.v_hat);
      return [
        `m = ${num(at(update.state.m))}, v = ${num(at(update.state.v))}, ` +
          `m̂ = ${num(mh)}, v̂ = ${num(vh)} (t = ${opt.t})`,
        `w = w − η × m̂ / (√v̂ + ε) = ${old} − ${lr} × ${numFactor(mh)} / √${num(vh)} = ${next}`,
      ];
    }
    return [`w = w − η × ∂L/∂w = ${old} − ${lr} × ${g} = ${next}`];
  }

  // --- the loss and the update, written out ---------------------------------------------------

  function lossLines(loss) {
    const p = loss.parts;
    const lines = [t(`stepthrough.formula_${loss.name}`)];
    if (loss.from_logits) lines.push(t(`stepthrough.from_logits_${loss.name}`));
    const shown = Math.min(loss.terms.length, 6);
    for (let s = 0; s < shown; s++) {
      let text;
      if (loss.name === "mse") {
        const items = p.pred[s].map((y, m) => `(${fmt(y)} − ${factor(p.target[s][m])})²`);
        text = items.length === 1 ? items[0] : `[${items.join(" + ")}] / ${items.length}`;
      } else if (loss.name === "binary_crossentropy") {
        const items = p.p[s].map((_, m) =>
          `${fmt(p.target[s][m])} × ${numFactor(p.log_p[s][m])} + ` +
          `${fmt(p.one_minus_target[s][m])} × ${numFactor(p.log_one_minus_p[s][m])}`);
        text = items.length === 1 ? `−[${items[0]}]` : `−[${items.join(" + ")}] / ${items.length}`;
      } else {
        const items = p.target[s].flatMap((y, k) => (y === 0 ? [] :
          [`${fmt(y)} × ${numFactor(p.log_p[s][k])}`]));
        text = `−[${items.join(" + ")}]`;
      }
      const prefix = loss.terms.length > 1 ? `${t("stepthrough.sample_n", { n: s + 1 })}: ` : "";
      lines.push(`${prefix}${text} = ${num(loss.terms[s])}`);
    }
    if (loss.terms.length > shown) lines.push("…");
    if (loss.terms.length > 1) {
      lines.push(`L = (${loss.terms.map(num).join(" + ")}) / ${loss.terms.length} = ${num(loss.value)}`);
    } else {
      lines.push(`L = ${num(loss.value)}`);
    }
    if (loss.regularizer) {
      lines.push(t(`stepthrough.penalty_${loss.regularizer.name}`, {
        rate: num(loss.regularizer.rate), value: num(loss.penalty),
      }));
    }
    const prefix = loss.terms.length > 1 ? ` (${t("stepthrough.sample_n", { n: sample + 1 })})` : "";
    lines.push(`∂L/∂ŷ${prefix} = ${loss.dpred[sample].map(num).join(", ")}`);
    return lines;
  }

  function renderReadouts(walk) {
    writeLines($("st-loss-text"), walk && walk.loss ? lossLines(walk.loss) : []);
    const lines = [];
    if (walk && walk.complete) {
      const before = walk.layers[walk.layers.length - 1].a[sample];
      const after = walk.pred_after[sample];
      lines.push(t("stepthrough.prediction_change", {
        before: before.map(fmt).join(", "), after: after.map(fmt).join(", "),
      }));
      lines.push(t("stepthrough.loss_change", {
        before: num(walk.loss.value), after: num(walk.loss_after),
      }));
      if (walk.penalty_after !== null) {
        lines.push(t("stepthrough.penalty_change", {
          before: num(walk.loss.penalty), after: num(walk.penalty_after),
        }));
      }
      lines.push(t(`stepthrough.rule_${walk.optimizer.name}`));
    }
    writeLines($("st-update-text"), lines);
  }

  function render(msg) {
    frame = msg;
    updateControls(msg.training);
    updateSampleChooser(msg.step_through);
    renderPhases(msg.step_through);
    decorate(msg.step_through);
    renderReadouts(msg.step_through);
  }

  return {
    render,
    status: controls.status,
    edgeLines,
    nodeLines,
    lossLines,
    get sample() { return sample; },
  };
}
