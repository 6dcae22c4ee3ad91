// Max and average pooling side by side: each pool's input (the activation) with the window
// of the pooled cell shown, its output, and the arithmetic of that cell.
import { $ } from "../../core/dom.js";
import { factor, fmt } from "../../core/format.js";
import { t } from "../../core/i18n.js";
import { MatrixView } from "../shared/matrix.js";
import { formulaSpan, mapLabel } from "./labels.js";

// `state`: the page's (frame, poolCursor, wantedPool); both pooling views show the same cell.
export function poolingViews(state, session) {
  const views = {};

  function build() {
    const { frame } = state;
    const out = frame.conv.out;
    for (const pool of frame.pools) {
      const input = $(`pool-${pool.mode}-input`);
      const output = $(`pool-${pool.mode}-output`);
      input.replaceChildren();
      output.replaceChildren();
      const title = t(`conv.${pool.mode}_pool`);
      views[pool.mode] = {
        input: new MatrixView(input, {
          name: t("conv.activation"), size: [out, out], testid: `pool-${pool.mode}-in`, kind: "map",
        }),
        output: new MatrixView(output, {
          name: `${title}: ${t("conv.pooled")}`, size: [pool.out.length, pool.out[0].length],
          testid: `pooled-${pool.mode}`, kind: "map",
          onFocusCell: (i, j) => move(i * pool.out[0].length + j),
        }),
      };
    }
  }

  function move(index) {
    state.poolCursor = state.wantedPool = index;
    session.send({ type: "show_window", pool: index });
    show();
  }

  function show() {
    const { frame } = state;
    for (const pool of frame.pools) {
      const view = views[pool.mode];
      const cols = pool.out[0].length;
      state.poolCursor = Math.min(state.poolCursor, pool.out.length * cols - 1);
      const i = Math.floor(state.poolCursor / cols), j = state.poolCursor % cols;
      const [r0, c0] = pool.origins[i][j];
      view.input.set(frame.activated, mapLabel(t("conv.activation")));
      view.input.shade(frame.activated);
      view.input.mark("cell--window", (r, c) =>
        r >= r0 && r < r0 + pool.size && c >= c0 && c < c0 + pool.size);
      view.input.mark("cell--left-out", (r, c) => r >= pool.covered[0] || c >= pool.covered[1]);
      const best = pool.argmax && pool.argmax[i][j];
      view.input.mark("cell--max", (r, c) => best && r === r0 + best[0] && c === c0 + best[1]);
      view.output.set(pool.out, mapLabel(t(`conv.${pool.mode}_pool`)));
      view.output.shade(pool.out);
      view.output.mark("cell--current", (a, b) => a === i && b === j);
      const values = pool.windows[i][j].flat();
      const formula = pool.mode === "max"
        ? `max(${values.map(fmt).join(", ")}) = ${fmt(pool.out[i][j])}`
        : `(${values.map(factor).join(" + ")}) ÷ ${values.length} = ${fmt(pool.out[i][j])}`;
      $(`pool-${pool.mode}-formula`).replaceChildren(
        `${t("conv.pool_window", { row: i + 1, col: j + 1 })}: `, formulaSpan(formula));
    }
  }

  return { build, show };
}
