"""The network as code: every lesson's PyTorch and Keras scripts and its notebook rebuild the
page's network and reproduce the engine's predictions (`--check`), from a real state."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pytest
from fastapi.testclient import TestClient

from neural_playground.app.codegen import FORMATS, TOLERANCE
from neural_playground.app.labs import LABS
from neural_playground.app.labs.common.lessons import code_exporter
from neural_playground.app.labs.rnn.commands import RnnSettings
from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings

#: Every lesson with a network; each has its code export.
LESSONS = sorted(name for name, lab in LABS.items() if code_exporter(lab) is not None)
RUNNER = Path(__file__).parent.parent / "code_runner.py"
STEPS = 3  # training steps on the page before the export


def page_state(name: str, settings: Settings) -> dict:
    """The state `get_state` gives after a few training steps on the page."""
    lab = LABS[name](settings)
    if lab.trainable:
        lab.train(STEPS)
    return lab.snapshot().model_dump(mode="json")


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Every lesson's three downloads, from the HTTP endpoint, as files."""
    settings = Settings()
    folder = tmp_path_factory.mktemp("exports")
    files: dict[str, dict[str, Path]] = {}
    with TestClient(create_app(settings)) as client:
        for name in LESSONS:
            state = page_state(name, settings)
            for fmt in FORMATS:
                response = client.post(f"/export/{name}/{fmt}?lang=en", json=state)
                assert response.status_code == 200, response.text
                path = folder / response.headers["content-disposition"].split('"')[1]
                path.write_bytes(response.content)
                files.setdefault(name, {})[fmt] = path
    return files


def run_checks(groups: list[list[Path]]) -> dict[Path, dict]:
    """Each file's check, run by tests/code_runner.py: one process per group, in parallel."""
    env = {**os.environ, "KERAS_BACKEND": "torch"}

    def run(paths: list[Path]) -> list[dict]:
        done = subprocess.run(
            [sys.executable, str(RUNNER), *map(str, paths)],
            capture_output=True, text=True, timeout=600, env=env, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]

    with ThreadPoolExecutor(len(groups)) as pool:
        results = [r for rows in pool.map(run, groups) for r in rows]
    return {Path(r["file"]): r for r in results}


@pytest.fixture(scope="module")
def checks(exports) -> dict[Path, dict]:
    """Every lesson's files: one process imports torch, the other keras."""
    return run_checks([
        [files["pytorch.py"] for files in exports.values()]
        + [files["notebook.ipynb"] for files in exports.values()],
        [files["keras.py"] for files in exports.values()],
    ])  # fmt: skip


def test_every_lesson_with_a_network_has_the_export():
    with_network = ["neurons", "backprop", "descent", "playground", "batchnorm", "conv", "rnn",
                    "autoencoder", "gan", "digits"]  # fmt: skip
    assert set(LESSONS) == set(with_network)


