"""Recurrent layers (B.7): a plain tanh RNN, the LSTM and the GRU, over sequences (N, T, D).

The math of one time step is in pure functions (``engine/layers/recurrent_cells.py``).
``unroll_forward`` / ``unroll_backward`` run any of them through time: backpropagation
through time (BPTT) walks from the last step back to the first, adding at each step the
gradient that arrives from the future to the one from the readout, records its norm
||dL/dh_t|| (so vanishing and exploding gradients can be seen), and optionally clips it.

Parameter layout, shared by all three cells (G = number of blocks: RNN 1, LSTM 4, GRU 3):
  wx (D, G*H) input weights, wh (H, G*H) recurrent weights, b (G*H,) biases,
with the blocks side by side in the order of ``GATES`` (LSTM: i, f, o, g; GRU: z, r, n).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from neural_playground.engine.initializers import get_initializer, orthogonal
from neural_playground.engine.layers.base import Layer
from neural_playground.engine.layers.recurrent_cells import (
    StepCache,
    gru_step_backward,
    gru_step_forward,
    lstm_step_backward,
    lstm_step_forward,
    rnn_step_backward,
    rnn_step_forward,
)

# --- through time ---------------------------------------------------------------------------


def unroll_forward(
    step_forward: Callable[..., tuple],
    x: np.ndarray,
    state0: tuple[np.ndarray, ...],
    wx: np.ndarray,
    wh: np.ndarray,
    b: np.ndarray,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Run ``step_forward`` over every time step.

    x: (N, T, D); state0: the initial state, (h0,) or (h0, c0), each (N, H).
    Returns h: (N, T, H), the hidden state at every step, and the step caches stacked
    along time: a dict of (N, T, ...) arrays (the same keys as one step's cache).
    """
    state = state0
    caches: list[StepCache] = []
    for t in range(x.shape[1]):
        *state, cache = step_forward(x[:, t], *state, wx, wh, b)
        caches.append(cache)
    stacked = {key: np.stack([c[key] for c in caches], axis=1) for key in caches[0]}
    return stacked["h"], stacked


def euclidean_norm(g: np.ndarray) -> float:
    """sqrt(sum(g^2)) over the whole array, without overflow for huge entries."""
    largest = float(np.max(np.abs(g))) if g.size else 0.0
    if largest == 0.0 or not np.isfinite(largest):
        return largest
    return largest * float(np.sqrt(np.sum((g / largest) ** 2)))


def clip_by_norm(g: np.ndarray, max_norm: float | None) -> tuple[np.ndarray, float, bool]:
    """g rescaled to norm ``max_norm`` if it is longer (None: unchanged).

    Returns (gradient, its norm before clipping, whether it was clipped). The norm is the
    Euclidean norm of the whole array (for (N, H): over the batch and the units).
    """
    norm = euclidean_norm(g)
    if max_norm is not None and norm > max_norm:
        return g * (max_norm / norm), norm, True
    return g, norm, False


def unroll_backward(
    step_backward: Callable[..., tuple],
    dh: np.ndarray,
    caches: dict[str, np.ndarray],
    wx: np.ndarray,
    wh: np.ndarray,
    n_state: int,
    clip_norm: float | None = None,
) -> tuple[np.ndarray, tuple[np.ndarray, ...], tuple[np.ndarray, ...], dict[str, np.ndarray]]:
    """Backpropagation through time, from the last step to the first.

    dh: (N, T, H) = dL/dh_t from the readout at each step (zeros where it reads nothing);
    caches: the stacked caches of ``unroll_forward``; n_state: 1 (h) or 2 (h, c).
    At each step t the gradient arriving at h_t is dh[:, t] plus what flows back from step
    t + 1; with ``clip_norm`` it is rescaled to that norm when longer (gradient clipping:
    the result is then no longer the exact gradient, which is the point: it stays bounded).

    Returns dx (N, T, D), the initial state's gradients (dh0[, dc0]), the parameter
    gradients (dwx, dwh, db), and a record over time:
      grad_norm (T,)      ||dL/dh_t|| that flows on (after clipping),
      grad_norm_raw (T,)  the same before clipping,
      clipped (T,)        whether step t was clipped (1.0) or not (0.0),
      dh (N, T, H)        dL/dh_t itself,
    and for the LSTM also dc_norm (T,) = ||dL/dc_t||.
    """
    n, steps, _ = dh.shape
    dx = np.zeros(caches["x"].shape)
    dwx, dwh = np.zeros_like(wx), np.zeros_like(wh)
    db = np.zeros(wx.shape[1])
    state_grads = tuple(np.zeros((n, dh.shape[2])) for _ in range(n_state))
    record = {
        "grad_norm": np.zeros(steps),
        "grad_norm_raw": np.zeros(steps),
        "clipped": np.zeros(steps),
        "dh": np.zeros_like(dh),
    }
    if n_state == 2:
        record["dc_norm"] = np.zeros(steps)
    for t in reversed(range(steps)):
        arriving, raw, clipped = clip_by_norm(dh[:, t] + state_grads[0], clip_norm)
        record["dh"][:, t] = arriving
        record["grad_norm"][t] = min(raw, clip_norm) if clipped else raw
        record["grad_norm_raw"][t], record["clipped"][t] = raw, float(clipped)
        if n_state == 2:
            record["dc_norm"][t] = euclidean_norm(state_grads[1])
        step_cache = {key: value[:, t] for key, value in caches.items()}
        dx[:, t], *state_grads, dwx_t, dwh_t, db_t = step_backward(
            arriving, *state_grads[1:], step_cache, wx, wh
        )
        dwx += dwx_t
        dwh += dwh_t
        db += db_t
    return dx, tuple(state_grads), (dwx, dwh, db), record


