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


def code_of(text: str) -> str:
    """A script as it is, a notebook's code cells joined."""
    if text.startswith("{"):
        cells = json.loads(text)["cells"]
        return "\n".join(c["source"] for c in cells if c["cell_type"] == "code")
    return text


def embedded_weights(text: str, name: str = "MODEL_WEIGHTS") -> dict[str, np.ndarray]:
    """The `<name> = {...}` dict a script or notebook writes out, evaluated."""
    text = code_of(text)
    start = text.index(f"{name} = {{")
    source = text[start : text.index("\n}\n", start) + 3]
    namespace = {"np": np}
    exec(source, namespace)  # the file the test just downloaded from the app
    return namespace[name]


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


def test_the_digits_page_exports_both_networks_and_the_drawn_digit(page, tmp_path):
    """/digits: the CNN and the dense network as code, with the page's weights and the digit
    the learner drew as the check's last image."""
    from neural_playground.app.labs.digits.commands import Config
    from neural_playground.app.labs.digits.lab import spec_of
    from neural_playground.engine.convnet import conv_network

    page.goto("/digits")
    page.get_by_test_id("clear-drawing").click()
    expect(page.get_by_test_id("shown-digit")).to_have_text("Your drawing")
    page.get_by_test_id("input-4-2").click()
    expect(page.get_by_test_id("input-4-2")).to_have_text("16")
    page.get_by_test_id("share-open").click()
    fresh = conv_network(spec_of(Config()), seed=0)  # the page's untrained CNN, seed 0
    for testid, kind in (("code-pytorch", "pytorch.py"), ("code-keras", "keras.py"),
                         ("code-notebook", "notebook.ipynb")):  # fmt: skip
        with page.expect_download() as info:
            page.get_by_test_id(testid).click()
        assert info.value.suggested_filename == f"digits_{kind}"
        path = tmp_path / kind
        info.value.save_as(path)
        text = path.read_text(encoding="utf-8")
        conv = embedded_weights(text, "CONV_WEIGHTS")
        np.testing.assert_array_equal(conv["layer0.w"], fresh.layers[0].params["w"])
        dense = embedded_weights(text, "DENSE_WEIGHTS")
        assert sorted(dense) == ["layer0.b", "layer0.w", "layer1.b", "layer1.w"]
        code = code_of(text)
        assert "def build_conv():" in code and "def build_dense():" in code
        # The drawing (16 ink at row 4, column 2; base 17: "g") is the last image checked.
        ink = code[code.index('SHOWN_INK = """') :].split('"""')[1].split()
        assert ink[-1] == "0" * 34 + "g" + "0" * 29
