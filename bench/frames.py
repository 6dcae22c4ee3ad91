"""Frames per second in the browser while each lesson page trains, on the laptop screen.

`python -m bench.frames [pages...] [--seconds S]` (or `make frames`): a real server, Debian's
headless Chromium at 1366x768, each lab page opened and set running (Play, or the
step-through's Play on the B.1-B.4 pages, the window's Play on the convolution page), then
for S seconds (default 5) every animation frame's time is recorded in the page with
requestAnimationFrame. Printed per page: frames/s, the longest frame, and how many frames
took longer than 50 ms; the longest task the page's own scripts ran (the Long Tasks API:
script work over 50 ms, in wall time); and the longest task's CPU time on the page's main
thread (from a trace, bench/tasks.py), which tells the page's own work from the machine's:
on a shared machine a task's wall time is mostly waiting for a core. Copy the table into
docs/performance.md with the machine it ran on and its load average.
"""

import argparse

from playwright.sync_api import sync_playwright

from bench.screens import ARGS, CHROMIUM
from bench.server import running_server
from bench.tasks import traced
from neural_playground.app.labs import LESSONS

# Each page's control that starts its animation (test ids, the first one present is pressed).
STARTERS = ("play", "st-play")

MEASURE_JS = """
async (seconds) => {
  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  try { observer.observe({ type: "longtask", buffered: false }); } catch { /* not supported */ }
  const times = [];
  await new Promise((done) => {
    const end = performance.now() + seconds * 1000;
    const tick = (now) => {
      times.push(now);
      if (now < end) requestAnimationFrame(tick); else done();
    };
    requestAnimationFrame(tick);
  });
  observer.disconnect();
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  return {
    fps: gaps.length / ((times.at(-1) - times[0]) / 1000),
    longest: Math.max(...gaps),
    slow: gaps.filter((g) => g > 50).length,
    longestTask: longTasks.length ? Math.max(...longTasks) : 0,
  };
}
"""


def measure(browser, page, host: str, route: str, seconds: float) -> dict:
    page.goto(f"http://{host}{route}?lang=en")
    page.wait_for_function("() => document.documentElement.dataset.connection === 'open'")
    for testid in STARTERS:
        starter = page.get_by_test_id(testid)
        if starter.count() and starter.first.is_visible():
            starter.first.click()
            break
    page.wait_for_timeout(1000)  # past the first frames and Plotly's first drawing
    with traced(browser, page) as trace:
        result = page.evaluate(MEASURE_JS, seconds)
    return {**result, "cpu": trace.longest_cpu, "what": trace.tasks[0][2] if trace.tasks else ""}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.frames")
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    lessons = {n: lesson for n, lesson in LESSONS.items() if not args.pages or n in args.pages}
    print(
        "| page | frames/s | longest frame (ms) | frames > 50 ms | longest script task (ms) "
        "| longest task's CPU (ms) | its work |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    with running_server() as host, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        for name, lesson in lessons.items():
            m = measure(browser, page, host, lesson.route, args.seconds)
            print(
                f"| {name} | {m['fps']:.0f} | {m['longest']:.0f} | {m['slow']} "
                f"| {m['longestTask']:.0f} | {m['cpu']:.0f} | {m['what']} |",
                flush=True,
            )
        browser.close()


if __name__ == "__main__":
    main()
