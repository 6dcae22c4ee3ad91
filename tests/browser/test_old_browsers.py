"""Browsers without CompressionStream / DecompressionStream (Safari before 16.4, old
tablets): deflated heatmaps and shared links still work, through static/js/core/
compression.js's own inflater (and stored deflate blocks for the links they make)."""

import base64
import random
import zlib

import pytest
from playwright.sync_api import expect

from tests.browser.steps import edit_weight, open_neurons

pytestmark = pytest.mark.browser

WITHOUT_STREAMS = "delete window.DecompressionStream; delete window.CompressionStream;"


def old_page(new_page):
    """A fresh page whose browser has neither stream (its JavaScript errors fail the test)."""
    page = new_page()
    page.context.add_init_script(WITHOUT_STREAMS)
    return page


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


def test_the_pages_inflater_reads_every_kind_of_deflate_block(new_page):
    page = old_page(new_page)
    open_neurons(page)
    assert page.evaluate("typeof DecompressionStream") == "undefined"
    for name, packed in samples().items():
        inflated = page.evaluate(
            "async (data) => Array.from((await NP.inflate({ data })).bytes)",
            base64.b64encode(packed).decode(),
        )
        assert bytes(inflated) == zlib.decompress(packed), name


def test_the_playground_paints_its_deflated_surface_as_a_new_browser_does(page, new_page):
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
    old = old_page(new_page)
    deflated: list[bool] = []
    old.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda text: deflated.append('"deflate"' in str(text))),
    )
    old.goto(url, wait_until="domcontentloaded")
    expect(old.get_by_test_id("plot")).to_have_attribute("data-step", "0")
    old.wait_for_function(
        "png => document.querySelector('[data-testid=plot]').toDataURL() === png", arg=native
    )
    assert any(deflated)  # maps came deflated, and this page inflated them itself


def test_links_made_by_an_old_browser_open_anywhere_and_the_other_way_round(page, new_page):
    old = old_page(new_page)
    output = open_neurons(old, "?preset=b2_weighted")
    edit_weight(old, "edge-0-1-0", "1")
    expect(output).to_have_text("3.9")
    old.get_by_test_id("share-open").click()
    link = old.get_by_test_id("share-link")
    expect(link).not_to_have_value("")
    stored_link = link.input_value()
    page.goto(stored_link)  # a new browser reads the stored blocks
    expect(page.get_by_test_id("output-value")).to_have_text("3.9")
    # A link made natively (compressed) opens in the old browser.
    edit_weight(page, "edge-0-1-0", "2")
    expect(page.get_by_test_id("output-value")).to_have_text("1.9")
    page.get_by_test_id("share-open").click()
    expect(page.get_by_test_id("share-link")).not_to_have_value("")
    native_link = page.get_by_test_id("share-link").input_value()
    assert len(native_link) < len(stored_link)  # really compressed
    other = old.context.new_page()
    other.goto(native_link)
    expect(other.get_by_test_id("output-value")).to_have_text("1.9")
