// The websocket session of a lab page, and what goes with it: the toast, translated errors,
// downloads. Classroom modules (tour.js, share.js, keys.js, room.js) listen to the events this
// module dispatches on `document`: "np:open" ({session, first, resumed, restored}),
// "np:message" ({msg, session}) and "np:room" (the `room` message).
import { decompress } from "./compression.js";
import { $, appPath } from "./dom.js";
import { t } from "./i18n.js";

const root = document.documentElement;

// The page's query: ?preset=, ?tour=, ?room= and the lessons' own.
export const params = new URLSearchParams(location.search);

let current = null;
// The page's session (null on a page without a lab, or before its script connected).
export function pageSession() {
  return current;
}

export function toast(text) {
  const el = $("toast");
  if (!el) return;
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 6000);
}

export function errorText(msg) {
  const key = `error.${msg.code}`;
  const translated = t(key, msg.params);
  return translated === key ? msg.message : translated;
}

function emit(name, detail) {
  document.dispatchEvent(new CustomEvent(name, { detail }));
}

// --- the websocket session ------------------------------------------------------------
// Close codes from the server (docs/protocol.md): 1008 refused for good, 1009 message too
// large for the transport, 1012 this server stops (the work waits for us elsewhere), 1013
// server full, 1000 "idle", 4000 continued in another tab.
const CLOSE = { IDLE: 1000, POLICY: 1008, TOO_BIG: 1009, RESTART: 1012, FULL: 1013, REPLACED: 4000 };
// After a 1012, come back within this long: at once, but not a whole class in the same
// millisecond.
const RESTART_SPREAD_MS = 1000;
const FULL_RETRY_MS = 60000;

// What a tab keeps for its next page load: the resume token of its session (to take the
// same lab back after a reload) and the last saved state (if the resume grace ran out).
// Both are tied to the exact URL, so a shared link opened in this tab starts fresh; and
// both are read once and removed, so a duplicated tab never takes over this one's session.
function stash(kind, lab, value) {
  try {
    sessionStorage.setItem(`np-${kind}:${lab}`, JSON.stringify({ url: location.href, value }));
  } catch (e) { /* storage full or disabled: the work lives on the server for a while */ }
}
function unstash(kind, lab) {
  const key = `np-${kind}:${lab}`;
  try {
    const item = JSON.parse(sessionStorage.getItem(key) || "null");
    sessionStorage.removeItem(key);
    return item && item.url === location.href ? item.value : null;
  } catch (e) {
    return null;
  }
}

// Frames may carry heatmaps deflated by the server ({encoding: "deflate"}: the decision
// surface is a third of the size). Each is inflated into `map.bytes` (read by
// heatmap.js's `bytes`) before its message is handled; messages are still handled in order.
function deflatedMaps(value, found = []) {
  if (Array.isArray(value)) {
    if (value.length && typeof value[0] === "object") value.forEach((v) => deflatedMaps(v, found));
  } else if (value && typeof value === "object") {
    if (value.encoding === "deflate") found.push(value);
    else Object.values(value).forEach((v) => deflatedMaps(v, found));
  }
  return found;
}

