"""The ``Layer`` contract every layer family follows.

A layer owns
  * ``params``: dict name -> float64 array (e.g. "w", "b"); empty for parameter-free layers;
  * ``grads``:  same keys and shapes, zero-initialised, overwritten by each ``backward``;
  * ``buffers``: dict name -> float64 array of state that is part of the model but not
    trained by gradients (batch norm's running statistics). Optimizers never touch them;
    ``get_weights``/``set_weights`` save and restore them beside ``params``;
  * ``cache``:  dict name -> array of what ``forward`` saw and produced. Every forward
    assigns a *fresh* dict, so a caller can save ``layer.cache`` and put it back later
    (``Sequential.predict`` does this so predictions don't clobber the trace the UI shows);
  * ``training``: True in training mode (matters for layers like dropout / batch norm).

Subclasses implement ``forward`` and ``backward`` and name their constructor arguments in
``config_fields`` (what ``describe`` reports); the rest is shared here.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np


class Layer:
    #: The constructor arguments ``describe`` reports, kept as attributes of the same names.
    config_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.cache: dict[str, np.ndarray] = {}
        self.training: bool = True

    # --- to implement -------------------------------------------------------------------

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute the output and cache what backward (and the UI) needs in ``self.cache``."""
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Given dL/dout, overwrite ``self.grads`` with dL/dparams and return dL/dx."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """JSON-able config, e.g. {"type": "dense", "n_in": 3, ...}: the class's name in lower
        case and the ``config_fields``."""
        return {
            "type": type(self).__name__.lower(),
            **{name: getattr(self, name) for name in self.config_fields},
        }

    # --- shared ---------------------------------------------------------------------------

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def trace(self) -> dict[str, np.ndarray]:
        """The cached arrays the UI may show (a new dict; the arrays are not copied)."""
        return dict(self.cache)

    def train(self) -> Layer:
        self.training = True
        return self

    def eval(self) -> Layer:
        self.training = False
        return self

    def zero_grad(self) -> None:
        for g in self.grads.values():
            g.fill(0.0)

    def _input(self, x: np.ndarray, *axes: int | str) -> np.ndarray:
        """``x`` as float64, refused (ValueError) unless it has one axis per entry of ``axes``:
        an int is the size that axis must have, a str names an axis of any size ("N")."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != len(axes) or any(
            isinstance(a, int) and a != n for a, n in zip(axes, x.shape, strict=True)
        ):
            shape = ", ".join(map(str, axes))
            name = type(self).__name__
            raise ValueError(f"{name} expects input of shape ({shape}), got {x.shape}")
        return x

    def _from_forward(self, key: str) -> np.ndarray:
        """What forward cached under ``key``: a backward before any forward is refused."""
        if key not in self.cache:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self.cache[key]

    def _init_params(self, **params: np.ndarray) -> None:
        """Register parameters (as float64) and matching zero gradients."""
        for key, value in params.items():
            self.params[key] = np.asarray(value, dtype=np.float64)
            self.grads[key] = np.zeros_like(self.params[key])

    def _init_buffers(self, **buffers: np.ndarray) -> None:
        """Register untrained state arrays (as float64), saved with the weights."""
        for key, value in buffers.items():
            self.buffers[key] = np.asarray(value, dtype=np.float64)

    def _set_grads(self, **grads: np.ndarray) -> None:
        """Overwrite (not accumulate) gradients, in place so references stay valid."""
        for key, value in grads.items():
            self.grads[key][...] = value

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params.values()))

    def _stored(self) -> dict[str, np.ndarray]:
        """Everything ``get_weights`` saves: the parameters, then the buffers."""
        return {**self.params, **self.buffers}

    def get_weights(self) -> dict[str, list]:
        """Parameters (and buffers, if any) as nested lists (JSON-able)."""
        return {key: p.tolist() for key, p in self._stored().items()}

    def validate_weights(self, weights: dict[str, Any]) -> dict[str, np.ndarray]:
        """Check a weights dict against this layer; return it as float64 arrays.

        Raises ValueError on missing/unknown keys, wrong shapes, non-numeric or non-finite
        values. Nothing is modified, so callers can validate many layers before writing.
        """
        name = type(self).__name__
        if not isinstance(weights, dict):
            raise ValueError(f"{name}: weights must be a dict, got {type(weights).__name__}")
        stored = self._stored()
        missing = set(stored) - set(weights)
        unknown = set(weights) - set(stored)
        if missing or unknown:
            raise ValueError(
                f"{name}: expected weight keys {sorted(stored)}, got {sorted(weights)}"
            )
        arrays = {}
        for key, current in stored.items():
            try:
                arr = np.asarray(weights[key], dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{name}: weight {key!r} is not a numeric array ({exc})") from None
            if arr.shape != current.shape:
                raise ValueError(
                    f"{name}: weight {key!r} has shape {arr.shape}, expected {current.shape}"
                )
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"{name}: weight {key!r} contains NaN or infinite values")
            arrays[key] = arr
        return arrays

    def set_weights(self, weights: dict[str, Any]) -> None:
        """Copy weights in (validated first; on error nothing changes)."""
        stored = self._stored()
        for key, arr in self.validate_weights(weights).items():
            stored[key][...] = arr

    def __repr__(self) -> str:
        config = ", ".join(f"{k}={v!r}" for k, v in self.describe().items() if k != "type")
        return f"{type(self).__name__}({config})"
