// After pooling: the flattened vector and the small dense head that names the stroke, with
// its probabilities as a bar chart.
import { $, cssVar } from "../../core/dom.js";
import { fmt, percent } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { withPlotly } from "../../core/plotly.js";
import { chartFont, chartMargin } from "../../core/theme.js";

export function showFlatten(frame) {
  const pool = frame.pools.find((p) => p.mode === frame.head_pool);
  const cols = pool.out[0].length;
  $("flatten-caption").textContent = t("conv.flatten_of", {
    pool: t(`conv.flatten_${frame.head_pool}`), n: frame.flatten.length,
  });
  const list = $("flatten");
  list.replaceChildren();
  frame.flatten.forEach((v, idx) => {
    const li = document.createElement("li");
    const value = document.createElement("span");
    value.className = "vector-value";
    value.textContent = fmt(v);
    const source = document.createElement("span");
    source.className = "vector-source";
    source.textContent = t("conv.flatten_item", {
      n: idx + 1, row: Math.floor(idx / cols) + 1, col: (idx % cols) + 1,
    });
    li.append(value, source);
    list.appendChild(li);
  });
}

// Below this probability the head's best guess is no decision (with six classes, a guess
// under 60 % is a toss between two): the page says it sees no clear stroke rather than
// naming one. Blanks and scatters the head itself calls "none" (its sixth class).
const UNSURE = 0.6;

export function showHead(frame) {
  const head = frame.head;
  const names = head.classes.map((key) => t(key));
  const best = head.predicted;
  $("head-shape").textContent = t("conv.head_shape", {
    features: head.features, hidden: head.hidden, classes: head.classes.length,
  });
  const p = head.probabilities[best];
  $("head-says").textContent = t(p < UNSURE ? "conv.head_unsure" : "conv.head_says", {
    name: names[best], p: fmt(p),
  });
  $("head-trained").textContent = t("conv.head_trained", {
    samples: head.samples, steps: head.steps,
    train: percent.format(head.train_accuracy), test: percent.format(head.test_accuracy),
  });
  const list = $("head-probabilities");
  list.replaceChildren();
  head.probabilities.forEach((p, k) => {
    const li = document.createElement("li");
    li.textContent = `${names[k]}: ${fmt(p)}`;
    li.classList.toggle("predicted", k === best);
    list.appendChild(li);
  });
  // Plotly is large: it is fetched with the first head chart, once the grid is drawn.
  const output = cssVar("--output-node"), fg = cssVar("--fg"), panel = cssVar("--panel");
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize); // projector: larger
  withPlotly("head-chart", (Plotly) => Plotly.react("head-chart", [{
    type: "bar", orientation: "h", y: names, x: head.probabilities,
    text: head.probabilities.map((p) => percent.format(p)), textposition: "outside",
    cliponaxis: false,
    marker: {
      color: output,
      opacity: head.probabilities.map((_, k) => (k === best ? 1 : 0.55)),
      line: { color: fg, width: head.probabilities.map((_, k) => (k === best ? 2 : 0)) },
    },
    hoverinfo: "y+text",
  }], {
    // The class names' width on the left (automargin), the percentages on the right.
    margin: chartMargin({ l: 1, r: 2.6, t: 0.4, b: 1.6 }),
    height: 18 * rem,
    paper_bgcolor: panel, plot_bgcolor: panel,
    font: chartFont(), // 24 px on the projector, like every other chart
    // The ticks say "%"; the heading above names the chart (a title would take its room).
    xaxis: { range: [0, 1], tickformat: ".0%", automargin: true },
    yaxis: { autorange: "reversed", automargin: true },
  }, { displayModeBar: false, responsive: true }));
}
