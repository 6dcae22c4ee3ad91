"""Activation functions and their derivatives, looked up by name.

Every activation is applied elementwise to pre-activations ``z`` of any shape, except
softmax, which normalises over the last axis (rows of an (N, K) batch).

    a  = activation_forward(name, z)
    dz = activation_backward(name, z, a, da)   # da = dL/da, returns dL/dz

Backward receives both ``z`` and ``a`` because some derivatives are cheapest in terms of
the output (sigmoid: a(1-a), tanh: 1-a^2, softmax) and others in terms of the input (relu).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Slope of leaky ReLU for z <= 0. Module-level so the app can change it globally; the
# functions below read it at call time.
LEAKY_RELU_SLOPE = 0.01


# --- forward / backward pairs -------------------------------------------------------------


def linear(z: np.ndarray) -> np.ndarray:
    return z


def linear_backward(z: np.ndarray, a: np.ndarray, da: np.ndarray) -> np.ndarray:
    return da


def step(z: np.ndarray) -> np.ndarray:
    """Heaviside step, the perceptron's activation: 1 if z > 0 else 0."""
    return (z > 0).astype(np.float64)


def step_backward(z: np.ndarray, a: np.ndarray, da: np.ndarray) -> np.ndarray:
    """The step's derivative is 0 everywhere (undefined at 0), so no gradient flows.

    This is why a step network cannot be trained by gradient descent / backprop: every
    weight gradient is exactly zero. The perceptron is trained with its own learning rule
    instead, and smooth activations (sigmoid, tanh, relu) were introduced to fix this.
    """
    return np.zeros_like(da)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)), computed without overflow for large |z|."""
    # exp(-|z|) is in (0, 1], so it never overflows; pick the algebraically equal form
    # that matches the sign of z.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_backward(z: np.ndarray, a: np.ndarray, da: np.ndarray) -> np.ndarray:
    return da * a * (1.0 - a)


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def tanh_backward(z: np.ndarray, a: np.ndarray, da: np.ndarray) -> np.ndarray:
    return da * (1.0 - a * a)


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def relu_backward(z: np.ndarray, a: np.ndarray, da: np.ndarray) -> np.ndarray:
    # Convention: derivative 0 at exactly z == 0 (same as most frameworks).
    return da * (z > 0)


def leaky_relu(z: np.ndarray, slope: float | None = None) -> np.ndarray:
    slope = LEAKY_RELU_SLOPE if slope is None else slope
    return np.where(z > 0, z, slope * z)


def leaky_relu_backward(
    z: np.ndarray, a: np.ndarray, da: np.ndarray, slope: float | None = None
) -> np.ndarray:
    slope = LEAKY_RELU_SLOPE if slope is None else slope
    return da * np.where(z > 0, 1.0, slope)


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax over the last axis; rows sum to 1."""
    # Subtracting the row max changes nothing mathematically but keeps exp() <= 1.
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_backward(z: np.ndarray, a: np.ndarray, da: np.ndarray) -> np.ndarray:
    # Jacobian-vector product of J = diag(a) - a a^T, without building the K x K matrix.
    return a * (da - np.sum(da * a, axis=-1, keepdims=True))


# --- registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivationSpec:
    """One activation: ``forward(z) -> a`` and ``backward(z, a, da) -> dz``."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    description: str = ""


ACTIVATIONS: dict[str, ActivationSpec] = {
    spec.name: spec
    for spec in (
        ActivationSpec("linear", linear, linear_backward, "identity: a = z"),
        ActivationSpec(
            "step", step, step_backward, "Heaviside step; gradient is 0, not trainable by backprop"
        ),
        ActivationSpec("sigmoid", sigmoid, sigmoid_backward, "1 / (1 + e^-z), output in (0, 1)"),
        ActivationSpec("tanh", tanh, tanh_backward, "hyperbolic tangent, output in (-1, 1)"),
        ActivationSpec("relu", relu, relu_backward, "max(0, z)"),
        ActivationSpec(
            "leaky_relu",
            leaky_relu,
            leaky_relu_backward,
            "z if z > 0 else slope * z (slope = LEAKY_RELU_SLOPE)",
        ),
        ActivationSpec("softmax", softmax, softmax_backward, "row-wise exp(z) / sum(exp(z))"),
    )
}

ACTIVATION_NAMES: tuple[str, ...] = tuple(ACTIVATIONS)


def get_activation(name: str) -> ActivationSpec:
    """Look up an activation by name; raise ValueError listing the valid names otherwise."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATION_NAMES)}"
        ) from None


def activation_forward(name: str, z: np.ndarray) -> np.ndarray:
    """a = f(z) for the named activation (same shape as z)."""
    return get_activation(name).forward(np.asarray(z, dtype=np.float64))


def activation_backward(name: str, z: np.ndarray, a: np.ndarray, da: np.ndarray) -> np.ndarray:
    """dL/dz given z, a = f(z) and the upstream gradient da = dL/da (all the same shape)."""
    return get_activation(name).backward(z, a, np.asarray(da, dtype=np.float64))
