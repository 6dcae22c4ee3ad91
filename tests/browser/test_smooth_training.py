"""While a page trains, none of its tasks takes over 50 ms of the browser's CPU (issue 16: at
least 50 frames/s, no frame over 50 ms from the page's own work).

CPU time from a trace (bench/tasks.py), not wall time: on this shared machine a 15 ms task
can wait 150 ms for a core, and a test on the Long Tasks API would measure the machine. The
batch-norm and RNN pages' longest tasks before these changes took 55-120 ms of CPU (sixteen
Plotly histograms with a loss chart in one task, four charts in one task), now 10-37 ms (one
chart per task after the paint, the histograms on a canvas); the playground, whose chart was
drawn in its frame's task, is kept to its bound too."""

import pytest
from playwright.sync_api import expect

from bench.tasks import traced

pytestmark = pytest.mark.browser

BUDGET_MS = 50
REDRAWS = 5  # chart redraws recorded, each at least 400 ms apart (core/plotly.js)

# page: its route, and what tells that a chart that follows training has been drawn again
# (Plotly's `data` is new with each Plotly.react; the playground's chart appends to it and
# says how many points it shows).
PAGES = {
    "batchnorm": ("/batchnorm", "document.getElementById('loss-chart')?.data"),
    "rnn": ("/rnn", "document.getElementById('bptt-chart')?.data"),
    "playground": ("/playground", "document.getElementById('loss-chart')?.dataset.points"),
}


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
def test_no_task_takes_more_than_50_ms_of_cpu_while_training(page, browser, name):
    route, chart = PAGES[name]
    page.goto(route)
    wait_for_draws(page, chart, 1)
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "true")
    drawn = page.evaluate(draws(chart))
    wait_for_draws(page, chart, drawn + 1)  # training frames are arriving
    with traced(browser, page) as trace:
        wait_for_draws(page, chart, drawn + 1 + REDRAWS)
    page.get_by_test_id("play").click()
    assert len(trace.tasks) > 10 * REDRAWS  # frames, charts, the test's polls
    worst = "; ".join(
        f"{cpu:.0f} ms CPU ({wall:.0f} ms wall) {what}" for cpu, wall, what in trace.tasks[:4]
    )
    longest = trace.longest_cpu
    assert longest <= BUDGET_MS, f"{name}: longest tasks {worst}"