export function base64Bytes(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export async function inflate(map) {
  map.bytes = await decompress(base64Bytes(map.data), "deflate");
  return map;
}

// One websocket session for a lab. `handlers[type](msg, session)` receives each server
// message; errors are shown as a toast unless the page handles them. `handlers.open(session)`
// runs when a fresh session starts, not when a reconnect or a reload took the old one back
// (then the server kept everything). Reconnects with backoff and resumes the same work.
// The page's session is also `pageSession()`, for the classroom modules; "np:open" says
// {session, first, resumed} once the session is greeted (and resumed or not).
export function connect(lab, handlers) {
  let ws = null;
  let retry = 500;
  let opened = 0;
  let ready = false; // greeting done: page messages go straight out
  let token = null; // this connection's resume token
  let resumeWith = unstash("resume", lab);
  let reconnecting = false;
  let held = []; // a fresh session's first frame/status, held while a resume is tried
  const queue = []; // the page's messages while (re)connecting
  const waiting = []; // [{answer, resolve, reject}] for request()
  const stateAskers = []; // "page" or "np", one per get_state on the wire
  const write = (msg, asker = "page") => {
    if (msg.type === "get_state") stateAskers.push(asker);
    ws.send(JSON.stringify(msg));
  };
  const session = {
    lab,
    limits: {},
    send(msg) {
      if (ready && ws.readyState === WebSocket.OPEN) write(msg);
      else queue.push(msg);
    },
    // Send `msg` and resolve with the next message of type `answer` (or reject on error).
    request(msg, answer) {
      return new Promise((resolve, reject) => {
        waiting.push({ answer, resolve, reject });
        session.send(msg);
      });
    },
    get open() { return ready && ws !== null && ws.readyState === WebSocket.OPEN; },
  };
  current = session;
  const raw = (msg) => write(msg, "np");
  const deliver = (msg) => {
    const pending = waiting.findIndex((w) => w.answer === msg.type || msg.type === "error");
    const handler = handlers[msg.type];
    if (handler) handler(msg, session);
    else if (msg.type === "error" && pending < 0) toast(errorText(msg));
    if (pending >= 0) {
      const [w] = waiting.splice(pending, 1);
      if (msg.type === "error") w.reject(msg);
      else w.resolve(msg);
    }
    emit("np:message", { msg, session });
  };

  function greeted(resumed) {
    ready = true;
    let restored = false; // the tab's saved state, put back when the server had forgotten
    if (!resumed) {
      held.forEach(deliver);
      if (handlers.open) handlers.open(session);
      const saved = unstash("state", lab);
      if (saved) {
        raw({ type: "set_state", state: saved });
        toast(t("connection.restored"));
        restored = true;
      }
    } else if (reconnecting) {
      toast(t("connection.resumed"));
    }
    held = [];
    reconnecting = false;
    while (queue.length) write(queue.shift());
    emit("np:open", { session, first: opened++ === 0, resumed, restored });
  }

  // The room shows another page (the teacher opened it): go there, and follow from there.
  function followOn(lab, code) {
    if (!/^[a-z0-9_]+$/.test(lab ?? "")) return false;
    location.assign(`${appPath(`/${lab}`)}?room=${encodeURIComponent(code)}`);
    return true;
  }

  function onMessage(msg) {
    switch (msg.type) {
      case "hello":
        token = msg.resume;
        session.limits = msg.limits;
        if (resumeWith) {
          raw({ type: "resume", token: resumeWith });
          resumeWith = null;
        } else {
          greeted(false);
        }
        return;
      case "resumed":
        greeted(msg.restored);
        return;
      case "state":
        // Unasked (before an idle close) or asked by np.js itself: keep it for later.
        if (stateAskers.shift() !== "page") {
          stash("state", lab, msg.state);
          return;
        }
        break;
      case "room":
        if (msg.moved && followOn(msg.lab, msg.code)) {
          sessionStorage.setItem("np-room-moved", msg.lab); // room.js says so on arrival
          return;
        }
        emit("np:room", msg);
        break;
      case "error":
        if (msg.code === "access_required") {
          location.assign(`${appPath("/access")}?next=${encodeURIComponent(location.pathname + location.search)}`);
          return;
        }
        if (msg.code === "room_other_lab" && followOn(msg.params.lab, msg.params.code)) return;
        break;
      default:
        if (!ready && (msg.type === "frame" || msg.type === "status")) {
          held.push(msg); // the fresh lab's, shown only if the resume fails
          return;
        }
    }
    deliver(msg);
  }

  let inbox = Promise.resolve(); // messages waiting for their maps to inflate, in order
  let inflating = 0;
  function receive(msg) {
    const maps = msg.type === "frame" ? deflatedMaps(msg) : [];
    if (!maps.length && !inflating) {
      onMessage(msg);
      return;
    }
    inflating += 1;
    inbox = inbox
      .then(() => Promise.all(maps.map(inflate)))
      .then(() => onMessage(msg))
      .catch((err) => setTimeout(() => { throw err; })) // reported; later messages go on
      .finally(() => { inflating -= 1; });
  }

  function open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    ws = new WebSocket(`${scheme}://${location.host}${appPath(`/ws/${lab}`)}`);
    ready = false;
    held = [];
    ws.onopen = () => {
      retry = 500;
      root.dataset.connection = "open";
    };
    ws.onmessage = (event) => receive(JSON.parse(event.data));
    ws.onclose = (event) => {
      ready = false;
      root.dataset.connection = "closed";
      resumeWith = token;
      reconnecting = true;
      stateAskers.length = 0;
      if (event.code === CLOSE.POLICY) return; // refused for good (unknown lab, origin)
      if (event.code === CLOSE.REPLACED) {
        root.dataset.connection = "replaced";
        toast(t("connection.replaced"));
        return;
      }
      if (event.code === CLOSE.IDLE && event.reason === "idle") {
        root.dataset.connection = "idle";
        toast(t("connection.idle"));
        const wake = () => {
          removeEventListener("pointerdown", wake, true);
          removeEventListener("keydown", wake, true);
          open();
        };
        addEventListener("pointerdown", wake, true);
        addEventListener("keydown", wake, true);
        return;
      }
      if (event.code === CLOSE.RESTART) {
        root.dataset.connection = "moving";
        toast(t("connection.moving"));
        retry = 500;
        setTimeout(open, Math.random() * RESTART_SPREAD_MS);
        return;
      }
      if (event.code === CLOSE.FULL) {
        root.dataset.connection = "full";
        toast(t("connection.full"));
        setTimeout(open, FULL_RETRY_MS);
        return;
      }
      if (event.code === CLOSE.TOO_BIG) {
        toast(t("error.too_large", { limit: session.limits.max_message_bytes }));
        setTimeout(open, 0);
        return;
      }
      toast(t("connection.lost"));
      setTimeout(open, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  // Leaving or reloading: remember how to take this session back.
  addEventListener("pagehide", () => { if (token) stash("resume", lab, token); });
  // Going to the background (a closed lid, another app): save the state, in case the
  // server forgets this session before the learner returns.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && session.open) raw({ type: "get_state" });
  });
  open();
  return session;
}

// A file for the learner to keep: state, weights, pictures.
export function download(blob, filename) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
