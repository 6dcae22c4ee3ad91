"""Loss functions. Each returns ``(value, dpred)``: the batch-mean loss as a float and its
gradient dL/dpred (same shape as ``pred``), already divided by the batch size.

    value, dpred = binary_crossentropy(pred, target)
    model.backward(dpred)

``target`` may have a different shape than ``pred`` as long as it has the same number of
elements (e.g. pred (N, 1), target (N,)); it is reshaped, never broadcast, because
broadcasting (N, 1) against (N,) would silently build an (N, N) matrix.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import numpy as np

from neural_playground.engine.activations import sigmoid, softmax

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


def _mse_parts(pred: np.ndarray, target: np.ndarray) -> dict[str, np.ndarray]:
    pred, target = _prepare(pred, target)
    diff = pred - target
    return {"pred": pred, "target": target, "diff": diff, "elements": diff**2}


def mse(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error, mean over *all* elements.

    For pred (N, M) this is sum((pred - target)^2) / (N * M), like tf.keras' MSE (mean over
    outputs, then over the batch). For a single output (M = 1) it is the usual mean over N.
    """
    parts = _mse_parts(pred, target)
    diff = parts["diff"]
    return float(np.mean(parts["elements"])), 2.0 * diff / diff.size


def _clipped(pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities clipped to [EPSILON, 1 - EPSILON], and 1 where that left them unchanged
    (0 where clipped: no gradient flows there)."""
    p = np.clip(pred, EPSILON, 1.0 - EPSILON)
    inside = ((pred >= EPSILON) & (pred <= 1.0 - EPSILON)).astype(np.float64)
    return p, inside


def _bce_parts(
    pred: np.ndarray, target: np.ndarray, from_logits: bool = False
) -> dict[str, np.ndarray]:
    """The pieces of binary cross-entropy per element: p, log p, log(1 - p) and the loss."""
    pred, y = _prepare(pred, target)
    if from_logits:
        z = pred
        p = sigmoid(z)
        # log p = -softplus(-z) and log(1 - p) = -softplus(z), without overflow.
        softplus_abs = np.log1p(np.exp(-np.abs(z)))
        log_p = -(np.maximum(-z, 0.0) + softplus_abs)
        log_1mp = -(np.maximum(z, 0.0) + softplus_abs)
        elements = np.maximum(z, 0.0) - z * y + softplus_abs
        inside = np.ones_like(z)
    else:
        p, inside = _clipped(pred)
        log_p, log_1mp = np.log(p), np.log(1.0 - p)
        elements = -(y * log_p + (1.0 - y) * log_1mp)
    return {
        "pred": pred,
        "target": y,
        "p": p,
        "log_p": log_p,
        "log_one_minus_p": log_1mp,
        "one_minus_target": 1.0 - y,
        "elements": elements,
        "inside": inside,
    }


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
    if from_logits:
        # The training path, once per step: only what the value and gradient need (the
        # same numbers `_bce_parts` gives, without the parts the step-through shows).
        z, y = _prepare(pred, target)
        e = np.exp(-np.abs(z))
        p = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        elements = np.maximum(z, 0.0) - z * y + np.log1p(e)
        # sum / n is what np.mean computes, without its Python-level wrapper.
        return float(elements.sum()) / elements.size, (p - y) / p.size
    parts = _bce_parts(pred, target, from_logits)
    p, y, n = parts["p"], parts["target"], parts["p"].size
    dpred = (p - y) / (p * (1.0 - p)) * parts["inside"] / n
    return float(np.mean(parts["elements"])), dpred


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


def _cce_parts(
    pred: np.ndarray, target: np.ndarray, from_logits: bool = False
) -> dict[str, np.ndarray]:
    """The pieces of categorical cross-entropy: probabilities, their logs, per-sample loss."""
    pred = np.asarray(pred, dtype=np.float64)
    y = _one_hot_targets(pred, target)
    if pred.shape[0] == 0:
        raise ValueError("loss of an empty batch is undefined")
    if from_logits:
        shifted = pred - np.max(pred, axis=-1, keepdims=True)
        log_p = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
        p = softmax(pred)
        inside = np.ones_like(pred)
    else:
        p, inside = _clipped(pred)
        log_p = np.log(p)
    return {
        "pred": pred,
        "target": y,
        "p": p,
        "log_p": log_p,
        "elements": -y * log_p,
        "inside": inside,
    }


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
    parts = _cce_parts(pred, target, from_logits)
    p, y = parts["p"], parts["target"]
    n = p.shape[0]
    value = float(np.sum(parts["elements"]) / n)
    if from_logits:
        return value, (p * y.sum(axis=-1, keepdims=True) - y) / n
    return value, -y / p * parts["inside"] / n


LOSSES: dict[str, Loss] = {
    "mse": mse,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
}


def evaluate(
    loss: str | Loss, pred: np.ndarray, target: np.ndarray, from_logits: bool = False
) -> tuple[float, np.ndarray]:
    """``(value, dpred)`` of a loss given by name or function, passing ``from_logits`` on.

    Raises ValueError when from_logits=True is asked of a loss without that option (MSE).
    """
    loss_fn = get_loss(loss) if isinstance(loss, str) else loss
    if not from_logits:
        return loss_fn(pred, target)
    if not _takes_from_logits(loss_fn):
        raise ValueError("from_logits=True only applies to the cross-entropy losses")
    return loss_fn(pred, target, from_logits=True)


@functools.cache
def _takes_from_logits(loss_fn: Loss) -> bool:
    # Cached: inspect.signature costs about a fifth of a small network's whole training step.
    return "from_logits" in inspect.signature(loss_fn).parameters


def get_loss(name: str) -> Loss:
    """Look up a loss by name; raise ValueError listing the valid names otherwise."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None


_PARTS: dict[str, Callable[..., dict[str, np.ndarray]]] = {
    "mse": lambda pred, target, from_logits=False: _mse_parts(pred, target),
    "binary_crossentropy": _bce_parts,
    "categorical_crossentropy": _cce_parts,
}


def sample_losses(
    name: str, pred: np.ndarray, target: np.ndarray, from_logits: bool = False
) -> np.ndarray:
    """Each sample's loss, (N,): `loss_terms(...)["terms"]` without the formula's pieces
    (measured over a whole data set after every training burst, so kept cheap)."""
    if name == "binary_crossentropy" and from_logits:
        z, y = _prepare(pred, target)
        elements = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
        per_sample = elements.reshape(elements.shape[0], -1)
        # One output a sample (the usual case): its mean is itself, without mean's wrapper.
        return per_sample[:, 0] if per_sample.shape[1] == 1 else per_sample.mean(1)
    return loss_terms(name, pred, target, from_logits)["terms"]


def loss_terms(
    name: str, pred: np.ndarray, target: np.ndarray, from_logits: bool = False
) -> dict[str, np.ndarray]:
    """A loss written out: the pieces of its formula, each sample's term, and the mean.

    Returns float64 arrays: "pred", "target" (as the loss sees them: reshaped, one-hot),
    "elements" (each output's contribution), "terms" (N,) per-sample losses whose mean is
    "value" (a 0-d array, equal to the loss function's value), plus the pieces of the
    formula: mse "diff" (pred - target); binary_crossentropy "p", "log_p", "log_one_minus_p",
    "one_minus_target"; categorical_crossentropy "p", "log_p". Used to show the loss with
    its actual numbers, e.g. ((5 - 3)^2) / 1 = 4.
    """
    get_loss(name)  # same error for a bad name
    if from_logits and name == "mse":
        raise ValueError("from_logits=True only applies to the cross-entropy losses")
    parts = _PARTS[name](pred, target, from_logits=from_logits)
    per_sample = parts["elements"].reshape(parts["elements"].shape[0], -1)
    # MSE and BCE average over a sample's outputs; CCE sums over its classes.
    terms = per_sample.sum(axis=1) if name == "categorical_crossentropy" else per_sample.mean(1)
    parts["terms"] = terms
    parts["value"] = np.asarray(terms.mean())
    parts.pop("inside", None)
    return parts
