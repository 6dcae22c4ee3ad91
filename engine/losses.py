"""Loss functions. Each returns ``(value, dpred)``: the batch-mean loss as a float and its
gradient dL/dpred (same shape as ``pred``), already divided by the batch size.

    value, dpred = binary_crossentropy(pred, target)
    model.backward(dpred)

``target`` may have a different shape than ``pred`` as long as it has the same number of
elements (e.g. pred (N, 1), target (N,)); it is reshaped, never broadcast, because
broadcasting (N, 1) against (N,) would silently build an (N, N) matrix.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.activations import sigmoid, softmax

# Probabilities are clipped to [EPSILON, 1 - EPSILON] before taking logs (Keras' default),
# so a confident wrong prediction gives a large but finite loss instead of inf.
EPSILON = 1e-7

Loss = Callable[..., tuple[float, np.ndarray]]


def _prepare(pred: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pred = np.asarray(pred, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if pred.size == 0:
        raise ValueError("loss of an empty batch is undefined")
    if target.shape != pred.shape:
        if target.size != pred.size:
            raise ValueError(f"target shape {target.shape} does not match pred shape {pred.shape}")
        target = target.reshape(pred.shape)
    return pred, target


def mse(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error, mean over *all* elements.

    For pred (N, M) this is sum((pred - target)^2) / (N * M), like tf.keras' MSE (mean over
    outputs, then over the batch). For a single output (M = 1) it is the usual mean over N.
    """
    pred, target = _prepare(pred, target)
    diff = pred - target
    return float(np.mean(diff**2)), 2.0 * diff / diff.size


def binary_crossentropy(
    pred: np.ndarray, target: np.ndarray, from_logits: bool = False
) -> tuple[float, np.ndarray]:
    """-[y log p + (1 - y) log(1 - p)], mean over all elements; targets y in [0, 1].

    from_logits=False: ``pred`` are probabilities p, clipped to [EPSILON, 1 - EPSILON].
        Where clipping is active the gradient is 0 (it is the gradient of the clipped
        function), so a saturated sigmoid output can stop learning; prefer logits.
    from_logits=True: ``pred`` are logits z, p = sigmoid(z). Uses the stable form
        max(z, 0) - z*y + log(1 + exp(-|z|)), whose gradient is simply sigmoid(z) - y.
    """
    pred, y = _prepare(pred, target)
    n = pred.size
    if from_logits:
        z = pred
        losses = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
        return float(np.mean(losses)), (sigmoid(z) - y) / n
    p = np.clip(pred, EPSILON, 1.0 - EPSILON)
    losses = -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
    inside = (pred >= EPSILON) & (pred <= 1.0 - EPSILON)
    dpred = (p - y) / (p * (1.0 - p)) * inside / n
    return float(np.mean(losses)), dpred


def _one_hot_targets(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Turn integer labels (N,) into one-hot (N, K); pass (N, K) targets through."""
    if pred.ndim != 2:
        raise ValueError(f"categorical cross-entropy expects pred (N, K), got {pred.shape}")
    n, k = pred.shape
    target = np.asarray(target)
    if target.shape == pred.shape:
        return target.astype(np.float64)
    if target.shape == (n,):
        labels = np.asarray(target, dtype=np.float64)
        if not np.all(labels == np.round(labels)) or labels.min() < 0 or labels.max() >= k:
            raise ValueError(f"integer labels must be whole numbers in [0, {k - 1}]")
        return np.eye(k)[labels.astype(int)]
    raise ValueError(
        f"target must be one-hot {pred.shape} or integer labels ({n},), got {target.shape}"
    )


def categorical_crossentropy(
    pred: np.ndarray, target: np.ndarray, from_logits: bool = False
) -> tuple[float, np.ndarray]:
    """-sum_k y_k log p_k per sample, mean over the batch.

    ``pred`` is (N, K); ``target`` is one-hot (N, K) (or any rows of class weights) or
    integer labels (N,).
    from_logits=False: ``pred`` are probabilities (e.g. a softmax output), clipped to
        [EPSILON, 1 - EPSILON] (not renormalised); gradient 0 where clipped.
    from_logits=True: ``pred`` are logits; uses log-softmax (z - logsumexp(z)), which never
        takes log(0), and the gradient is softmax(z) * sum(y) - y (= softmax - y for one-hot).
    """
    pred = np.asarray(pred, dtype=np.float64)
    y = _one_hot_targets(pred, target)
    n = pred.shape[0]
    if n == 0:
        raise ValueError("loss of an empty batch is undefined")
    if from_logits:
        shifted = pred - np.max(pred, axis=-1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
        value = -np.sum(y * log_probs) / n
        dpred = (softmax(pred) * y.sum(axis=-1, keepdims=True) - y) / n
        return float(value), dpred
    p = np.clip(pred, EPSILON, 1.0 - EPSILON)
    inside = (pred >= EPSILON) & (pred <= 1.0 - EPSILON)
    value = -np.sum(y * np.log(p)) / n
    return float(value), -y / p * inside / n


LOSSES: dict[str, Loss] = {
    "mse": mse,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
}


def get_loss(name: str) -> Loss:
    """Look up a loss by name; raise ValueError listing the valid names otherwise."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
