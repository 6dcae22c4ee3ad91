"""The Share dialog offers the network as code: a PyTorch script, a Keras script and a
notebook, each built from the page's current state, in the page's language."""

import json

import numpy as np
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BUTTONS = {
    "code-pytorch": ("PyTorch script (.py)", "neurons_pytorch.py"),
    "code-keras": ("Keras script (.py)", "neurons_keras.py"),
    "code-notebook": ("Jupyter notebook (.ipynb)", "neurons_notebook.ipynb"),
}


def embedded_weights(text: str) -> dict[str, np.ndarray]:
    """The `MODEL_WEIGHTS = {...}` dict a script or notebook writes out, evaluated."""
    if text.startswith("{"):  # a notebook: its code cells
        cells = json.loads(text)["cells"]
        text = "\n".join(c["source"] for c in cells if c["cell_type"] == "code")
    start = text.index("MODEL_WEIGHTS = {")
    source = text[start : text.index("\n}\n", start) + 3]
    namespace = {"np": np}
    exec(source, namespace)  # the file the test just downloaded from the app
    return namespace["MODEL_WEIGHTS"]


def test_the_share_dialog_offers_the_network_as_code(page, tmp_path):
    page.goto("/neurons?preset=b2_weighted")
    page.get_by_test_id("edge-0-1-0").click()
    page.get_by_test_id("editor-number").fill("0.25")
    page.get_by_test_id("editor-number").press("Enter")
    expect(page.get_by_test_id("node-0-0")).to_have_attribute("aria-label", "B1 = 1.4")
    page.get_by_test_id("share-open").click()
    for testid, (label, filename) in BUTTONS.items():
        button = page.get_by_test_id(testid)
        expect(button).to_have_text(label)
        with page.expect_download() as info:
            button.click()
        assert info.value.suggested_filename == filename
        path = tmp_path / filename
        info.value.save_as(path)
        # The edited weight is in the file, as the page has it now.
        weights = embedded_weights(path.read_text(encoding="utf-8"))
        np.testing.assert_array_equal(weights["layer0.w"][:, 0], [1.0, 0.25, 0.3])
    notebook = json.loads((tmp_path / "neurons_notebook.ipynb").read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    assert notebook["cells"][0]["source"].startswith("# B.1-B.2 Neurons and weights")


def test_a_korean_page_explains_its_notebook_in_korean(page, tmp_path):
    page.goto("/rnn?lang=ko")
    expect(page.get_by_test_id("share-open")).to_be_visible()
    page.get_by_test_id("share-open").click()
    expect(page.get_by_test_id("code-notebook")).to_have_text("Jupyter 노트북 (.ipynb)")
    with page.expect_download() as info:
        page.get_by_test_id("code-notebook").click()
    assert info.value.suggested_filename == "rnn_notebook.ipynb"
    info.value.save_as(tmp_path / "nb.ipynb")
    cells = json.loads((tmp_path / "nb.ipynb").read_text(encoding="utf-8"))["cells"]
    assert cells[0]["source"].startswith("# B.7 순환 신경망")
    assert any("class PageGRU" in cell["source"] for cell in cells)
