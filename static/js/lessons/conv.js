// B.6 "Convolutional networks": a 5×5 drawing grid, the kernel sliding over it, ReLU,
// max and average pooling, flatten and a dense head. Every number shown comes from the
// engine's frame; this script only lays them out, formats them and sends the learner's edits.
// This module keeps the page's state and takes the frames in; each part of the page is a
// module of conv/ that reads the state it is given.
import { $ } from "../core/dom.js";
import { t } from "../core/i18n.js";
import { connect } from "../core/session.js";
import { showFlatten, showHead } from "./conv/head.js";
import { poolingViews } from "./conv/pools.js";
import { hideProblems, showProblem, syncControls, wireSettings } from "./conv/settings.js";
import { convStage } from "./conv/stage.js";
import { slidingWindow } from "./conv/window.js";

const state = {
  frame: null,
  cursor: 0, // the sliding window: index of the output cell, row by row
  poolCursor: 0, // the pooled cell whose window is shown, in both pooling views
  // The windows are part of the lab's state (a figure or a shared link sets them). The
  // learner's own moves show at once; frames still on their way with an older window must
  // not pull the cursor back, so the frame's window is taken once it is the one asked for.
  wantedCursor: null,
  wantedPool: null,
  rows: [], // per channel: {input, kernel, map} views
  sumMap: null,
  activatedView: null,
};
let shapeKey = "";

// ?preset=NAME and shared states are applied by share.js for every lab page.
const session = connect("conv", {
  frame(msg) { render(msg); },
  error(msg) { showProblem(msg, state.frame, session); },
});

const slider = slidingWindow(state, session);
const stage = convStage(state, session, { jumpTo: slider.jumpTo });
const pools = poolingViews(state, session);

// Built again when the shape changes (so focus survives value updates).
function build() {
  slider.stopPlaying();
  stage.build();
  pools.build();
  const out = state.frame.conv.out;
  $("scrub").max = out * out - 1;
  state.cursor = Math.min(state.cursor, out * out - 1);
}

function render(msg) {
  state.frame = msg;
  hideProblems();
  if (state.wantedCursor === null || state.wantedCursor === msg.window) {
    [state.cursor, state.wantedCursor] = [msg.window, null];
  }
  if (state.wantedPool === null || state.wantedPool === msg.pool_window) {
    [state.poolCursor, state.wantedPool] = [msg.pool_window, null];
  }
  const key = JSON.stringify([msg.channels, msg.conv.padded[0].length, msg.kernel_size,
    msg.conv.out, msg.pools[0].out.length]);
  if (key !== shapeKey) {
    shapeKey = key;
    build();
  }
  stage.update();
  $("activation-title").textContent = msg.relu ? t("conv.after_relu") : t("conv.without_relu");
  $("size-formula").textContent = t("conv.size_formula", {
    n: msg.conv.n, p: msg.padding, k: msg.conv.k, s: msg.stride, out: msg.conv.out,
  });
  slider.show();
  pools.show();
  showFlatten(msg);
  showHead(msg);
  syncControls(msg, session);
  showNotes(msg);
}

function showNotes(frame) {
  const box = $("notes");
  box.replaceChildren();
  for (const key of frame.notes) {
    const p = document.createElement("p");
    p.className = "note";
    p.dataset.testid = key;
    p.textContent = t(key);
    box.appendChild(p);
  }
  const notice = $("notice");
  notice.hidden = !frame.notice;
  notice.textContent = frame.notice ? t(frame.notice.key, frame.notice.params) : "";
}

wireSettings(session);
// The chart takes its colours from the theme: redraw it when the theme changes.
new MutationObserver(() => { if (state.frame) showHead(state.frame); })
  .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
