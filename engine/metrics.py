"""Evaluation metrics (plain floats, no gradients)."""

from __future__ import annotations

import numpy as np

from neural_playground.engine import losses


def _predicted_and_true_classes(
    pred: np.ndarray, target: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    pred = np.asarray(pred, dtype=np.float64)
    target = np.asarray(target)
    if pred.ndim == 0 or pred.shape[0] == 0:
        raise ValueError(f"accuracy needs a non-empty batch, got pred of shape {pred.shape}")
    if pred.ndim == 1 or (pred.ndim == 2 and pred.shape[1] == 1):
        # Binary: one probability per sample, 0/1 targets.
        if target.size != pred.shape[0]:
            raise ValueError(f"target shape {target.shape} does not match pred shape {pred.shape}")
        true = target.reshape(-1)
        if not np.all((true == 0) | (true == 1)):
            raise ValueError("binary accuracy expects targets that are 0 or 1")
        return (pred.reshape(-1) > threshold).astype(int), true.astype(int)
    if pred.ndim == 2:
        # Multi-class: the predicted class is the largest score.
        if target.shape == pred.shape:
            true = np.argmax(target, axis=1)
        elif target.shape == (pred.shape[0],):
            true = target.astype(int)
        else:
            raise ValueError(
                f"target must be one-hot {pred.shape} or labels ({pred.shape[0]},), "
                f"got {target.shape}"
            )
        return np.argmax(pred, axis=1), true
    raise ValueError(f"accuracy expects pred of shape (N,), (N, 1) or (N, K), got {pred.shape}")


def accuracy(pred: np.ndarray, target: np.ndarray, threshold: float = 0.5) -> float:
    """Fraction of correctly classified samples.

    Binary: pred (N,) or (N, 1) probabilities, class 1 when pred > threshold; target 0/1.
    Multi-class: pred (N, K) scores, class = argmax; target one-hot (N, K) or labels (N,).
    """
    return float(np.mean(correct(pred, target, threshold)))


def correct(pred: np.ndarray, target: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Whether each sample is classified correctly, (N,) booleans (shapes as for `accuracy`).

    A binary classifier's logits take ``threshold=0.0``: sigmoid(z) > 0.5 exactly when z > 0.
    """
    predicted, true = _predicted_and_true_classes(pred, target, threshold)
    return predicted == true


def misclassification_rate(pred: np.ndarray, target: np.ndarray, threshold: float = 0.5) -> float:
    """Fraction of wrongly classified samples: 1 - accuracy (book, B.3)."""
    return 1.0 - accuracy(pred, target, threshold)


def mse(pred: np.ndarray, target: np.ndarray) -> float:
    """Mean squared error over all elements (same definition as ``losses.mse``)."""
    return losses.mse(pred, target)[0]
