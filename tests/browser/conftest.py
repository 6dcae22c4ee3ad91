"""A live server in a thread and Debian's Chromium driven by Playwright.

Screenshots land in artifacts/screenshots/ (ignored by git) for people to look at.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.liveserver import free_port, serving  # noqa: F401 - free_port: for other fixtures

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google on this offline machine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every wait is on a state (a text, an attribute, a frame): this is only how long a state may
# take to come before the test fails. Playwright's 5 s is too short for a loaded 2-core
# machine (a lab process loading its images, Plotly's 4.6 MB parsing, two suites at once);
# a passing wait returns as soon as the state is there, so this costs a green run nothing.
WAIT_MS = 60_000
expect.set_options(timeout=WAIT_MS)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def live_server():
    """The real app over real HTTP and websockets, for the browser, labs in lab processes."""
    with serving(create_app(Settings(lab_processes=True))) as host:
        yield f"http://{host}"


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        new_context = browser.new_context

        def patient_context(**options):
            # The same limit for every wait of every page (goto, click, wait_for_function),
            # not only `expect`'s: Playwright's own is 30 s.
            context = new_context(**options)
            context.set_default_timeout(WAIT_MS)
            return context

        browser.new_context = patient_context
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens pages, each in a fresh context (no cookies, no storage, nothing shared with the
    others): `new_page(locale="ko-KR", viewport=..., base_url=...)`. A JavaScript error on
    any of them fails the test; every context is closed at its end."""
    contexts = []
    errors: list[str] = []

    def open_page(locale: str = "en-US", **options):
        options.setdefault("viewport", {"width": 1366, "height": 768})
        options.setdefault("base_url", live_server)
        context = browser.new_context(locale=locale, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(new_page):
    """A fresh page, English unless a test says otherwise."""
    return new_page()


@pytest.fixture
def open_korean(new_page):
    """`open_korean(path, heading)`: a fresh page whose browser asks for Korean, at `path`,
    once its heading shows `heading`."""

    def open_page(path: str, heading: str):
        page = new_page(locale="ko-KR")
        page.goto(path)
        expect(page.locator("h1")).to_contain_text(heading)
        return page

    return open_page


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
