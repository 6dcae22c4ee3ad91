"""Autoencoder (B.8.1): an encoder squeezes the input through a narrow bottleneck (the code),
a decoder rebuilds the input from the code alone. Trained without labels: the target is the
input itself (or, denoising, the clean input while the encoder sees a noisy copy).

Both halves are plain ``Sequential`` stacks of ``Dense`` layers, so every number they compute
is the same traceable engine arithmetic as elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from neural_playground.engine.losses import mse
from neural_playground.engine.model import mlp
from neural_playground.engine.optimizers import Optimizer


class Autoencoder:
    """n_in -> hidden... -> bottleneck -> reversed(hidden)... -> n_in.

    Hidden layers use ``activation``; the code is linear (any real number, so the latent
    plane is not squashed); the output is a sigmoid, since pixels lie in [0, 1].
    One generator seeded with ``seed`` initialises the encoder then the decoder.
    """

    def __init__(
        self,
        n_in: int,
        hidden: Sequence[int],
        bottleneck: int,
        activation: str = "tanh",
        seed: int = 0,
    ) -> None:
        rng = np.random.default_rng(seed)
        widths = [int(n_in), *(int(h) for h in hidden), int(bottleneck)]
        self.n_in, self.bottleneck, self.hidden = int(n_in), int(bottleneck), list(widths[1:-1])
        self.activation = activation
        encoder_acts = [activation] * len(self.hidden) + ["linear"]
        decoder_acts = [activation] * len(self.hidden) + ["sigmoid"]
        self.encoder = mlp(widths, encoder_acts, rng=rng)
        self.decoder = mlp(widths[::-1], decoder_acts, rng=rng)
        # One list, always in the same order, so the optimizer's per-layer state lines up.
        self.layers = self.encoder.layers + self.decoder.layers

    def encode(self, x: np.ndarray) -> np.ndarray:
        """Codes (N, bottleneck) of inputs x (N, n_in), leaving the training trace alone."""
        return self.encoder.predict(x)

    def decode(self, z: np.ndarray) -> np.ndarray:
        """Images (N, n_in) in [0, 1] rebuilt from codes z (N, bottleneck)."""
        return self.decoder.predict(z)

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        return self.decode(self.encode(x))

    def loss(self, x_in: np.ndarray, target: np.ndarray) -> float:
        """Mean squared reconstruction error of target from x_in, without training."""
        return mse(self.reconstruct(x_in), target)[0]

    def train_step(self, x_in: np.ndarray, target: np.ndarray, optimizer: Optimizer) -> float:
        """One gradient step on the reconstruction error; returns the loss before the step.

        x_in (N, n_in) is what the encoder sees; target (N, n_in) what the decoder must
        produce: the same array for a plain autoencoder, the clean images for a denoising one.
        """
        self.encoder.train()
        self.decoder.train()
        out = self.decoder.forward(self.encoder.forward(x_in))
        value, dout = mse(out, target)
        self.encoder.backward(self.decoder.backward(dout))
        optimizer.step(self.layers)
        return value

    def get_weights(self) -> list[dict[str, list]]:
        return [layer.get_weights() for layer in self.layers]

    def set_weights(self, weights: Sequence[dict]) -> None:
        """Encoder layers then decoder layers; all validated before any is written."""
        n = len(self.encoder.layers)
        if len(weights) != len(self.layers):
            raise ValueError(f"expected {len(self.layers)} weight dicts, got {len(weights)}")
        for layer, w in zip(self.layers, weights, strict=True):
            layer.validate_weights(w)
        self.encoder.set_weights(list(weights[:n]))
        self.decoder.set_weights(list(weights[n:]))


def add_noise(x: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    """x + level * N(0, 1) per pixel, clipped back to [0, 1]: the denoising task's input."""
    if level <= 0:
        return x
    return np.clip(x + level * rng.standard_normal(x.shape), 0.0, 1.0)


def edge_strength(images: np.ndarray, side: int) -> float:
    """Mean |difference| between neighbouring pixels (right and below) of square images.

    images (N, side*side). Sharp strokes have large jumps; a blurred copy has smaller ones,
    so the ratio reconstruction / original measures how much detail the bottleneck lost.
    """
    grid = np.asarray(images, dtype=np.float64).reshape(-1, side, side)
    across = np.abs(np.diff(grid, axis=2))
    down = np.abs(np.diff(grid, axis=1))
    return float((across.sum() + down.sum()) / (across.size + down.size))


def plane_projection(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 2-D view of codes (N, d): the codes themselves when d = 2, else their top two
    principal components.

    Returns (points (N, 2), mean (d,), basis (2, d)) with code = mean + point @ basis, so
    a point clicked on the plane maps back to a code the decoder can read. Each basis
    vector's largest entry is made positive so the view does not flip between frames.
    """
    codes = np.asarray(codes, dtype=np.float64)
    d = codes.shape[1]
    if d == 2:
        return codes.copy(), np.zeros(2), np.eye(2)
    mean = codes.mean(axis=0)
    centred = codes - mean
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    basis = vt[:2]
    if basis.shape[0] < 2:  # d == 1: the second axis carries nothing
        basis = np.vstack([basis, np.zeros((1, d))])
    signs = np.sign(basis[np.arange(2), np.argmax(np.abs(basis), axis=1)])
    basis = basis * np.where(signs == 0, 1.0, signs)[:, None]
    return centred @ basis.T, mean, basis
