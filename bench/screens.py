"""Screenshots of every page on the three screens a class uses, for people to look at.

`python -m bench.screens [pages...] [--lang ko|en] [--theme light|dark] [--full]` (or
`make screens`): a real server, Debian's Chromium, one PNG per page and screen in
artifacts/screens/ (ignored by git), named `<page>-<screen>-<lang>-<theme>.png`. Each shot
is the first screen only (what the class sees without scrolling) unless `--full`.
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.server import running_server
from neural_playground.app.labs import LESSONS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
OUT = Path(__file__).resolve().parents[1] / "artifacts" / "screens"
# name: (viewport, query): a laptop, a projector on the wall, a tablet held upright.
SCREENS = {
    "laptop": ({"width": 1366, "height": 768}, ""),
    "projector": ({"width": 1920, "height": 1080}, "projector=1"),
    "tablet": ({"width": 768, "height": 1024}, ""),
}


def page_paths() -> dict[str, str]:
    return {"home": "/", **{lesson.name: lesson.route for lesson in LESSONS.values()}}


def ready(page) -> None:
    """The page has drawn its first frame (lab pages) or loaded (the others)."""
    page.wait_for_load_state("load")
    if page.locator("body[data-lab]").count():
        page.wait_for_function("() => document.documentElement.dataset.connection === 'open'")
    page.wait_for_timeout(1500)  # the first frame, and Plotly's charts after it


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.screens")
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--lang", default="en", choices=["en", "ko"])
    parser.add_argument("--theme", default="light", choices=["light", "dark"])
    parser.add_argument("--screens", default=",".join(SCREENS))
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    paths = {k: v for k, v in page_paths().items() if not args.pages or k in args.pages}
    OUT.mkdir(parents=True, exist_ok=True)
    with running_server() as host, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for screen in args.screens.split(","):
            viewport, query = SCREENS[screen]
            context = browser.new_context(viewport=viewport, color_scheme=args.theme)
            page = context.new_page()
            for name, path in paths.items():
                params = "&".join(p for p in (f"lang={args.lang}", query) if p)
                page.goto(f"http://{host}{path}?{params}")
                ready(page)
                out = OUT / f"{name}-{screen}-{args.lang}-{args.theme}.png"
                page.screenshot(path=str(out), full_page=args.full)
                print(out.relative_to(OUT.parents[1]), flush=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
