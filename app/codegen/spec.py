"""What a lesson hands the code generator: its networks, its data, how it trains, and the
engine's own predictions that the generated scripts must reproduce (`--check`).

A lesson's `code_export.py` builds one `CodeExport` from a restored lab; everything
framework-specific is written by `app.codegen.torch_code` and `app.codegen.keras_code`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neural_playground.engine.model import Sequential
from neural_playground.engine.optimizers import Optimizer
from neural_playground.engine.regularizers import Regularizer


@dataclass
class Network:
    """One engine network, exported under a Python name (`model`, `generator`, `lstm`...)."""

    name: str
    model: Sequential
    #: What the learner sees it as on the page, e.g. "LSTM" or "with batch normalization".
    title: str = ""
    #: One name per engine layer, e.g. "encoder0"; default `layer<k>` (the protocol's index).
    layer_names: list[str] | None = None
    #: Engine layer indices whose parameters stay fixed while training (conv's kernels).
    frozen: tuple[int, ...] = ()

    def names(self) -> list[str]:
        return self.layer_names or [f"layer{k}" for k in range(len(self.model.layers))]

    def weights(self) -> dict[str, np.ndarray]:
        """Parameters and buffers by `<layer name>.<param>` (the JSON export's names)."""
        out: dict[str, np.ndarray] = {}
        for name, layer in zip(self.names(), self.model.layers, strict=True):
            for key, value in {**layer.params, **layer.buffers}.items():
                out[f"{name}.{key}"] = value.copy()
        return out


@dataclass
class Check:
    """`network` applied to array `inputs` (eval mode) must give `expected` (the engine's)."""

    network: str
    inputs: str
    expected: np.ndarray


@dataclass
class Supervised:
    """Plain training: every network in `networks` learns `x -> y` with one loss and rule.

    The data arrays are named in `CodeExport.arrays`. `y` may be class indices (N,) for
    categorical cross-entropy, else the shape of the network's output.
    """

    networks: list[str]
    x: str
    y: str
    loss: str  # "mse", "binary_crossentropy", "categorical_crossentropy"
    optimizer: Optimizer
    batch_size: int
    from_logits: bool = False
    regularizer: Regularizer | None = None
    #: Denoising: each epoch the inputs get this much Gaussian noise, clipped to [0, 1].
    input_noise: float = 0.0
    #: The engine's gradient clipping inside backpropagation through time (RNN page).
    clip_norm: float | None = None


@dataclass
class CodeExport:
    """Everything one page's scripts and notebook are made of."""

    lesson: str
    networks: list[Network]
    arrays: dict[str, np.ndarray]
    checks: list[Check]
    #: Plain training (most pages), or None when the lesson writes its own loop (GAN).
    training: Supervised | None
    #: Catalog keys (app/i18n/*/codeexport.json) of the lesson's notes, with their params.
    notes: list[tuple[str, dict]] = field(default_factory=list)
    #: Epochs the generated training runs by default (each one prints its loss).
    epochs: int = 5
    #: Lesson-written training code per framework ("torch", "keras"), used when `training`
    #: is None; it defines `train(epochs)`.
    custom_training: dict[str, str] = field(default_factory=dict)
    #: Arrays written as an expression of arrays before them instead of in full, e.g.
    #: `X = PIXELS.reshape(-1, 1, 8, 8) / 16` (the whole numbers are a third as long as the
    #: floats). `arrays` still holds every value: the shapes and checks read it there.
    sources: dict[str, str] = field(default_factory=dict)
