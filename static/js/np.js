// Shared by every page: translations, number formatting, theme, and the websocket session.
// Pages never compute the numbers they show: they format what the engine sent.
"use strict";

const NP = (() => {
  const root = document.documentElement;

  // Theme first, before the body paints (this file is loaded blocking in <head>).
  const savedTheme = localStorage.getItem("np-theme");
  if (savedTheme) root.dataset.theme = savedTheme;
  const params = new URLSearchParams(location.search);
  if (params.get("projector") === "1") root.dataset.projector = "on";

  let catalog = null;
  function t(key, values) {
    if (catalog === null) {
      const el = document.getElementById("np-catalog");
      catalog = el ? JSON.parse(el.textContent) : {};
    }
    let text = catalog[key] ?? key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.replaceAll(`{${name}}`, typeof value === "number" ? fmt(value) : value);
    }
    return text;
  }

  const formatter = new Intl.NumberFormat(root.lang === "ko" ? "ko-KR" : "en-US", {
    maximumFractionDigits: 3,
  });
  // One format for every number on every page; negatives use a true minus sign.
  function fmt(x) {
    if (x === null || x === undefined || Number.isNaN(x)) return "–";
    if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
    const text = formatter.format(Object.is(x, -0) ? 0 : x);
    return text.replace("-", "−");
  }
  // A factor inside a written-out product: negatives in parentheses, as the book writes them.
  function factor(x) {
    return x < 0 ? `(${fmt(x)})` : fmt(x);
  }

  function toast(text) {
    const el = document.getElementById("toast");
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { el.hidden = true; }, 6000);
  }

  function errorText(msg) {
    const key = `error.${msg.code}`;
    const translated = t(key, msg.params);
    return translated === key ? msg.message : translated;
  }

  // --- the websocket session ------------------------------------------------------------
  // Close codes from the server (docs/protocol.md): 1008 refused for good, 1009 message too
  // large for the transport, 1013 server full, 1000 "idle", 4000 continued in another tab.
  const CLOSE = { IDLE: 1000, POLICY: 1008, TOO_BIG: 1009, FULL: 1013, REPLACED: 4000 };
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

  // One websocket session for a lab. `handlers[type](msg, session)` receives each server
  // message; errors are shown as a toast unless the page handles them. `handlers.open(session)`
  // runs when a fresh session starts (not when a reconnect took the old one back).
  // Reconnects with backoff and resumes the same server-side work.
  function connect(lab, handlers) {
    let ws = null;
    let retry = 500;
    let ready = false; // greeting done: page messages go straight out
    let token = null; // this connection's resume token
    let resumeWith = unstash("resume", lab);
    let reconnecting = false;
    let held = []; // a fresh session's first frame/status, held while a resume is tried
    const queue = []; // the page's messages while (re)connecting
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
      get open() { return ready && ws !== null && ws.readyState === WebSocket.OPEN; },
    };
    const raw = (msg) => write(msg, "np");
    const deliver = (msg) => {
      const handler = handlers[msg.type];
      if (handler) handler(msg, session);
      else if (msg.type === "error") toast(errorText(msg));
    };

    function greeted(resumed) {
      ready = true;
      if (!resumed) {
        held.forEach(deliver);
        if (handlers.open) handlers.open(session);
        const saved = unstash("state", lab);
        if (saved) {
          raw({ type: "set_state", state: saved });
          toast(t("connection.restored"));
        }
      } else if (reconnecting) {
        toast(t("connection.resumed"));
      }
      held = [];
      reconnecting = false;
      while (queue.length) write(queue.shift());
      document.dispatchEvent(new CustomEvent("np:ready", { detail: { session, resumed } }));
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
          document.dispatchEvent(new CustomEvent("np:room", { detail: msg }));
          break;
        case "error":
          if (msg.code === "access_required") {
            location.assign(`/access?next=${encodeURIComponent(location.pathname + location.search)}`);
            return;
          }
          if (msg.code === "room_other_lab" && /^[a-z0-9_]+$/.test(msg.params.lab)) {
            // The room shows another page: go there, and follow it from that page.
            location.assign(`/${msg.params.lab}?room=${encodeURIComponent(msg.params.code)}`);
            return;
          }
          break;
        default:
          if (!ready && (msg.type === "frame" || msg.type === "status")) {
            held.push(msg); // the fresh lab's, shown only if the resume fails
            return;
          }
      }
      deliver(msg);
    }

    function open() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      ws = new WebSocket(`${scheme}://${location.host}/ws/${lab}`);
      ready = false;
      held = [];
      ws.onopen = () => {
        retry = 500;
        root.dataset.connection = "open";
      };
      ws.onmessage = (event) => onMessage(JSON.parse(event.data));
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
    api.session = session;
    return session;
  }

  function setupThemeToggle() {
    const button = document.querySelector(".theme-toggle");
    if (!button) return;
    button.addEventListener("click", () => {
      const next = root.dataset.theme === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      localStorage.setItem("np-theme", next);
    });
  }
  document.addEventListener("DOMContentLoaded", setupThemeToggle);

  const api = { t, fmt, factor, toast, errorText, connect, params, session: null };
  return api;
})();
