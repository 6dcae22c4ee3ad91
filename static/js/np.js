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

  // One websocket session for a lab. `handlers[type](msg)` receives each server message;
  // errors are shown as a toast unless the page handles them. Reconnects with backoff.
  function connect(lab, handlers) {
    let ws = null;
    let retry = 500;
    const queue = [];
    const session = {
      send(msg) {
        const text = JSON.stringify(msg);
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
        else queue.push(text);
      },
      get open() { return ws !== null && ws.readyState === WebSocket.OPEN; },
    };
    function open() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      ws = new WebSocket(`${scheme}://${location.host}/ws/${lab}`);
      ws.onopen = () => {
        retry = 500;
        root.dataset.connection = "open";
        if (handlers.open) handlers.open(session);
        while (queue.length) ws.send(queue.shift());
      };
      ws.onmessage = (event) => {
        const msg = JSON.parse(event.data);
        const handler = handlers[msg.type];
        if (handler) handler(msg, session);
        else if (msg.type === "error") toast(errorText(msg));
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

  return { t, fmt, factor, num, numFactor, writeLines, toast, errorText, connect, params };
})();
