// Plotly (the 1.5 MB cartesian bundle, vendor/plotly.min.js beside the static files under the
// same fingerprinted prefix, see app/routers/vendor.py) is loaded here and only here, once,
// and only by pages that chart: when they ask (plotlyReady) or first draw (withPlotly).
// Pages draw through `withPlotly`, so nothing draws before the library is there.

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
    return;
  }
  waiting.set(chart, draw);
  loadPlotly().then((Plotly) => {
    const draws = [...waiting];
    waiting.clear();
    for (const [key, drawIt] of draws) {
      const element = typeof key === "string" ? document.getElementById(key) : key;
      if (element && element.isConnected) drawIt(Plotly);
    }
  }, () => {});
}

// `draw(...)` at most once every `ms` while frames stream: Plotly takes tens to hundreds of
// milliseconds for a big figure (the batch-norm page's sixteen histograms, the RNN page's
// charts), and drawn with every frame it held those pages under 10 frames/s; the eye follows
// charts no faster (GAN Lab refreshes its plots so too). The newest call always runs: at
// once, or when its time comes.
export const CHART_MS = 400;
export function throttled(draw, ms = CHART_MS) {
  let last = -Infinity;
  let timer = null;
  let args = [];
  const run = () => {
    timer = null;
    last = performance.now();
    draw(...args);
  };
  return (...latest) => {
    args = latest;
    const wait = last + ms - performance.now();
    if (wait <= 0) {
      clearTimeout(timer);
      run();
    } else if (timer === null) {
      timer = setTimeout(run, wait);
    }
  };
}