# --- layers ---------------------------------------------------------------------------------


class Recurrent(Layer):
    """Shared by RNN, LSTM and GRU: parameters, the unrolled forward and BPTT.

    forward(x: (N, T, D)) -> h: (N, T, H), every hidden state (a readout picks the last one
    or reads them all); backward(dh: (N, T, H)) -> dx: (N, T, D).
    The initial state is zeros. Params: "wx" (D, G*H), "wh" (H, G*H), "b" (G*H,).

    ``recurrent_scale`` multiplies the (orthogonal) initial recurrent weights: every block
    of wh then has all singular values equal to it, so above 1 gradients through time tend
    to explode and below 1 to vanish. ``clip_norm``: clip ||dL/dh_t|| at every step of BPTT
    (None: exact gradients). ``memory_bias``: starting bias of the gate that keeps memory
    (LSTM forget gate, default 1; GRU update gate, default 0; the RNN has none). A large one
    (3: the gate starts 95 % open) makes a fresh cell remember for tens of steps, as the
    "chrono" initialisation of Tallec & Ollivier (2018) does with b = ln(T).

    Trace after forward: "x", "h" and every per-step cache entry stacked as (N, T, ...),
    e.g. the gates; after backward also "grad_norm", "grad_norm_raw", "clipped" (T,),
    "dh" (N, T, H) (and "dc_norm" for the LSTM).
    """

    #: Names of the blocks of wx, wh and b, in order.
    GATES: ClassVar[tuple[str, ...]]
    #: Per-step arrays that are gate activations (shown as heatmaps).
    GATE_TRACES: ClassVar[tuple[str, ...]] = ()
    #: 1 for h, 2 for (h, c).
    N_STATE: ClassVar[int] = 1
    #: The gate whose opening keeps the old memory (LSTM: forget, GRU: update), and the
    #: default starting bias of its block.
    MEMORY_GATE: ClassVar[str | None] = None
    MEMORY_BIAS: ClassVar[float] = 0.0
    step_forward: ClassVar[Callable[..., tuple]]
    step_backward: ClassVar[Callable[..., tuple]]

    config_fields = ("n_in", "n_hidden", "recurrent_scale", "clip_norm", "init")

    def __init__(
        self,
        n_in: int,
        n_hidden: int,
        recurrent_scale: float = 1.0,
        clip_norm: float | None = None,
        memory_bias: float | None = None,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        if memory_bias is not None and self.MEMORY_GATE is None:
            raise ValueError(f"{type(self).__name__} has no gate for a memory_bias")
        if int(n_in) < 1 or int(n_hidden) < 1:
            raise ValueError(
                f"{type(self).__name__} needs n_in >= 1 and n_hidden >= 1, got {n_in}, {n_hidden}"
            )
        if not recurrent_scale > 0:
            raise ValueError(f"recurrent_scale must be positive, got {recurrent_scale}")
        self.n_in, self.n_hidden = int(n_in), int(n_hidden)
        self.recurrent_scale = float(recurrent_scale)
        self.memory_bias = self.MEMORY_BIAS if memory_bias is None else float(memory_bias)
        self.clip_norm = clip_norm
        self.init = init
        rng = rng if rng is not None else np.random.default_rng(seed)
        n_blocks = len(self.GATES)
        wx = get_initializer(init)((self.n_in, n_blocks * self.n_hidden), rng)
        wh = np.concatenate(
            [
                orthogonal((self.n_hidden, self.n_hidden), rng, gain=self.recurrent_scale)
                for _ in range(n_blocks)
            ],
            axis=1,
        )
        self._init_params(wx=wx, wh=wh, b=self.initial_bias())

    @property
    def clip_norm(self) -> float | None:
        return self._clip_norm

    @clip_norm.setter
    def clip_norm(self, value: float | None) -> None:
        if value is not None and not value > 0:
            raise ValueError(f"clip_norm must be positive or None, got {value}")
        self._clip_norm = None if value is None else float(value)

    def initial_bias(self) -> np.ndarray:
        """Zeros, except the memory gate's block, which starts at ``memory_bias``."""
        b = np.zeros(len(self.GATES) * self.n_hidden)
        if self.MEMORY_GATE is not None:
            self.gate(b, self.MEMORY_GATE)[...] = self.memory_bias
        return b

    def gate(self, array: np.ndarray, name: str) -> np.ndarray:
        """The block of a (..., G*H) array (wx, wh, b, xw, hw) that belongs to gate ``name``."""
        k = self.GATES.index(name)
        return array[..., k * self.n_hidden : (k + 1) * self.n_hidden]

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._input(x, "N", "T >= 1", self.n_in)
        if x.shape[1] < 1:
            raise ValueError(f"{type(self).__name__} needs at least one time step, got {x.shape}")
        state0 = tuple(np.zeros((x.shape[0], self.n_hidden)) for _ in range(self.N_STATE))
        p = self.params
        h, stacked = unroll_forward(type(self).step_forward, x, state0, p["wx"], p["wh"], p["b"])
        self.cache = stacked
        return h

    def backward(self, dh: np.ndarray) -> np.ndarray:
        h = self._from_forward("h")
        dh = np.asarray(dh, dtype=np.float64)
        if dh.shape != h.shape:
            raise ValueError(f"expected dh of shape {h.shape}, got {dh.shape}")
        steps = {k: v for k, v in self.cache.items() if k not in _BACKWARD_RECORD}
        dx, _, (dwx, dwh, db), record = unroll_backward(
            type(self).step_backward,
            dh,
            steps,
            self.params["wx"],
            self.params["wh"],
            self.N_STATE,
            self.clip_norm,
        )
        self._set_grads(wx=dwx, wh=dwh, b=db)
        self.cache.update(record)
        return dx

    def describe(self) -> dict[str, Any]:
        # The plain RNN has no gate to take a memory bias (its default is not one it uses).
        return {**super().describe(), "memory_bias": self.memory_bias if self.MEMORY_GATE else None}


# What backward adds to the cache; not part of the step caches it replays.
_BACKWARD_RECORD = frozenset({"grad_norm", "grad_norm_raw", "clipped", "dh", "dc_norm"})


class RNN(Recurrent):
    """Plain recurrent layer: h_t = tanh(x_t @ wx + h_{t-1} @ wh + b)."""

    GATES = ("h",)
    step_forward = staticmethod(rnn_step_forward)
    step_backward = staticmethod(rnn_step_backward)


class LSTM(Recurrent):
    """Long short-term memory: forget, input and output gates and a cell state c.

    The forget gate's bias starts at 1 (Jozefowicz et al., 2015): the cell then keeps most
    of its memory from the first step, which is what lets gradients travel far back.
    """

    GATES = ("i", "f", "o", "g")
    GATE_TRACES = ("f", "i", "o")
    N_STATE = 2
    MEMORY_GATE = "f"
    MEMORY_BIAS = 1.0
    step_forward = staticmethod(lstm_step_forward)
    step_backward = staticmethod(lstm_step_backward)


class GRU(Recurrent):
    """Gated recurrent unit: update and reset gates, the LSTM slimmed to one state."""

    GATES = ("z", "r", "n")
    GATE_TRACES = ("z", "r")
    MEMORY_GATE = "z"
    step_forward = staticmethod(gru_step_forward)
    step_backward = staticmethod(gru_step_backward)


CELLS: dict[str, type[Recurrent]] = {"rnn": RNN, "lstm": LSTM, "gru": GRU}
CELL_NAMES: tuple[str, ...] = tuple(CELLS)


def get_cell(name: str) -> type[Recurrent]:
    """Look up a recurrent layer class by name ("rnn", "lstm", "gru")."""
    try:
        return CELLS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown cell {name!r}; choose one of {', '.join(CELL_NAMES)}") from None
