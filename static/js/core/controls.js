// The training controls of every page that trains: play/pause, one step, reset, speed, and
// what the run is doing. One component, one timeline: the page passes its `status` messages
// on (and calls `open` on a fresh session, to train at the speed it shows).
//
// Options:
// - `ids`: the elements' ids, {play, step, reset, speed, state} (default: those words, and
//   "run-state" for the line that says whether the run is going; null: the page has none).
// - `labels`: the catalog prefix of the texts `<labels>.play` / `.pause` (and, for the state
//   line, `.running` / `.paused` / `.diverged`).
// - `step()`: the command of the step button (one training step by default).
// - `slowMotion` {command(), periodMs}: a speed of 0 plays in slow motion, one `command()` per
//   tick sent from here (the step-through's phase by phase), instead of training on the server.
// - `onStatus(msg)`: what else the page shows of a status.
import { $ } from "./dom.js";
import { t } from "./i18n.js";

export function trainingControls(session, {
  ids = {}, labels, step = () => ({ type: "step", steps: 1 }), slowMotion = null, onStatus,
} = {}) {
  // An id the page gives (null: the page has no such control), else the usual one.
  const find = (name, usual) => {
    const id = name in ids ? ids[name] : usual;
    return id ? $(id) : null;
  };
  const play = find("play", "play");
  const stepButton = find("step", "step");
  const reset = find("reset", "reset");
  const speed = find("speed", "speed");
  const runState = find("state", "run-state");
  let serverRunning = false;
  let slowTimer = null;

  // Play and Pause differ in width: the button keeps the wider one (in em, so projector
  // mode scales it), and pressing it moves nothing beside it.
  if (play) {
    const widths = ["pause", "play"].map((k) => {
      play.textContent = t(`${labels}.${k}`);
      return play.getBoundingClientRect().width;
    });
    const em = parseFloat(getComputedStyle(play).fontSize);
    if (em > 0) play.style.minWidth = `${Math.ceil(100 * Math.max(...widths) / em) / 100}em`;
  }

  const running = () => serverRunning || slowTimer !== null;
  const inSlowMotion = () => slowMotion !== null && speed !== null && Number(speed.value) === 0;

  function showRunning(diverged = false) {
    if (play) {
      play.textContent = t(`${labels}.${running() ? "pause" : "play"}`);
      play.setAttribute("aria-pressed", String(running()));
    }
    if (runState) {
      runState.textContent = t(`${labels}.${diverged ? "diverged" : running() ? "running" : "paused"}`);
    }
  }

  function start() {
    if (!inSlowMotion()) {
      session.send({ type: "play" });
      return;
    }
    session.send(slowMotion.command());
    slowTimer = setInterval(() => session.send(slowMotion.command()), slowMotion.periodMs);
    showRunning();
  }

  function stop() {
    if (slowTimer !== null) {
      clearInterval(slowTimer);
      slowTimer = null;
    }
    if (serverRunning) session.send({ type: "pause" });
    showRunning();
  }

  play?.addEventListener("click", () => (running() ? stop() : start()));
  stepButton?.addEventListener("click", () => session.send(step()));
  reset?.addEventListener("click", () => {
    if (slowMotion) stop();
    session.send({ type: "reset" });
  });
  speed?.addEventListener("change", () => {
    if (!slowMotion) {
      session.send({ type: "set_speed", steps_per_frame: Number(speed.value) });
      return;
    }
    // Switching between slow motion (here) and training on the server: stop, then go on.
    const wasRunning = running();
    if (wasRunning) stop();
    if (!inSlowMotion()) session.send({ type: "set_speed", steps_per_frame: Number(speed.value) });
    if (wasRunning) start();
  });

  return {
    running,
    stop,
    status(msg) {
      serverRunning = msg.running;
      if (msg.diverged && slowMotion) stop();
      showRunning(msg.diverged);
      if (onStatus) onStatus(msg);
    },
    // A fresh session trains at the speed the page shows.
    open() {
      if (speed && !inSlowMotion()) {
        session.send({ type: "set_speed", steps_per_frame: Number(speed.value) });
      }
    },
  };
}
