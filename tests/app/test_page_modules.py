"""The pages' scripts: ES modules served as they are, and the engine's names embedded for them."""

import json
import re
from pathlib import Path
from typing import get_args

from neural_playground.app.labs.playground.spec import HiddenActivation
from neural_playground.engine.activations import ACTIVATION_NAMES
from neural_playground.engine.data.features import FEATURE_NAMES

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
MODULE_SYNTAX = re.compile(r"^(import|export) ", re.M)


def test_the_scripts_are_es_modules_but_the_one_that_runs_before_the_first_paint():
    classic = sorted(
        p.relative_to(STATIC_JS).as_posix()
        for p in STATIC_JS.rglob("*.js")
        if not MODULE_SYNTAX.search(p.read_text())
    )
    assert classic == ["boot.js"]


def test_every_lesson_page_loads_its_module_and_no_classic_page_script(client):
    lessons = ("neurons", "backprop", "descent", "batchnorm", "conv", "digits", "rnn")
    lessons += ("autoencoder", "gan")
    for lab in (*lessons, "playground"):
        html = client.get(f"/{lab}").text
        static = f"/static/{client.app.state.assets.version}"
        assert f'<script type="module" src="{static}/js/lessons/{lab}.js"></script>' in html
        scripts = re.findall(r'<script src="([^"]+)"', html)
        assert scripts == [f"{static}/js/boot.js"]  # Plotly comes through core/plotly.js


def test_pages_get_the_activation_and_feature_names_from_the_engine(client):
    html = client.get("/playground").text
    embedded = html.split('<script id="np-names" type="application/json">')[1].split("</script>")[0]
    names = json.loads(embedded)
    assert names["activations"] == list(ACTIVATION_NAMES)
    assert names["features"] == list(FEATURE_NAMES)
    assert names["playground_activations"] == list(get_args(HiddenActivation))
    # ... and no script keeps a copy of them.
    for path in STATIC_JS.rglob("*.js"):
        assert '"sin_x1"' not in path.read_text() and '"leaky_relu"' not in path.read_text()
