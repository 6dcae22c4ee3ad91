"""One export as the learner gets it: a PyTorch script, a Keras script, or a notebook.

All three are made of the same sections, each a short explanation in the page's language
and its code. A script holds the explanations as comments and ends with a command line
(`--check`, `--epochs`); the notebook holds them as Markdown cells and ends with a check
cell and a training cell. The `--check` contract: the last line printed is
`{"max_abs_diff": ...}`, and the exit status is 0 when it is below `TOLERANCE`.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from typing import Literal

from neural_playground.app import i18n

from . import keras_code, torch_code
from .literals import array_literal, arrays_block
from .spec import CodeExport
from .training import keras_training, torch_training

Framework = Literal["torch", "keras"]
TOLERANCE = 1e-5
WIDTH = 96  # characters per line of the explanations in a script


@dataclass
class Section:
    text: str  # Markdown, in the page's language
    code: str  # Python, empty for a text-only section


def weights_name(network: str) -> str:
    return f"{network.upper()}_WEIGHTS"


def imports(framework: Framework) -> str:
    if framework == "torch":
        return '''import argparse
import json
import sys
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

torch.set_default_dtype(torch.float64)  # the page computes in float64


def tensor(a):
    """NumPy -> torch, keeping float64 (and int64 class labels)."""
    return torch.as_tensor(np.asarray(a))
'''
    return """import argparse
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")  # set before importing keras
import keras  # noqa: E402
import numpy as np  # noqa: E402

keras.config.set_floatx("float64")  # the page computes in float64

# Keras 3 casts float64 down to float32 inside its operations on every backend but
# TensorFlow (its type promotion follows JAX's defaults), so a float64 model would still
# multiply in float32. The page computes in float64: keep it so. Without this (e.g. if a
# later Keras moves the table) the check still agrees to about 1e-7 on ordinary values.
try:
    from keras.src.backend.common import dtypes as _keras_dtypes

    _keras_dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"
except (ImportError, AttributeError):
    pass
"""


def network_code(export: CodeExport, framework: Framework) -> str:
    inputs = {c.network: export.arrays[c.inputs].shape[1:] for c in export.checks}
    regularizer = export.training.regularizer if export.training else None
    if framework == "torch":
        parts = torch_code.helpers(export.networks) + [
            torch_code.builder(net, weights_name(net.name)) for net in export.networks
        ]
    else:
        parts = keras_code.helpers(export.networks) + [
            keras_code.builder(net, weights_name(net.name), inputs[net.name], regularizer)
            for net in export.networks
        ]
    return "\n\n".join(parts)


def data_code(export: CodeExport) -> str:
    lines = [
        f"{name} = {export.sources.get(name) or array_literal(value)}"
        for name, value in export.arrays.items()
    ]
    lines += [arrays_block(weights_name(net.name), net.weights()) for net in export.networks]
    expected = {label(export, c): c.expected for c in export.checks}
    lines.append(arrays_block("EXPECTED", expected))
    return "\n\n".join(lines) + "\n"


def label(export: CodeExport, check) -> str:
    same = [c for c in export.checks if c.network == check.network]
    return check.network if len(same) == 1 else f"{check.network}({check.inputs})"


def check_code(export: CodeExport, framework: Framework) -> str:
    if framework == "torch":
        predict = """def predict(model, x):
    model.eval()  # batch normalization uses its running statistics, as the page's predictions
    with torch.no_grad():
        return model(tensor(x)).numpy()
"""
    else:
        predict = """def predict(model, x):
    return keras.ops.convert_to_numpy(model(x, training=False))
"""
    rows = "".join(
        f'        "{label(export, c)}": predict(build_{c.network}(), {c.inputs}),\n'
        for c in export.checks
    )
    return f'''{predict}

def check():
    """Rebuild every network with the page's weights and compare its predictions on the
    page's data with the engine's (EXPECTED). Prints one JSON line last."""
    predictions = {{
{rows}    }}
    diffs = {{name: float(np.max(np.abs(p - EXPECTED[name]))) for name, p in predictions.items()}}
    for name, diff in diffs.items():
        print(f"{{name}}: largest difference from the page {{diff:.3g}}")
    worst = max(diffs.values())
    print(json.dumps({{"max_abs_diff": worst}}))
    return worst < {TOLERANCE!r}
'''


MAIN = """if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the page's predictions; exit 0 when they agree")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs to train")
    args = parser.parse_args()
    if args.check:
        sys.exit(0 if check() else 1)
    train(args.epochs)
"""


def sections(export: CodeExport, framework: Framework, lang: str) -> list[Section]:
    def t(key: str, **params) -> str:
        return i18n.translate(lang, f"codeexport.{key}", **params)

    name = {"torch": "PyTorch", "keras": "Keras"}[framework]
    other = "_keras" if framework == "torch" else "_torch"
    notes = "".join(
        f"\n- {t(f'note.{key}', **params)}"
        for key, params in export.notes
        if not key.endswith(other)
    )
    if export.training is not None:
        training = (torch_training if framework == "torch" else keras_training)(
            export, export.training
        )
    else:
        training = export.custom_training[framework]
    return [
        Section(t("intro", lesson=t(f"lesson.{export.lesson}"), framework=name), ""),
        Section(t("imports"), imports(framework)),
        Section(t(f"network_{framework}") + notes, network_code(export, framework)),
        Section(t("data"), data_code(export)),
        Section(
            t("training", epochs=export.epochs), f"EPOCHS = {export.epochs}\n\n\n{training}"
        ),  # fmt: skip
        Section(t("check", tolerance=f"{TOLERANCE:g}"), check_code(export, framework)),
    ]


def wrapped(text: str, width: int) -> list[str]:
    """Every line of `text` wrapped at `width`, a bullet's continuation indented under it."""
    out = []
    for line in text.splitlines():
        indent = "  " if line.startswith("- ") else ""
        out += textwrap.wrap(line, width, subsequent_indent=indent) or [""]
    return out


def comment(text: str) -> str:
    return "\n".join(f"# {line}".rstrip() for line in wrapped(text, WIDTH - 2))


def script(export: CodeExport, framework: Framework, lang: str) -> str:
    parts = sections(export, framework, lang)
    intro = "\n".join(wrapped(parts[0].text.replace('"""', "'''"), WIDTH))
    body = "\n\n\n".join(f"{comment(s.text)}\n{s.code.rstrip()}" for s in parts[1:])
    return f'"""{intro}\n"""\n\n{body}\n\n\n{MAIN}'


def notebook(export: CodeExport, lang: str, framework: Framework = "torch") -> str:
    """nbformat v4 JSON: the sections as cells, then `check()` and `train(EPOCHS)`."""

    def cell(kind: str, text: str) -> dict:
        body = {"cell_type": kind, "metadata": {}, "source": text.rstrip("\n")}
        if kind == "code":
            body |= {"execution_count": None, "outputs": []}
        return body

    cells = []
    for k, s in enumerate(sections(export, framework, lang)):
        cells.append(cell("markdown", "# " + s.text if k == 0 else s.text))  # the title
        if s.code:
            cells.append(cell("code", s.code))
    t = i18n.translate
    cells += [
        cell("markdown", t(lang, "codeexport.run_check")),
        cell("code", "check()"),
        cell("markdown", t(lang, "codeexport.run_training")),
        cell("code", "train(EPOCHS)"),
    ]
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"},
            },
            "cells": [c | {"id": f"cell-{k}"} for k, c in enumerate(cells)],
        },
        ensure_ascii=False,
        indent=1,
    )
