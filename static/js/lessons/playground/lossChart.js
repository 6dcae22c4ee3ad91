// The playground's numbers (iteration, epoch, losses, accuracy) and its loss chart.
import { $ } from "../../core/dom.js";
import { fmt, percent } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { drawChart } from "../../core/plotly.js";
import { chartFont, chartMargin } from "../../core/theme.js";
import { css } from "./paint.js";

export function writeMetrics(frame) {
  const m = frame.metrics;
  $("iteration").textContent = fmt(frame.step);
  $("epoch").textContent = t("playground.epoch", { n: fmt(frame.epoch) });
  $("train-loss").textContent = fmt(m.train_loss);
  $("test-loss").textContent = fmt(m.test_loss);
  $("accuracy").textContent = m.train_accuracy === null ? "–" : t("playground.accuracy_value", {
    train: percent.format(m.train_accuracy),
    test: m.test_accuracy === null ? "–" : percent.format(m.test_accuracy),
  });
  $("penalty").textContent = fmt(m.penalty);
}

// `state.colours`: the theme's colours, read when the chart draws.
export function lossChart(div, state) {
  let history = [];
  let drawn = null; // how many of history's points the chart shows; null: none yet

  function layout() {
    const grid = css(state.colours.grid);
    const font = chartFont(); // projector-sized in projector mode
    return {
      margin: chartMargin({ l: 2.6, b: 2.4 }), height: Math.max(170, 13 * font.size),
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font,
      xaxis: { title: { text: t("playground.chart_x") }, zeroline: false, gridcolor: grid, automargin: true },
      yaxis: { title: { text: t("playground.chart_y") }, rangemode: "tozero", gridcolor: grid, automargin: true },
      legend: { orientation: "h", y: 1.12 }, showlegend: true,
    };
  }
  function traces(points) {
    const { colours } = state;
    return [
      { name: t("playground.train_loss"), x: points.map((p) => p[0]), y: points.map((p) => p[1]),
        mode: "lines", line: { color: css(colours.fg), width: 2 } },
      { name: t("playground.test_loss"), x: points.map((p) => p[0]), y: points.map((p) => p[2]),
        mode: "lines", line: { color: css(colours.pos), width: 2, dash: "dash" } },
    ];
  }
  // The loss chart follows the frames through drawChart (core/plotly.js): at most every
  // CHART_MS, in a task of its own after the frame is on the screen; each drawing appends
  // the points that came since the last (or draws all of them after a reset).
  function update(msg) {
    if (msg.history_reset) {
      history = [...msg.history];
      drawn = null;
    } else {
      history.push(...msg.history);
    }
    // What came and what is drawn: a test waits for the two to agree (the drawing lags).
    div.dataset.received = String(history.length);
    if (drawn === history.length) return; // nothing new to draw
    drawChart(div, (Plotly) => {
      if (drawn === null) {
        Plotly.react(div, traces(history), layout(), { displayModeBar: false, responsive: true });
      } else {
        const appended = history.slice(drawn);
        if (appended.length) Plotly.extendTraces(div, {
          x: [appended.map((p) => p[0]), appended.map((p) => p[0])],
          y: [appended.map((p) => p[1]), appended.map((p) => p[2])],
        }, [0, 1]);
      }
      drawn = history.length;
      div.dataset.points = String(drawn);
    });
  }
  // All of it again, in the theme's new colours.
  const redraw = () => update({ history: [...history], history_reset: true });

  return { update, redraw };
}
