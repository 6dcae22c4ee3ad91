"""The playground's maps drawn in the browser (static/js/core/planemaps.js) are the engine's.

The page computes every map from the weights each frame carries. Here the engine gives its
reference on demand: a lab trained in this process, its layers as a frame carries them, and
every layer's values over the 100 x 100 grid by `Sequential.layer_outputs` (float64). The
browser's values must equal them to 1e-6 in every cell, for every activation and problem the
playground offers; its maps (colour ranges and bytes) must be the engine's cut of them.
"""

import json

import numpy as np
import pytest
from playwright.sync_api import expect

from neural_playground.app.labs.common.base import EVERYTHING
from neural_playground.app.labs.common.heatmaps import levels
from neural_playground.app.labs.playground import frame as view
from neural_playground.app.labs.playground.commands import SetData, SetNetwork
from neural_playground.app.labs.playground.lab import PlaygroundLab
from neural_playground.app.settings import Settings
from neural_playground.engine.data.features import FEATURE_NAMES, feature_matrix, grid
from tests.browser.test_playground_page import LOADED, open_playground, wait_for_step

pytestmark = pytest.mark.browser

TOLERANCE = 1e-6

#: (data, network): every hidden activation, every feature and the three problems.
CASES = {
    "binary, tanh and relu, every feature": (
        {"kind": "circle", "noise": 20},
        {"features": list(FEATURE_NAMES), "hidden": [8, 8], "activations": ["tanh", "relu"]},
    ),
    "three classes, sigmoid and leaky relu": (
        {"kind": "multi_gauss", "classes": 3},
        {
            "features": ["x1", "x2", "x1_x2"],
            "hidden": [5, 3],
            "activations": ["sigmoid", "leaky_relu"],
        },
    ),
    "regression, linear": (
        {"kind": "plane"},
        {"features": ["x1", "x2", "sin_x1"], "hidden": [4], "activations": ["linear"]},
    ),
}


def trained_lab(data: dict, network: dict) -> PlaygroundLab:
    lab = PlaygroundLab(Settings())
    lab.handle(SetData(type="set_data", **data))
    lab.handle(SetNetwork(type="set_network", learning_rate=0.1, **network))
    lab.train(60)  # weights of all sizes and signs, some neurons saturated
    return lab


def engine_values(lab: PlaygroundLab) -> list[np.ndarray]:
    """Every layer's values over the grid (cells x neurons), the output as predictions."""
    features = feature_matrix(grid(lab.data.extent, view.MAP_SIZE), lab.network.features)
    outputs = lab.model.layer_outputs(features)
    return [features, *outputs[:-1], view.predictions(lab.data.problem, outputs[-1])]


MODULE = """async ([layers, view]) => {
  const entry = document.querySelector('script[type=module][src*="lessons/playground.js"]');
  const m = await import(entry.src.replace("lessons/playground.js", "core/planemaps.js"));
  const maps = m.planeMaps(layers, view);
  const grids = [maps.values.features, ...maps.values.layers];
  const thumbs = [maps.input, ...maps.neurons];
  return {
    values: grids.map((g) => Array.from(g.values)),
    maps: thumbs.map((ms) => ms.map((x) => ({lo: x.lo, hi: x.hi, bytes: Array.from(x.bytes)}))),
    output: {kind: maps.output.kind, lo: maps.output.map.lo, hi: maps.output.map.hi,
             bytes: Array.from(maps.output.map.bytes),
             classes: maps.output.classBytes ? Array.from(maps.output.classBytes) : null},
  };
}"""


@pytest.mark.parametrize("case", CASES)
def test_every_map_cell_the_page_computes_equals_the_engines(page, case):
    lab = trained_lab(*CASES[case])
    frame = json.loads(lab.frame(EVERYTHING).model_dump_json())  # the layers as sent
    open_playground(page)
    expect(page.get_by_test_id("problem")).not_to_be_empty(timeout=LOADED)
    page_view = {
        "features": lab.network.features,
        "extent": lab.data.extent,
        "problem": lab.data.problem,
        "valueScale": lab.data.value_scale,
    }
    got = page.evaluate(MODULE, [frame["layers"], page_view])
    expected = engine_values(lab)
    assert len(got["values"]) == len(expected) == len(lab.model.layers) + 1
    for k, (mine, reference) in enumerate(zip(got["values"], expected, strict=True)):
        mine = np.array(mine).reshape(reference.shape)
        assert np.max(np.abs(mine - reference)) <= TOLERANCE, (case, k)
    # The maps: the engine's ranges, and its bytes of the same values (one level apart at
    # most, where a value falls on a rounding boundary).
    size = view.MAP_SIZE
    out_lo, out_hi = view.output_range(lab.data.problem, lab.data.value_scale)
    for k, (maps, reference) in enumerate(zip(got["maps"], expected, strict=True)):
        cells = reference.reshape(size, size, -1)
        for j, shown in enumerate(maps):
            if k < len(expected) - 1:  # features and hidden layers
                lo, hi = view.signed_range(cells[:, :, j])
            else:
                lo, hi = out_lo, out_hi
            assert (shown["lo"], shown["hi"]) == pytest.approx((lo, hi), abs=1e-9)
            engine_bytes = levels(view.thumbnail(cells[:, :, j]), np.float64(lo), np.float64(hi))
            diff = np.abs(np.array(shown["bytes"]).reshape(engine_bytes.shape) - engine_bytes)
            assert diff.max() <= 1, (case, k, j)
    output = got["output"]
    assert output["kind"] == view.output_kind(lab.data.problem)
    surface = expected[-1].reshape(size, size, -1)
    if lab.data.problem == "multiclass":
        assert output["classes"] == surface.argmax(axis=2).ravel().tolist()
        surface = surface.max(axis=2, keepdims=True)
    engine_bytes = levels(surface[:, :, 0], np.float64(out_lo), np.float64(out_hi))
    assert np.abs(np.array(output["bytes"]) - engine_bytes.ravel()).max() <= 1


def test_the_page_asks_for_no_maps_and_draws_them_from_each_frames_weights(page):
    frames: list[dict] = []

    def watch(ws) -> None:
        ws.on("framereceived", lambda payload: frames.append(json.loads(payload)))

    page.on("websocket", watch)
    open_playground(page)
    expect(page.get_by_test_id("problem")).not_to_be_empty(timeout=LOADED)
    before = page.get_by_test_id("plot").evaluate("canvas => canvas.toDataURL()")
    page.get_by_test_id("step").click()
    wait_for_step(page, 1)
    page.get_by_test_id("play").click()
    wait_for_step(page, 40)
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "false")
    after = page.get_by_test_id("plot").evaluate("canvas => canvas.toDataURL()")
    assert after != before  # a new surface, drawn here
    trained = [f for f in frames if f.get("type") == "frame" and f["step"] > 0]
    assert trained and all(f["output"] is None and f["input_maps"] is None for f in trained)
    assert all(m is None for f in trained for layer in f["neuron_maps"] for m in layer)
