"""The join screen's QR code (static/js/core/qr.js), drawn by the page without the internet.

tests/fixtures/qr_codes.json holds, for two join URLs, the symbol under each of the 8 masks as
made by an independent encoder (python-qrcode 8.2: error correction M, byte mode, no border):
the page's encoder must draw exactly those modules, and pick one of them by itself.
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.classroom import open_room
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

GOLDEN = json.loads((Path(__file__).parents[1] / "fixtures" / "qr_codes.json").read_text())
AS_ROWS = "(m) => m.map((row) => row.map((dark) => (dark ? '1' : '0')).join(''))"


def test_the_encoder_draws_the_modules_an_independent_encoder_draws(page):
    page.goto("/")
    for text, by_mask in GOLDEN.items():
        drawn = page.evaluate(
            f"""async (text) => {{
              const {{ qrMatrix }} = await import("/static/js/core/qr.js");
              const rows = {AS_ROWS};
              return {{
                masks: [0, 1, 2, 3, 4, 5, 6, 7].map((m) => rows(qrMatrix(text, m))),
                chosen: rows(qrMatrix(text)),
              }};
            }}""",
            text,
        )
        assert drawn["masks"] == by_mask
        assert drawn["chosen"] in by_mask


def test_the_join_screen_shows_a_qr_code_of_the_rooms_address_and_the_code_large(page):
    code = open_room(page)
    qr = page.get_by_test_id("room-qr")
    href = qr.get_attribute("data-href")
    assert re.fullmatch(rf"http://[^/]+/room\?code={code.inner_text()}", href)
    expect(qr.locator("svg")).to_have_attribute("aria-label", f"QR code: {href}")
    # The symbol is the encoder's for that address: 29 modules for an address this long.
    modules = page.evaluate(
        f"""async (href) => {{
          const {{ qrMatrix }} = await import("/static/js/core/qr.js");
          return ({AS_ROWS})(qrMatrix(href)).length;
        }}""",
        href,
    )
    expect(qr.locator("svg")).to_have_attribute("data-modules", str(modules))
    # Large: the code's letters and the QR code both fill a good part of the screen.
    assert code.bounding_box()["height"] > 100
    assert qr.locator("svg").bounding_box()["width"] > 300
    screenshot(page, "room-join-qr")
