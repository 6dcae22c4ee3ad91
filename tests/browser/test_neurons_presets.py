"""Every neurons preset, opened by URL (?preset=NAME) in Chromium, shows its key numbers.

B.2's numbers are the book's (1, −2, 3 with weights 1, 0.5, 0.3). B.1's stroke weights are
illustrative (the book gives no numbers), so their values are worked out from the preset:
B1 = 0.04×67 + 0.01×228.7 + 0.03×36.6 − 3 = 3.065, and so on.
"""

import pytest
from playwright.sync_api import expect

from neural_playground.app.labs.neurons.presets import PRESETS

pytestmark = pytest.mark.browser

# test id -> the node's or edge's aria-label, or the element's text.
KEY_NUMBERS: dict[str, dict[str, str]] = {
    "b2_plain_sum": {
        "node-0-0": "B1 = 2",
        "node-0-1": "B2 = 2",
        "node-0-2": "B3 = 2",
        "output-value": "6",  # the book's 6 = 3 × (1 − 2 + 3)
    },
    "b2_weighted": {
        "edge-0-0-0": "Weight from G1 to B1: 1",
        "edge-0-1-0": "Weight from G2 to B1: 0.5",
        "edge-0-2-0": "Weight from G3 to B1: 0.3",
        "node-0-0": "B1 = 0.9",
        "output-value": "4.9",
    },
    "b2_relu": {"node-0-0": "B1 = 0.9", "output-value": "4.9"},
    "b2_relu_off": {
        "edge-0-1-0": "Weight from G2 to B1: 1.5",
        "node-0-0": "B1 = 0",
        "output-value": "4",
    },
    "b1_stroke": {
        "node-0-0": "B1 = 3.065",
        "node-0-1": "B2 = 0.878",
        "output-value": "0.7",  # sigmoid(0.84505) = 0.6995
        "output-decision": "≥ 0.5: stroke (1)",
    },
    "b1_deep": {
        "node-1-1": "B2.2 = 0",  # ReLU switches it off: its sum is −0.5392
        "output-value": "0.423",  # sigmoid(−0.3117)
        "output-decision": "< 0.5: no stroke (0)",
    },
}
# Sums worth seeing written out: hovering the node shows them.
FORMULAS = {
    "b2_plain_sum": ("node-0-0", "= linear(2)"),
    "b2_weighted": ("node-0-0", "1×1 + 0.5×(−2) + 0.3×3"),
    "b2_relu": ("node-0-0", "= ReLU(0.9)"),
    "b2_relu_off": ("node-0-0", "= ReLU(−1.1)"),
    "b1_stroke": ("node-0-0", "0.04×67 + 0.01×228.7 + 0.03×36.6"),
    "b1_deep": ("node-1-1", "= ReLU(−0.539)"),
}


def test_every_preset_has_its_key_numbers_checked():
    assert KEY_NUMBERS.keys() == PRESETS.keys() == FORMULAS.keys()


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_by_url_shows_its_key_numbers(page, name):
    page.goto(f"/neurons?preset={name}")
    expect(page.get_by_test_id("preset")).to_have_value(name)
    for testid, value in KEY_NUMBERS[name].items():
        target = page.get_by_test_id(testid)
        if testid.startswith(("node-", "edge-")):
            expect(target).to_have_attribute("aria-label", value)
        else:
            expect(target).to_have_text(value)
    node, written = FORMULAS[name]
    page.get_by_test_id(node).hover()
    expect(page.get_by_test_id("formula")).to_contain_text(written)
    note = page.get_by_test_id("note")
    if PRESETS[name].note:
        expect(note).to_contain_text("B1 + B2 + B3")
    else:
        expect(note).to_be_hidden()
