"""NP_ROOT_PATH in a real browser: pages served under /playground/ by a proxy that strips the
prefix. Every URL the pages and scripts ask for (assets, Plotly, the websocket, links,
forms) must stay under the prefix: the proxy answers 404 to anything outside it."""

import re

import pytest
from playwright.sync_api import expect

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.liveserver import serving

pytestmark = pytest.mark.browser

PREFIX = "/playground"  # also a lesson's route: /playground/playground is that lesson


class StrippingProxy:
    """What nginx's `location /playground/ { proxy_pass http://app/; }` does, in-process:
    passes on paths under the prefix without it, refuses the rest (and notes them)."""

    def __init__(self, app, prefix: str) -> None:
        self.app, self.prefix = app, prefix
        self.outside: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            path = scope["path"]
            if not path.startswith(self.prefix + "/"):
                self.outside.append(path)
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                await send({"type": "http.response.start", "status": 404, "headers": []})
                await send({"type": "http.response.body", "body": b"outside the prefix"})
                return
            stripped = path[len(self.prefix) :]
            scope = {**scope, "path": stripped, "raw_path": stripped.encode()}
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def proxied():
    app = create_app(Settings(lab_processes=True, lab_workers=1, root_path=PREFIX + "/"))
    proxy = StrippingProxy(app, PREFIX)
    with serving(proxy) as host:
        yield f"http://{host}", proxy


def test_pages_scripts_charts_and_websockets_stay_under_the_prefix(browser, proxied):
    base, proxy = proxied
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    failed: list[str] = []
    sockets: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("websocket", lambda ws: sockets.append(ws.url))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{base}{PREFIX}/")
        # The lesson map's link to the B.1 page, then a live frame over the websocket.
        page.get_by_test_id("lesson-link-B.1").click()
        expect(page).to_have_url(f"{base}{PREFIX}/neurons?preset=b1_stroke")
        expect(page.locator("html")).to_have_attribute("data-connection", "open")
        expect(page.get_by_test_id("output-value")).not_to_have_text("")
        # The lesson whose route is the prefix itself, training, its loss chart drawn by
        # Plotly (loaded by a script relative to its own URL).
        page.goto(f"{base}{PREFIX}/playground")
        page.get_by_test_id("play").click()
        chart = page.get_by_test_id("loss-chart")
        expect(chart.locator(".scatterlayer .trace")).to_have_count(2)
        page.get_by_test_id("play").click()
        # The language switch and the brand link come back under the prefix.
        # (The switch carries the learner's network in the address's `#s=` when it can.)
        page.get_by_test_id("lang-ko").click()
        here = re.escape(f"{base}{PREFIX}/playground")
        expect(page).to_have_url(re.compile(rf"^{here}(#s=[\w-]+)?$"))
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        page.locator("a.brand").click()
        expect(page).to_have_url(f"{base}{PREFIX}/")
    finally:
        context.close()
    assert sockets and all(url.startswith(f"ws{base[4:]}{PREFIX}/ws/") for url in sockets)
    assert proxy.outside == [] and failed == [] and errors == []
