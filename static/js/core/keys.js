// The classroom keyboard, on every page: Space = one training step, P = play/pause,
// R = reset, ← → (and a presenter remote's PageUp/PageDown) = tour, Esc = close the tour,
// F = fullscreen, ? = the help overlay listing them. Keys typed into a field, or meant for
// the focused control, are left alone; so is everything while a dialog is open.
import { $ } from "./dom.js";
import { t } from "./i18n.js";
import { pageSession, toast } from "./session.js";

// What each key does: each action returns whether it did something (then the browser's
// default is prevented). Pages with more to do add theirs (the tour: ← → Esc) with addKeys.
const actions = {};

export function addKeys(more) {
  Object.assign(actions, more);
}

export function setupKeys() {
  const root = document.documentElement;
  const trainable = document.body.dataset.trainable === "true";
  const help = $("help");
  const fullscreenButton = $("fullscreen");
  let running = false;

  document.addEventListener("np:message", (e) => {
    if (e.detail.msg.type === "status") running = e.detail.msg.running;
  });

  const typing = (target) =>
    target.closest?.("input, select, textarea, [contenteditable='true'], [role='slider']");
  const activatable = (target) => target.closest?.("button, a, summary, [role='button']");

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (root.requestFullscreen) {
      root.requestFullscreen().catch(() => toast(t("error.fullscreen")));
    } else {
      toast(t("error.fullscreen"));
    }
  }

  function toggleHelp() {
    if (help.open) help.close();
    else help.showModal();
  }

  function send(msg) {
    pageSession()?.send(msg);
  }

  addKeys({
    "?": () => { toggleHelp(); return true; },
    f: () => { toggleFullscreen(); return true; },
    r: () => !!pageSession() && (send({ type: "reset" }), true),
    p: () => trainable && (send({ type: running ? "pause" : "play" }), true),
    " ": () => trainable && (send({ type: "step", steps: 1 }), true),
  });

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const action = actions[key];
    if (!action) return;
    if (document.querySelector("dialog[open]") && !(key === "?" && help.open)) return;
    if (typing(e.target)) return;
    // Space and Enter belong to a focused button or link.
    if (key === " " && activatable(e.target)) return;
    if (action()) e.preventDefault();
  });

  fullscreenButton?.addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", () => {
    fullscreenButton?.setAttribute("aria-pressed", String(!!document.fullscreenElement));
  });
  $("help-open")?.addEventListener("click", toggleHelp);

}
