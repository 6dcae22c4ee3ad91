"""Optimizers: cs231n-style update rules plus a thin stateful ``Optimizer``.

Every rule has the same signature and is pure (inputs are not modified):

    next_w, config = rule(w, dw, config)

``config`` holds the hyperparameters (learning_rate, momentum, beta1, ...) and the rule's
state (velocity, m, v, t). Missing entries get defaults; pass the returned config back in
on the next step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

Config = dict[str, Any]
UpdateRule = Callable[[np.ndarray, np.ndarray, Config | None], tuple[np.ndarray, Config]]


def sgd(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """Vanilla gradient descent: w <- w - learning_rate * dw.

    config: learning_rate (default 1e-2).
    """
    config = dict(config or {})
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config


def momentum(
    w: np.ndarray, dw: np.ndarray, config: Config | None = None
) -> tuple[np.ndarray, Config]:
    """SGD with momentum: v <- mu * v - learning_rate * dw;  w <- w + v.

    The velocity v is a running (decaying) sum of past steps, so directions where the
    gradient keeps its sign speed up and oscillating directions cancel out.
    config: learning_rate (1e-2), momentum mu (0.9), velocity (zeros).

    The learning rate is inside the velocity (cs231n's and the book's form; the step-through
    pages show v as a step in weight units). While the rate stays fixed this is exactly
    PyTorch's SGD(momentum=mu) (v' = mu v' + dw; w <- w - learning_rate * v', with v = -lr v').
    When the rate changes mid-training they differ: here the steps already in v keep the
    old rate and fade by mu per step (the new rate is fully felt after about 1 / (1 - mu)
    = 10 steps), while PyTorch applies the new rate at once to the whole history. Kept on
    purpose: a new rate never rescales the speed the weights already have.
    """
    config = dict(config or {})
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    v = np.zeros_like(w) if v is None else v
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def adam(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """Adam (Kingma & Ba, 2015): momentum on the gradient (m) and a per-weight step size
    scaled by the running RMS of the gradient (v), both bias-corrected for the zero start.

        t <- t + 1
        m <- beta1 m + (1 - beta1) dw          v <- beta2 v + (1 - beta2) dw^2
        m_hat = m / (1 - beta1^t)              v_hat = v / (1 - beta2^t)
        w <- w - learning_rate * m_hat / (sqrt(v_hat) + eps)

    config: learning_rate (1e-3), beta1 (0.9), beta2 (0.999), eps (1e-8), m, v, t (0).
    """
    config = dict(config or {})
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("eps", 1e-8)
    b1, b2 = config["beta1"], config["beta2"]
    m = config.get("m")
    v = config.get("v")
    m = b1 * (np.zeros_like(w) if m is None else m) + (1 - b1) * dw
    v = b2 * (np.zeros_like(w) if v is None else v) + (1 - b2) * dw * dw
    t = config.get("t", 0) + 1
    m_hat = m / (1 - b1**t)
    v_hat = v / (1 - b2**t)
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["eps"])
    # m_hat and v_hat are not needed by the next step; kept so a step can be shown.
    config.update(m=m, v=v, t=t, m_hat=m_hat, v_hat=v_hat)
    return next_w, config


UPDATE_RULES: dict[str, UpdateRule] = {"sgd": sgd, "momentum": momentum, "adam": adam}
OPTIMIZER_NAMES: tuple[str, ...] = tuple(UPDATE_RULES)

# Hyperparameters each optimizer accepts besides learning_rate.
_HYPERPARAMETERS: dict[str, tuple[str, ...]] = {
    "sgd": (),
    "momentum": ("momentum",),
    "adam": ("beta1", "beta2", "eps"),
}


class Optimizer:
    """Applies one update rule to every parameter of a list of layers.

    State (velocity, m, v, t) is kept per (layer index, param key), so pass the same layer
    list in the same order each step. ``learning_rate`` and ``hyper`` are read on every
    step, so changing ``opt.learning_rate`` mid-training takes effect on the next step (for
    momentum, on that step's gradient: the velocity keeps the old rate, see ``momentum``).
    """

    def __init__(self, name: str = "sgd", learning_rate: float = 0.01, **hyper: float) -> None:
        if name not in UPDATE_RULES:
            choices = ", ".join(OPTIMIZER_NAMES)
            raise ValueError(f"unknown optimizer {name!r}; choose one of {choices}")
        unknown = set(hyper) - set(_HYPERPARAMETERS[name])
        if unknown:
            allowed = ", ".join(("learning_rate", *_HYPERPARAMETERS[name]))
            raise ValueError(
                f"optimizer {name!r} got unknown hyperparameter(s) {', '.join(sorted(unknown))}; "
                f"it accepts {allowed}"
            )
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate}")
        self.name = name
        self.learning_rate = float(learning_rate)
        self.hyper = dict(hyper)
        self.state: dict[tuple[int, str], Config] = {}

    def step(self, layers: Iterable[Any]) -> None:
        """Update every layer's params in place from its grads (accepts a Sequential too)."""
        layers = getattr(layers, "layers", layers)
        if self.name == "sgd" and not self.hyper:
            self._sgd_step(layers)
            return
        rule = UPDATE_RULES[self.name]
        for i, layer in enumerate(layers):
            for key, w in layer.params.items():
                config = self.state.get((i, key), {})
                config.update(self.hyper, learning_rate=self.learning_rate)
                next_w, self.state[(i, key)] = rule(w, layer.grads[key], config)
                w[...] = next_w  # in place, so layers and caches keep the same arrays

    def _sgd_step(self, layers: Iterable[Any]) -> None:
        """`sgd` written in place: the same numbers (w - learning_rate * dw), without the
        rule's config dictionaries, which cost more than the update on a small network."""
        rate = self.learning_rate
        for i, layer in enumerate(layers):
            grads = layer.grads
            for key, w in layer.params.items():
                w -= rate * grads[key]
                self.state[(i, key)] = {"learning_rate": rate}

    def reset(self) -> None:
        """Forget all state (velocities, moments, step counts)."""
        self.state.clear()

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "learning_rate": self.learning_rate, **self.hyper}

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.hyper.items())
        return f"Optimizer({self.name!r}, learning_rate={self.learning_rate!r}{extra})"


def get_optimizer(name: str, **kw: float) -> Optimizer:
    """Build an ``Optimizer`` by name; raises ValueError for unknown names/hyperparameters."""
    return Optimizer(name, **kw)