@pytest.mark.parametrize("lesson", LESSONS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_export_reproduces_the_page(lesson, fmt, exports, checks):
    result = checks[exports[lesson][fmt]]
    assert result["exit"] == 0
    diff = json.loads(result["last"])["max_abs_diff"]
    assert 0 <= diff < TOLERANCE
    # Both frameworks compute in float64 (Keras too: its float32 cast is lifted), so the
    # agreement is far closer than the contract asks; float32 would show near 1e-7.
    assert diff < 1e-10


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_notebook_is_valid_nbformat_4(lesson, exports):
    notebook = nbformat.read(exports[lesson]["notebook.ipynb"], as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds[0] == "markdown" and kinds.count("code") >= 6
    assert notebook.cells[-1].source == "train(EPOCHS)"


@pytest.mark.parametrize(
    ("lesson", "fmt"), [("neurons", "pytorch.py"), ("gan", "keras.py"), ("digits", "keras.py")]
)
def test_a_script_runs_from_the_command_line_and_trains(lesson, fmt, exports):
    """`python script.py --check` itself, and without it: one loss line per epoch."""
    script = exports[lesson][fmt]
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    checked = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=300,
        env=env,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout.splitlines()[-1])["max_abs_diff"] < TOLERANCE
    trained = subprocess.run(
        [sys.executable, str(script), "--epochs", "2"], capture_output=True, text=True,
        timeout=300, env=env,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    lines = trained.stdout.splitlines()
    assert [line.split(":")[0] for line in lines][-2:] in (
        ["model epoch 1", "model epoch 2"], ["epoch 1", "epoch 2"],
        ["dense epoch 1", "dense epoch 2"],
    )  # fmt: skip
    losses = [float(part.rsplit(" ", 1)[1]) for line in lines for part in line.split(",")]
    assert all(0 <= loss < 10 for loss in losses)
    if lesson == "neurons":
        assert losses[-1] <= losses[0]
    if lesson == "digits":  # conv, then dense: each goes on learning the digits
        assert [line.split(" epoch")[0] for line in lines] == ["conv"] * 2 + ["dense"] * 2
        assert losses[1] < losses[0] and losses[3] < losses[2]


def test_the_digits_are_written_compactly_and_read_back_as_the_pages_images(exports):
    """Ink as base-17 text (a quarter of the numbers' length): the file stays small, and the
    images it decodes are the page's, bit for bit."""
    import runpy

    from neural_playground.app.labs.digits.code_export import CHECKED, TRAIN_ROWS
    from neural_playground.app.labs.digits.data import digit_sets

    script = exports["digits"]["pytorch.py"]
    assert script.stat().st_size < 120_000
    data = runpy.run_path(str(script))  # defines everything; runs nothing (not __main__)
    sets = digit_sets()
    np.testing.assert_array_equal(data["X"], sets.images[sets.train[:TRAIN_ROWS]])
    np.testing.assert_array_equal(data["Y"], sets.labels[sets.train[:TRAIN_ROWS]])
    np.testing.assert_array_equal(data["SHOWN"][:CHECKED], sets.images[sets.test[:CHECKED]])
    assert data["SHOWN"].shape == (CHECKED + 1, 1, 8, 8)  # and the learner's digit, last


def test_every_shape_of_the_digits_cnn_exports_exactly(tmp_path):
    """Each preset (kernels 2 and 3, no padding, average or no pooling, two blocks, SGD) and a
    strided one: PyTorch and Keras both rebuild the page's two networks to ~1e-15."""
    from neural_playground.app import codegen
    from neural_playground.app.labs.digits.code_export import describe
    from neural_playground.app.labs.digits.commands import Config
    from neural_playground.app.labs.digits.presets import PRESETS

    configs = {name: Config(**change) for name, change in PRESETS.items()}
    configs["strided"] = Config(blocks=2, stride=2, kernel=2, padding=1, pool="avg")
    lab = LABS["digits"](Settings())
    files: dict[str, list[Path]] = {"pytorch.py": [], "keras.py": []}
    for name, config in configs.items():
        lab.start(config)
        lab.train(STEPS)
        export = describe(lab)
        for fmt, paths in files.items():
            paths.append(tmp_path / f"{name}_{fmt}")
            paths[-1].write_text(codegen.render(export, fmt, "en"))
    results = run_checks(list(files.values()))
    assert len(results) == 2 * len(configs)
    for result in results.values():
        assert result["exit"] == 0
        assert json.loads(result["last"])["max_abs_diff"] < 1e-10


def test_the_explanations_speak_the_pages_language(client):
    state = page_state("neurons", Settings())
    korean = client.post("/export/neurons/notebook.ipynb?lang=ko", json=state).json()
    english = client.post("/export/neurons/notebook.ipynb?lang=en", json=state).json()
    assert "신경망" in korean["cells"][0]["source"]
    assert "network" in english["cells"][0]["source"]
    code = [c["source"] for c in korean["cells"] if c["cell_type"] == "code"]
    assert code == [c["source"] for c in english["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/export/nowhere/pytorch.py", b"{}", 404, "unknown_lab"),
        ("/export/neurons/keras.py", b"{not json", 400, "invalid_json"),
        ("/export/neurons/notebook.ipynb", b'{"preset": "b2_weighted"}', 422, "bad_state"),
        ("/export/neurons/pytorch.py", b"x" * 300_000, 413, "too_large"),
        ("/export/neurons/pytorch.py", b"[" * 40 + b"]" * 40, 400, "too_deep"),
        ("/export/neurons/notebook.py", b"{}", 404, "unknown_format"),
    ],
)
def test_bad_requests_get_the_same_codes_as_the_weights_export(client, path, body, status, code):
    response = client.post(path, content=body)
    assert response.status_code == status
    assert response.json()["code"] == code


def test_the_pytorch_cells_train_like_the_engine_clipping_included(tmp_path):
    """One SGD step of the exported hand-written cells (gradient clipped inside BPTT by a
    hook) moves every weight as the engine's own step does."""
    import importlib.util

    import torch

    from neural_playground.app import codegen
    from neural_playground.app.labs.rnn.code_export import describe
    from neural_playground.engine.optimizers import Optimizer

    lab = LABS["rnn"](Settings())
    lab.config = RnnSettings(task="series", length=10, clip=0.05, optimizer="sgd")
    lab.build()
    lab.train(2)
    path = tmp_path / "rnn_pytorch.py"
    path.write_text(codegen.render(describe(lab), "pytorch.py", "en"))
    spec = importlib.util.spec_from_file_location("rnn_pytorch", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    x, y = lab.task.batch(0)
    for cell, model in lab.models.items():
        net = getattr(script, f"build_{cell}")()
        optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
        script.loss_fn(net(script.tensor(x)), script.tensor(y)).backward()
        optimizer.step()
        model.train_step(x, y, "mse", Optimizer("sgd", learning_rate=0.1))
        assert model.layers[0].cache["clipped"].sum() >= 1  # the clip did act
        for key in ("wx", "wh", "b"):
            moved = getattr(net.layer0, key).detach().numpy()
            assert abs(moved - model.layers[0].params[key]).max() < 1e-12
