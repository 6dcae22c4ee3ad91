// Plotly (the 1.5 MB cartesian bundle, vendor/plotly.min.js beside the static files under the
// same fingerprinted prefix, see app/routers/vendor.py) is loaded here and only here, once,
// and only by pages that chart: when they ask (plotlyReady) or first draw (withPlotly,
// drawChart). Pages draw through these, so nothing draws before the library is there:
// `withPlotly` for a chart drawn on the learner's action, `drawChart` for one that follows
// training.

let loading = null;

// Resolves with the Plotly object once the library has run (a classic script: Plotly is a UMD
// bundle that sets window.Plotly).
export function loadPlotly() {
  if (loading === null) {
    loading = window.Plotly ? Promise.resolve(window.Plotly) : new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("../../vendor/plotly.min.js", import.meta.url).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        loading = null; // try again with the next chart
        reject(new Error("plotly.min.js did not load"));
      };
      document.head.appendChild(script);
    });
  }
  return loading;
}

// Resolves once the library is there, or could not be had (a page still works without its
// charts). The pages whose first screen is charts wait for it before they connect, so their
// first frame draws them whole; the playground starts it at once without waiting; the conv
// page's one chart fetches it on first use.
export function plotlyReady() {
  return loadPlotly().catch(() => null);
}

// A chart's element (charts are named by element or id), if it is still on the page: a frame
// since may have taken it away, as the RNN page's gate charts go with the cell that has them.
function onPage(chart) {
  const element = typeof chart === "string" ? document.getElementById(chart) : chart;
  return element && element.isConnected ? element : null;
}

// Plotly's `responsive` follows window resizes only, and a chart's box changes size without
// one: the docked tour narrows the page, a note appears under B.4's curve. So every chart
// drawn here follows its own box (from its first drawing on; the first report is its size
// then, not a change).
const boxSizes = new WeakMap(); // element -> "width×height" last seen
const boxes = new ResizeObserver((entries) => {
  for (const { target, contentRect } of entries) {
    const size = `${Math.round(contentRect.width)}×${Math.round(contentRect.height)}`;
    const before = boxSizes.get(target);
    boxSizes.set(target, size);
    if (!target.isConnected) {
      boxes.unobserve(target);
      boxSizes.delete(target);
    } else if (before !== undefined && before !== size && contentRect.width > 0 && target._fullLayout) {
      window.Plotly.Plots.resize(target).catch(() => {});
    }
  }
});
function drawn(element) {
  if (!boxSizes.has(element)) {
    boxSizes.set(element, undefined);
    boxes.observe(element);
  }
}

// Only the newest drawing of each chart waits for the library: frames that arrive while it
// loads replace each other instead of queueing up.
const waiting = new Map(); // chart (its element or id) -> draw

// `draw(Plotly)` of `chart` (its element or id): now when the library is there (in the
// caller's turn, as a drawing must be to be read back at once), else once it arrives, the
// newest drawing per chart, and only if the chart is still on the page (a frame since may
// have taken it away, as the RNN page's gate charts go with the cell that has them).
export function withPlotly(chart, draw) {
  if (window.Plotly) {
    draw(window.Plotly);
    const element = onPage(chart);
    if (element) drawn(element);
    return;
  }
  waiting.set(chart, draw);
  loadPlotly().then((Plotly) => {
    const draws = [...waiting];
    waiting.clear();
    for (const [key, drawIt] of draws) {
      const element = onPage(key);
      if (element) {
        drawIt(Plotly);
        drawn(element);
      }
    }
  }, () => {});
}

// Charts that follow training: `drawChart(chart, draw)` asks for `draw(Plotly)` of `chart` (its
// element or id) and returns at once. One Plotly redraw is a long task (a line chart with
// automargin 30-60 ms on a busy laptop, the RNN page's four charts ~450 ms drawn together), so:
// - each chart draws at most every CHART_MS while frames stream (the eye follows charts no
//   faster, and GAN Lab refreshes its plots so too), the newest asked-for drawing, the first
//   one after a quiet spell at once;
// - one chart per task, each after the screen has painted: a frame's own work (numbers,
//   tables, drawings) and one chart never add up to one long task, and Plotly's measuring of
//   its labels finds the page's layout already done instead of forcing it (layout thrash).
export const CHART_MS = 400;
const asked = new Map(); // chart -> its newest draw, in the order first asked
const drawnAt = new Map(); // chart -> performance.now() of its last drawing
let timer = null;

export function drawChart(chart, draw) {
  asked.set(chart, draw);
  schedule();
}

function dueAt(chart) {
  return (drawnAt.get(chart) ?? -Infinity) + CHART_MS;
}

function schedule() {
  if (timer !== null || asked.size === 0) return;
  const soonest = Math.min(...[...asked.keys()].map(dueAt));
  // After the next paint: a timeout set in an animation frame callback runs once that
  // frame is on the screen.
  timer = setTimeout(() => requestAnimationFrame(() => setTimeout(drawOne, 0)),
    Math.max(0, soonest - performance.now()));
}

async function drawOne() {
  const now = performance.now();
  const chart = [...asked.keys()].find((key) => dueAt(key) <= now);
  const draw = chart === undefined ? null : asked.get(chart);
  if (chart !== undefined) asked.delete(chart);
  if (draw && !window.Plotly) await plotlyReady();
  timer = null;
  if (draw && window.Plotly) {
    const element = onPage(chart);
    if (element) {
      drawnAt.set(chart, performance.now());
      try {
        draw(window.Plotly);
        drawn(element);
      } finally {
        schedule();
      }
      return;
    }
  }
  schedule();
}
