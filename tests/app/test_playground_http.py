"""The playground page over HTTP: served in both languages, offline, linked from home; its
weights export like every lab's."""

import io

import numpy as np

from neural_playground.app.labs.playground.commands import SetNetwork
from neural_playground.app.labs.playground.lab import PlaygroundLab
from neural_playground.app.settings import Settings


def test_playground_page_is_served_offline_in_both_languages(client):
    english = client.get("/playground", headers={"accept-language": "en"})
    assert english.status_code == 200
    html = english.text
    assert "a network learns to separate points" in html
    assert f'type="module" src="{client.app.state.assets.url("js/lessons/playground.js")}">' in html
    assert "http://" not in html and "https://" not in html
    korean = client.get("/playground", headers={"accept-language": "ko"}).text
    assert "신경망이 점들을 나누는 법" in korean


def test_home_and_navigation_link_to_the_playground(client):
    html = client.get("/", headers={"accept-language": "en"}).text
    assert 'data-testid="lesson-B.3+"' in html
    assert html.count('href="/playground"') == 2  # the lesson card and the navigation


def test_the_trained_weights_export_as_json_and_npz(client):
    lab = PlaygroundLab(Settings())
    lab.handle(SetNetwork(type="set_network", hidden=[3]))
    lab.train(20)
    state = lab.snapshot().model_dump(mode="json")
    exported = client.post("/export/playground/weights.json", json=state).json()
    npz = np.load(io.BytesIO(client.post("/export/playground/weights.npz", json=state).content))
    assert sorted(exported) == sorted(npz.files) == ["layer0.b", "layer0.w", "layer1.b", "layer1.w"]
    for k, layer in enumerate(lab.model.layers):
        np.testing.assert_array_equal(npz[f"layer{k}.w"], layer.params["w"])
        np.testing.assert_array_equal(np.array(exported[f"layer{k}.b"]), layer.params["b"])
