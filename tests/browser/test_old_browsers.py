"""Browsers without CompressionStream / DecompressionStream (Safari before 16.4, old
tablets): deflated heatmaps and shared links still work, through static/js/core/
compression.js's own inflater (and stored deflate blocks for the links they make)."""

import base64
import random
import zlib

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import edited_neurons

pytestmark = pytest.mark.browser

WITHOUT_STREAMS = "delete window.DecompressionStream; delete window.CompressionStream;"


def old_page(browser, live_server):
    context = browser.new_context(
        locale="en-US", viewport={"width": 1366, "height": 768}, base_url=live_server
    )
    context.add_init_script(WITHOUT_STREAMS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def samples() -> dict[str, bytes]:
    """Data that zlib deflates with each kind of block: stored (level 0, over one 64 kB
    block), fixed Huffman codes (short), dynamic codes (long, repetitive), and a heatmap-like
    smooth surface."""
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(70_000))
    cells = [(x - 50) * (y - 50) for y in range(100) for x in range(100)]
    smooth = bytes(int(127 + 120 * cell / 2500) for cell in cells)
    return {
        "stored": zlib.compress(noise, 0),
        "fixed": zlib.compress(b"weights and biases", 9),
        "dynamic": zlib.compress(b"the gradient flows backwards " * 400, 9),
        "surface": zlib.compress(smooth, 6),
        "empty": zlib.compress(b"", 9),
    }


def test_the_pages_inflater_reads_every_kind_of_deflate_block(browser, live_server):
    context, page, errors = old_page(browser, live_server)
    try:
        page.goto("/neurons")
        expect(page.get_by_test_id("output-value")).to_have_text("4.9")
        assert page.evaluate("typeof DecompressionStream") == "undefined"
        for name, packed in samples().items():
            inflated = page.evaluate(
                "async (data) => Array.from((await NP.inflate({ data })).bytes)",
                base64.b64encode(packed).decode(),
            )
            assert bytes(inflated) == zlib.decompress(packed), name
    finally:
        context.close()
    assert not errors


def test_the_playground_paints_its_deflated_surface_as_a_new_browser_does(
    page, browser, live_server
):
    url = "/playground?preset=circle_hidden"
    page.goto(url, wait_until="domcontentloaded")
    plot = page.get_by_test_id("plot")
    expect(plot).to_have_attribute("data-step", "0")
    native = plot.evaluate("canvas => canvas.toDataURL()")
    blank = plot.evaluate(
        """canvas => Object.assign(document.createElement("canvas"),
                                   { width: canvas.width, height: canvas.height }).toDataURL()"""
    )
    assert native != blank  # the surface is painted
    context, old, errors = old_page(browser, live_server)
    deflated: list[bool] = []
    old.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda text: deflated.append('"deflate"' in str(text))),
    )
    try:
        old.goto(url, wait_until="domcontentloaded")
        expect(old.get_by_test_id("plot")).to_have_attribute("data-step", "0")
        old.wait_for_function(
            "png => document.querySelector('[data-testid=plot]').toDataURL() === png", arg=native
        )
        assert any(deflated)  # the surface came deflated, and this page inflated it itself
    finally:
        context.close()
    assert not errors


def test_links_made_by_an_old_browser_open_anywhere_and_the_other_way_round(
    page, browser, live_server
):
    context, old, errors = old_page(browser, live_server)
    try:
        output = edited_neurons(old)  # 3.9
        old.get_by_test_id("share-open").click()
        link = old.get_by_test_id("share-link")
        expect(link).not_to_have_value("")
        stored_link = link.input_value()
        page.goto(stored_link)  # a new browser reads the stored blocks
        expect(page.get_by_test_id("output-value")).to_have_text("3.9")
        # A link made natively (compressed) opens in the old browser.
        page.get_by_test_id("edge-0-1-0").click()
        page.get_by_test_id("editor-number").fill("2")
        page.get_by_test_id("editor-number").press("Enter")
        expect(page.get_by_test_id("output-value")).to_have_text("1.9")
        page.get_by_test_id("share-open").click()
        expect(page.get_by_test_id("share-link")).not_to_have_value("")
        native_link = page.get_by_test_id("share-link").input_value()
        assert len(native_link) < len(stored_link)  # really compressed
        other = context.new_page()
        other.goto(native_link)
        expect(other.get_by_test_id("output-value")).to_have_text("1.9")
        expect(output).to_have_text("3.9")
    finally:
        context.close()
    assert not errors
