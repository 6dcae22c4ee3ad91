// Shared by every page: translations, number formatting, theme, projector mode, and the
// websocket session. Pages never compute the numbers they show: they format what the
// engine sent. Classroom modules (tour.js, share.js, keys.js) listen to the events this
// file dispatches on `document`: "np:open" ({session, first}) and "np:message" ({msg, session}).
"use strict";

const NP = (() => {
  const root = document.documentElement;
  const params = new URLSearchParams(location.search);

  // --- remembered switches, applied before the first paint (loaded blocking in <head>) ---

  function stored(key, storage = localStorage) {
    try { return storage.getItem(key); } catch { return null; }
  }
  function store(key, value, storage = localStorage) {
    try { storage.setItem(key, value); } catch { /* private mode: not remembered */ }
  }

  // Theme: the learner's choice, else the system's preference.
  const prefersDark = window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches;
  root.dataset.theme = stored("np-theme") || (prefersDark ? "dark" : "light");

  // Projector: the switch is remembered by the browser; ?projector=1 / 0 holds for this tab
  // only, so a link sent to learners does not turn their own screens into projectors.
  if (params.has("projector")) {
    store("np-projector", params.get("projector") === "1" ? "on" : "off", sessionStorage);
  }
  const projector = stored("np-projector", sessionStorage) || stored("np-projector");
  root.dataset.projector = projector === "on" ? "on" : "off";

  function setTheme(theme) {
    root.dataset.theme = theme;
    store("np-theme", theme);
    document.dispatchEvent(new CustomEvent("np:theme", { detail: { theme } }));
  }
  function setProjector(on) {
    root.dataset.projector = on ? "on" : "off";
    store("np-projector", on ? "on" : "off");
    store("np-projector", on ? "on" : "off", sessionStorage);
    document.dispatchEvent(new CustomEvent("np:projector", { detail: { on } }));
  }

  // --- catalogs and numbers ---------------------------------------------------------------

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
    const text = formatter.format(x);
    // -0, and tiny negatives that round to it, are written 0.
    return text === "-0" ? "0" : text.replace("-", "−");
  }
  // A factor inside a written-out product: negatives in parentheses, as the book writes them.
  function factor(x) {
    return x < 0 ? `(${fmt(x)})` : fmt(x);
  }

  // Like fmt, but small numbers keep 3 significant digits instead of rounding to 0: learning
  // rates (0.0125) and gradients must not read as zero when they are not.
  const small = new Intl.NumberFormat(root.lang === "ko" ? "ko-KR" : "en-US", {
    maximumSignificantDigits: 3,
  });
  function num(x) {
    if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 0.1) return fmt(x);
    return small.format(x).replace("-", "−");
  }
  function numFactor(x) {
    return x < 0 ? `(${num(x)})` : num(x);
  }

  // Written-out arithmetic: one <p class="formula-line"> per line, replacing the box's content.
  function writeLines(box, lines) {
    box.replaceChildren();
    for (const text of lines) {
      const p = document.createElement("p");
      p.className = "formula-line";
      p.textContent = text;
      box.appendChild(p);
    }
  }

  // The book's own Korean words quoted on a page in another language: each run of Hangul
  // becomes <span lang="ko" translate="no">, so a screen reader reads it in Korean and a
  // translation tool leaves it alone. For texts that quote the book (notes on its terms).
  const HANGUL_RUN = /[\uac00-\ud7a3]+(?:[\s\u00b7]+[\uac00-\ud7a3]+)*/g;
  function quotedText(el, text) {
    if (root.lang === "ko") {
      el.textContent = text;
      return;
    }
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(HANGUL_RUN)) {
      const span = document.createElement("span");
      span.lang = "ko";
      span.setAttribute("translate", "no");
      span.textContent = match[0];
      parts.push(text.slice(last, match.index), span);
      last = match.index + match[0].length;
    }
    parts.push(text.slice(last));
    el.replaceChildren(...parts);
  }

  // A colour or size from the stylesheet, for drawings that cannot use CSS (Plotly, canvas).
  function cssVar(name) {
    return getComputedStyle(root).getPropertyValue(name).trim();
  }

  // The font of a Plotly chart: the page's, at the chart size (large in projector mode).
  function chartFont() {
    const size = parseFloat(cssVar("--chart-font-size"));
    return { color: cssVar("--fg"), family: cssVar("--font"), size };
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

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  }

  // One websocket session for a lab. `handlers[type](msg)` receives each server message;
  // errors are shown as a toast unless the page handles them. Reconnects with backoff.
  // The page's session is also `NP.session`, for the classroom modules.
  function connect(lab, handlers) {
    let ws = null;
    let retry = 500;
    let opened = 0;
    const queue = [];
    const waiting = []; // [{type, resolve}] for request()
    const session = {
      lab,
      send(msg) {
        const text = JSON.stringify(msg);
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
        else queue.push(text);
      },
      // Send `msg` and resolve with the next message of type `answer` (or reject on error).
      request(msg, answer) {
        return new Promise((resolve, reject) => {
          waiting.push({ answer, resolve, reject });
          session.send(msg);
        });
      },
      get open() { return ws !== null && ws.readyState === WebSocket.OPEN; },
    };
    NP.session = session;
    function open() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      ws = new WebSocket(`${scheme}://${location.host}/ws/${lab}`);
      ws.onopen = () => {
        retry = 500;
        root.dataset.connection = "open";
        if (handlers.open) handlers.open(session);
        while (queue.length) ws.send(queue.shift());
        emit("np:open", { session, first: opened++ === 0 });
      };
      ws.onmessage = (event) => {
        const msg = JSON.parse(event.data);
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
      ws.onclose = (event) => {
        root.dataset.connection = "closed";
        if (event.code === 1008) return; // refused for good (unknown lab)
        toast(t("connection.lost"));
        setTimeout(open, retry);
        retry = Math.min(retry * 2, 10000);
      };
    }
    open();
    return session;
  }

  // A file for the learner to keep: state, weights, pictures.
  function download(blob, filename) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  function setupSwitches() {
    const theme = document.querySelector(".theme-toggle");
    const projector = document.querySelector(".projector-toggle");
    const show = () => {
      if (theme) theme.setAttribute("aria-pressed", String(root.dataset.theme === "dark"));
      if (projector) projector.setAttribute("aria-pressed", String(root.dataset.projector === "on"));
    };
    theme?.addEventListener("click", () => {
      setTheme(root.dataset.theme === "dark" ? "light" : "dark");
      show();
    });
    projector?.addEventListener("click", () => {
      setProjector(root.dataset.projector !== "on");
      show();
    });
    document.addEventListener("np:projector", show);
    show();
  }
  document.addEventListener("DOMContentLoaded", setupSwitches);

  return {
    t, fmt, factor, num, numFactor, writeLines, quotedText, cssVar, chartFont, toast, errorText,
    connect, download, params, setTheme, setProjector, session: null,
  };
})();
