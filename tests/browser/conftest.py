"""A live server in a thread and Debian's Chromium driven by Playwright.

Screenshots land in artifacts/screenshots/ (ignored by git) for people to look at.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from app.main import create_app
from app.settings import Settings
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
expect.set_options(timeout=20_000)
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
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh context (no cookies, no storage) per test, English unless a test says otherwise."""
    context = browser.new_context(
        locale="en-US", viewport={"width": 1366, "height": 768}, base_url=live_server
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def edited_neurons(page):
    """The B.2 preset on /neurons, its weight G2 -> B1 edited to 1 (the output 4.9 -> 3.9):
    a learner's work to keep. The output's locator."""
    page.goto("/neurons?preset=b2_weighted")
    output = page.get_by_test_id("output-value")
    expect(output).to_have_text("4.9")
    page.get_by_test_id("edge-0-1-0").click()
    page.get_by_test_id("editor-number").fill("1")
    page.get_by_test_id("editor-number").press("Enter")
    expect(output).to_have_text("3.9")
    return output
