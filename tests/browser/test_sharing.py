"""Sharing and export in Chromium: a link restores the same network in a fresh browser,
the state round-trips through a JSON file, the drawing exports to PNG, and the weights
download as JSON and NumPy .npz."""

import json
import re
import struct

import numpy as np
import pytest
from playwright.sync_api import expect

from neural_playground.app.labs import TOURS
from neural_playground.app.settings import Settings
from tests.browser.classroom import ready
from tests.browser.steps import edit_weight, enter, open_neurons

pytestmark = pytest.mark.browser


def drawing(page) -> dict[str, str]:
    """Every node's and weight's label: the network as the page shows it."""
    expect(page.get_by_test_id("node-0-0")).to_be_visible()
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#network [aria-label]')]
             .map(el => [el.dataset.testid, el.getAttribute('aria-label')]))"""
    )


def build_a_network(page) -> None:
    """A network no preset has: tour at step 4, one weight typed, a second hidden layer."""
    page.goto("/neurons?tour=relu_on")
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 4 of 8")
    expect(page.get_by_test_id("output-value")).to_have_text("4.9")
    edit_weight(page, "edge-0-2-0", "-0.7")
    page.get_by_test_id("add-layer").click()
    expect(page.get_by_test_id("node-1-2")).to_be_visible()
    enter(page.get_by_test_id("input-1"), "2.5")
    expect(page.get_by_test_id("node--1-1")).to_have_attribute("aria-label", "G2 = 2.5")


def test_a_link_and_a_file_restore_the_same_network_in_a_fresh_browser(page, new_page, tmp_path):
    build_a_network(page)
    before = drawing(page)
    output = page.get_by_test_id("output-value").text_content()
    page.get_by_test_id("share-open").click()
    link = page.get_by_test_id("share-link")
    expect(link).not_to_have_value("")
    url = link.input_value()
    assert "/neurons#s=" in url and "tour=" not in url
    assert page.url == url  # the address bar holds the same link
    with page.expect_download() as info:
        page.get_by_test_id("state-download").click()
    assert info.value.suggested_filename == "neurons-state.json"
    saved = tmp_path / "state.json"
    info.value.save_as(saved)
    shared = json.loads(saved.read_text())
    assert shared["lab"] == "neurons" and shared["tour"] == 3
    assert shared["state"]["inputs"] == [1, 2.5, 3]

    other = new_page()  # no cookies, no storage, nothing shared with the first
    other.goto(url)
    expect(other.get_by_test_id("output-value")).to_have_text(output)
    expect(other.get_by_test_id("node-1-2")).to_be_visible()
    assert drawing(other) == before
    # The tour step came along, without its commands undoing the learner's edits.
    expect(other.get_by_test_id("tour-count")).to_have_text("Step 4 of 8")
    expect(other.get_by_test_id("edge-0-2-0")).to_have_attribute(
        "aria-label", "Weight from G3 to B1.1: −0.7"
    )

    other = new_page()  # no cookies, no storage, nothing shared with the first
    open_neurons(other)
    other.get_by_test_id("share-open").click()
    other.get_by_test_id("state-upload").set_input_files(saved)
    expect(other.get_by_test_id("node-1-2")).to_be_visible()
    assert drawing(other) == before
    expect(other.get_by_test_id("tour-count")).to_have_text("Step 4 of 8")
    # A file that is not a state of this page is refused kindly.
    other.get_by_test_id("share-open").click()
    other.get_by_test_id("state-upload").set_input_files(
        files=[{"name": "x.json", "mimeType": "application/json", "buffer": b'{"lab": "rnn"}'}]
    )
    expect(other.locator("#toast")).to_contain_text("not a saved state")


def test_a_broken_link_starts_fresh_with_a_message(page):
    page.goto("/neurons#s=not-a-real-state")
    expect(page.locator("#toast")).to_contain_text("could not be read")
    expect(page.get_by_test_id("output-value")).to_have_text("4.9")


def test_the_drawing_exports_to_png(page, tmp_path):
    page.goto("/neurons")
    expect(page.get_by_test_id("node-0-0")).to_be_visible()
    page.get_by_test_id("share-open").click()
    button = page.get_by_test_id("export-network")
    expect(button).to_have_text("The network (PNG)")
    with page.expect_download() as info:
        button.click()
    assert info.value.suggested_filename == "neurons-network.png"
    info.value.save_as(tmp_path / "n.png")
    png = (tmp_path / "n.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1600, 1020)  # the drawing's 800x510 units, twice
    assert len(png) > 20_000  # drawn, not blank


@pytest.mark.parametrize("fmt", ["npz", "json"])
def test_weights_download_as_numpy_and_json(page, tmp_path, fmt):
    page.goto("/neurons?preset=b2_weighted")
    edit_weight(page, "edge-0-1-0", "0.25")
    expect(page.get_by_test_id("node-0-0")).to_have_attribute("aria-label", "B1 = 1.4")
    page.get_by_test_id("share-open").click()
    with page.expect_download() as info:
        page.get_by_test_id(f"weights-{fmt}").click()
    assert info.value.suggested_filename == f"neurons-weights.{fmt}"
    path = tmp_path / f"w.{fmt}"
    info.value.save_as(path)
    if fmt == "npz":
        weights = dict(np.load(path))
    else:
        weights = {k: np.array(v) for k, v in json.loads(path.read_text()).items()}
    np.testing.assert_array_equal(weights["layer0.w"][:, 0], [1.0, 0.25, 0.3])
    np.testing.assert_array_equal(weights["layer1.w"], [[1.0], [1.0], [1.0]])
    assert weights["layer0.b"].shape == (3,)


def lab_state(page) -> dict:
    return page.evaluate(
        "async () => (await NP.session.request({ type: 'get_state' }, 'state')).state"
    )


@pytest.mark.parametrize("name", sorted(TOURS))
def test_every_tour_pages_link_restores_its_state_in_a_fresh_browser(page, new_page, name):
    """The last tour step that sets something up, shared: the fresh page's lab holds the same
    state (network, weights, data, settings) and shows the same step. A state that does not
    fit in one websocket message (NP_MAX_MESSAGE_BYTES) cannot be sent back: then the first
    step is shared instead, and a page whose states never fit is skipped."""
    tour = TOURS[name]
    with_commands = [k for k, s in enumerate(tour.steps) if s.commands]
    for step in (with_commands[-1], with_commands[0]):
        page.goto(f"{tour.path}?tour={step + 1}")
        ready(page, name)
        state = lab_state(page)
        if len(json.dumps(state)) <= Settings().max_message_bytes:
            break
    else:
        pytest.skip("its states are larger than one websocket message (wide networks)")
    page.get_by_test_id("share-open").click()
    link = page.get_by_test_id("share-link")
    expect(link).to_have_value(re.compile("#s="))
    other = new_page()  # no cookies, no storage, nothing shared with the first
    other.goto(link.input_value())
    ready(other, name)
    expect(other.get_by_test_id("tour-count")).to_have_text(f"Step {step + 1} of {len(tour.steps)}")
    assert lab_state(other) == state
