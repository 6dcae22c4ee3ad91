"""Weights export: a lab's state in, the same weights out as NumPy .npz and as JSON."""

import io

import numpy as np
import pytest

from app.labs import LABS
from app.labs.common.base import Lab
from tests.wsutil import open_lab, receive_until


def edited_state(client) -> dict:
    """A neurons state from a real session, with one weight and one bias edited."""
    with open_lab(client, "neurons") as (ws, _):
        ws.send_json({"type": "set_weight", "layer": 0, "i": 1, "j": 0, "value": -0.25})
        receive_until(ws, "frame")
        ws.send_json({"type": "set_bias", "layer": 1, "j": 0, "value": 0.5})
        receive_until(ws, "frame")
        ws.send_json({"type": "get_state"})
        return receive_until(ws, "state")["state"]


def test_npz_holds_every_layers_weights_and_biases(client):
    state = edited_state(client)
    response = client.post("/export/neurons/weights.npz", json=state)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert 'filename="neurons-weights.npz"' in response.headers["content-disposition"]
    with np.load(io.BytesIO(response.content)) as npz:
        assert sorted(npz.files) == ["layer0.b", "layer0.w", "layer1.b", "layer1.w"]
        assert npz["layer0.w"].shape == (3, 3)
        assert npz["layer0.w"][1, 0] == -0.25
        np.testing.assert_array_equal(npz["layer0.w"], state["weights"][0]["w"])
        np.testing.assert_array_equal(npz["layer1.w"], [[1.0], [1.0], [1.0]])
        assert npz["layer1.b"].tolist() == [0.5]


def test_json_export_has_the_same_numbers(client):
    state = edited_state(client)
    npz = np.load(io.BytesIO(client.post("/export/neurons/weights.npz", json=state).content))
    exported = client.post("/export/neurons/weights.json", json=state).json()
    assert exported.keys() == set(npz.files)
    for name, values in exported.items():
        np.testing.assert_array_equal(np.array(values), npz[name])


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/export/nowhere/weights.npz", b"{}", 404, "unknown_lab"),
        ("/export/neurons/weights.npz", b"{not json", 400, "invalid_json"),
        ("/export/neurons/weights.npz", b'{"preset": "b2_weighted"}', 422, "bad_state"),
        ("/export/neurons/weights.json", b"x" * 300_000, 413, "too_large"),
    ],
)
def test_bad_requests_get_a_code_the_page_translates(client, path, body, status, code):
    response = client.post(path, content=body)
    assert response.status_code == status
    assert response.json()["code"] == code


def test_a_state_beyond_the_limits_is_refused(client):
    state = edited_state(client)
    state["weights"][0]["w"][0][0] = 1e9
    response = client.post("/export/neurons/weights.npz", json=state)
    assert response.status_code == 422
    assert response.json()["code"] == "value_too_large"


def test_labs_without_weights_say_so():
    class NoNetwork(Lab):
        pass

    assert not NoNetwork.has_weights()
    assert LABS["neurons"].has_weights()
