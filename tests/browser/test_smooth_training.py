"""While a page trains, its charts are drawn one per task, after the frame, never inside a
frame's own work (issue 16: no frame over 50 ms from the page's own work).

How long those tasks take is measured, not asserted: `python -m bench.frames` traces every
page's main thread (bench/tasks.py) and docs/performance.md has the figures (one Plotly redraw
is 10-30 ms of CPU, a frame a few ms). A timed assertion here would measure the machine: a
chart's redraw read 68 ms of CPU once, in a make test beside other browser tests. What this
test holds is the structure that keeps every task short: before it, the batch-norm page drew
sixteen Plotly histograms with its loss chart in one task (117 ms), the RNN page its four
charts in one (88 ms), the playground its chart inside the frame's task (89 ms)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REDRAWS = 5  # chart redraws watched, each at least 400 ms apart (core/plotly.js)

# page: its route, and what tells that a chart that follows training has been drawn again
# (Plotly's `data` is new with each Plotly.react; the playground's chart appends to it and
# says how many points it shows).
PAGES = {
    "batchnorm": ("/batchnorm", "document.getElementById('loss-chart')?.data"),
    "rnn": ("/rnn", "document.getElementById('bptt-chart')?.data"),
    "playground": ("/playground", "document.getElementById('loss-chart')?.dataset.points"),
}

# Every Plotly drawing from now on: whether drawChart's drawOne made it (core/plotly.js: the
# charts that follow training, one per task after the paint), and whether another drawing was
# made in the same turn of the event loop (a microtask checkpoint ends a turn).
WATCH_DRAWINGS = """() => {
  const seen = window.npDrawings = { all: 0, outside: [], together: 0 };
  let busy = false;
  for (const name of ["react", "newPlot", "extendTraces"]) {
    const original = window.Plotly[name];
    window.Plotly[name] = function (element, ...rest) {
      seen.all += 1;
      const stack = new Error().stack;
      if (!stack.includes("drawOne")) seen.outside.push(`${element.id}: ${stack}`);
      if (busy) seen.together += 1;
      busy = true;
      queueMicrotask(() => { busy = false; });
      return original.call(this, element, ...rest);
    };
  }
}"""


def draws(drawn: str) -> str:
    """How often the chart has been drawn since the page opened, counted as the test polls."""
    return f"""() => {{
      const drawn = {drawn};
      if (drawn && drawn !== window.npSeen) {{
        window.npSeen = drawn;
        window.npDraws = (window.npDraws || 0) + 1;
      }}
      return window.npDraws || 0;
    }}"""


def wait_for_draws(page, drawn: str, count: int) -> None:
    page.wait_for_function(f"() => ({draws(drawn)})() >= {count}")


@pytest.mark.parametrize("name", PAGES)
def test_charts_draw_one_per_task_apart_from_the_frames_while_training(page, name):
    route, chart = PAGES[name]
    page.goto(route)
    wait_for_draws(page, chart, 1)  # Plotly is there
    page.evaluate(WATCH_DRAWINGS)
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "true")
    drawn = page.evaluate(draws(chart))
    wait_for_draws(page, chart, drawn + REDRAWS)
    page.get_by_test_id("play").click()
    seen = page.evaluate("window.npDrawings")
    assert seen["all"] >= REDRAWS
    assert seen["outside"] == [], "drawn outside drawChart (in a frame's task?)"
    assert seen["together"] == 0, "two charts drawn in one task"
