// The theme and projector switches (boot.js applied the remembered ones before the first
// paint). Theme and projector mode are data-theme / data-projector on <html>; the stylesheet
// swaps CSS variables, and drawings that cannot use CSS redraw on "np:theme" / "np:projector".
import { cssVar } from "./dom.js";

const root = document.documentElement;

function store(key, value, storage = localStorage) {
  try { storage.setItem(key, value); } catch { /* private mode: not remembered */ }
}

export function setTheme(theme) {
  root.dataset.theme = theme;
  store("np-theme", theme);
  document.dispatchEvent(new CustomEvent("np:theme", { detail: { theme } }));
}

export function setProjector(on) {
  root.dataset.projector = on ? "on" : "off";
  store("np-projector", on ? "on" : "off");
  store("np-projector", on ? "on" : "off", sessionStorage);
  document.dispatchEvent(new CustomEvent("np:projector", { detail: { on } }));
}

// The font of a Plotly chart: the page's, at the chart size (large in projector mode).
export function chartFont() {
  const size = parseFloat(cssVar("--chart-font-size"));
  return { color: cssVar("--fg"), family: cssVar("--font"), size };
}

// A chart's margins in units of its type size (--chart-font-size): room for the tick labels
// and an axis title, so a projector's 24 px charts keep most of their box for the plot.
// Axes that say `automargin: true` grow them where their labels need more.
export function chartMargin({ l = 3.2, r = 0.6, t = 0.6, b = 2.6 } = {}) {
  const size = chartFont().size || 13;
  const px = (k) => Math.round(k * size);
  return { l: px(l), r: px(r), t: px(t), b: px(b) };
}

// The header's two switches, with aria-pressed kept true to what the page shows.
export function setupSwitches() {
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
