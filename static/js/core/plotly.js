// Plotly (4.6 MB, /vendor/plotly.min.js served by the app) is loaded here and only here:
// lazily, when a page first draws a chart, and once. Pages draw through `withPlotly`, so
// nothing waits for the library and nothing draws before it is there.

let loading = null;

// Resolves with the Plotly object once the library has run (a classic script: Plotly is a UMD
// bundle that sets window.Plotly).
export function loadPlotly() {
  if (loading === null) {
    loading = window.Plotly ? Promise.resolve(window.Plotly) : new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/vendor/plotly.min.js";
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

// Only the newest drawing of each chart waits for the library: frames that arrive while it
// loads replace each other instead of queueing up.
const waiting = new Map(); // chart key -> draw

// `draw(Plotly)` now when the library is there (in the caller's turn, as a drawing must be
// to be read back at once), else once it arrives, newest per `key` (a chart's element or id).
export function withPlotly(key, draw) {
  if (window.Plotly) {
    draw(window.Plotly);
    return;
  }
  waiting.set(key, draw);
  loadPlotly().then((Plotly) => {
    const draws = [...waiting.values()];
    waiting.clear();
    draws.forEach((d) => d(Plotly));
  }, () => {});
}
