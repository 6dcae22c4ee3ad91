"""``Sequential``: a stack of layers, plus ``mlp`` to build multi-layer perceptrons."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from neural_playground.engine.layers.base import Layer
from neural_playground.engine.layers.batchnorm import BatchNorm
from neural_playground.engine.layers.dense import Dense
from neural_playground.engine.layers.recurrent import Recurrent, get_cell
from neural_playground.engine.layers.sequence import LastStep, TimeDistributed
from neural_playground.engine.losses import evaluate
from neural_playground.engine.optimizers import Optimizer
from neural_playground.engine.regularizers import Regularizer


class Sequential:
    """Layers applied one after another: forward left to right, backward right to left."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        self.layers: list[Layer] = list(layers)
        # Only used when train_step gets no optimizer; kept so its state persists.
        self._default_optimizer: Optimizer | None = None

    # --- forward / backward ---------------------------------------------------------------

    def forward(
        self, x: np.ndarray, trace: bool = False
    ) -> np.ndarray | tuple[np.ndarray, list[dict[str, Any]]]:
        """Output of the last layer; with trace=True, ``(output, per-layer trace dicts)``.

        Each trace dict is ``layer.trace()`` plus "type" (from ``layer.describe()``).
        """
        out = np.asarray(x, dtype=np.float64)
        for layer in self.layers:
            out = layer.forward(out)
        if not trace:
            return out
        return out, self.trace()

    def trace(self) -> list[dict[str, Any]]:
        """Per-layer cached arrays from the last forward (and backward, if run)."""
        return [{"type": layer.describe()["type"], **layer.trace()} for layer in self.layers]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Backpropagate dL/doutput through all layers (filling their grads); return dL/dx."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    __call__ = forward

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Output in eval mode, leaving each layer's mode and cached trace as they were.

        So the UI can evaluate e.g. a decision-boundary grid without losing the trace of
        the sample it is showing.
        """
        return self.layer_outputs(x)[-1]

    def layer_outputs(self, x: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for x, in eval mode, leaving modes and traces as they were.

        What each neuron computes over a whole grid of inputs (the playground's small
        heatmaps), without disturbing the trace of the batch being trained or shown.
        """
        with self._untouched():
            self.eval()
            return self._outputs(x)

    def probe(
        self, x: np.ndarray, batch_size: int, traced: int = 0, training: bool = False
    ) -> Probe:
        """Every layer's output over all of ``x``, and every layer's trace on one batch of it
        (rows ``traced * batch_size`` up to the next batch), in training or eval mode,
        leaving the model as it was: modes, traces and running statistics are put back.

        In training mode a network with batch normalization sees ``x`` in consecutive
        batches of ``batch_size`` rows (``len(x)`` must be a multiple of it), each normalized
        by its own statistics as in training; the trace is batch ``traced``'s as it went by,
        so its running statistics include the batches before it. Otherwise batches change
        nothing: ``x`` passes at once (faster), then batch ``traced`` alone for its trace.
        """
        batched = training and any(isinstance(layer, BatchNorm) for layer in self.layers)
        if batched and len(x) % batch_size:
            raise ValueError(f"{len(x)} rows do not split into batches of {batch_size}")
        size = batch_size if batched else len(x)
        parts, trace = [], []
        with self._untouched():
            self.train() if training else self.eval()
            for b in range(len(x) // size):
                parts.append(self._outputs(x[b * size : (b + 1) * size]))
                if batched and b == traced:
                    trace = self.trace()
            if not batched:
                self.forward(x[traced * batch_size : (traced + 1) * batch_size])
                trace = self.trace()
        return Probe([np.concatenate(outputs) for outputs in zip(*parts, strict=True)], trace)

    def _outputs(self, x: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for x, in the layers' current modes."""
        outputs = []
        out = np.asarray(x, dtype=np.float64)
        for layer in self.layers:
            out = layer.forward(out)
            outputs.append(out)
        return outputs

    @contextmanager
    def _untouched(self) -> Iterator[None]:
        """Forward passes inside leave no mark: each layer's mode, trace and running
        statistics are put back afterwards (parameters are never changed by a forward)."""
        modes = [layer.training for layer in self.layers]
        caches = [layer.cache for layer in self.layers]
        buffers = [{k: v.copy() for k, v in layer.buffers.items()} for layer in self.layers]
        try:
            yield
        finally:
            for layer, mode, cache, saved in zip(self.layers, modes, caches, buffers, strict=True):
                layer.training = mode
                layer.cache = cache
                for key, value in saved.items():
                    layer.buffers[key][...] = value

    def loss_and_gradients(
        self,
        x: np.ndarray,
        y: np.ndarray,
        loss: str | Callable[..., tuple[float, np.ndarray]] = "mse",
        from_logits: bool = False,
        regularizer: Regularizer | None = None,
    ) -> float:
        """Forward, loss, backward: fill every layer's grads for the batch (x, y); no update.

        Returns the loss, plus the regularizer's penalty when one is given (its gradient is
        added to the weights' grads too), so the grads are exactly d(returned value)/dparams.
        Runs in training mode.
        """
        self.train()
        value, dpred = evaluate(loss, self.forward(x), y, from_logits)
        self.backward(dpred)
        if regularizer is not None:
            value += regularizer.penalty(self.layers)
            regularizer.add_gradients(self.layers)
        return value

    def train_step(
        self,
        x: np.ndarray,
        y: np.ndarray,
        loss: str | Callable[..., tuple[float, np.ndarray]] = "mse",
        optimizer: Optimizer | None = None,
        from_logits: bool = False,
        regularizer: Regularizer | None = None,
    ) -> float:
        """One gradient step on the batch (x, y): forward, loss, backward, update.

        Returns the loss (with the penalty, if a regularizer is given) *before* the update.
        Runs in training mode. Without an optimizer, a plain SGD(learning_rate=0.01) owned by
        the model is used.
        """
        value = self.loss_and_gradients(x, y, loss, from_logits, regularizer)
        if optimizer is None:
            if self._default_optimizer is None:
                self._default_optimizer = Optimizer("sgd", learning_rate=0.01)
            optimizer = self._default_optimizer
        optimizer.step(self.layers)
        return value

    # --- modes, parameters, weights ---------------------------------------------------------

    def train(self) -> Sequential:
        for layer in self.layers:
            layer.train()
        return self

    def eval(self) -> Sequential:
        for layer in self.layers:
            layer.eval()
        return self

    def zero_grad(self) -> None:
        for layer in self.layers:
            layer.zero_grad()

    @property
    def n_params(self) -> int:
        return sum(layer.n_params for layer in self.layers)

    def get_weights(self) -> list[dict[str, list]]:
        return [layer.get_weights() for layer in self.layers]

    def set_weights(self, weights: Sequence[dict[str, Any]]) -> None:
        """Copy in one weights dict per layer; all are validated before any is written."""
        if not isinstance(weights, Sequence) or len(weights) != len(self.layers):
            got = len(weights) if isinstance(weights, Sequence) else type(weights).__name__
            raise ValueError(f"expected a list of {len(self.layers)} weight dicts, got {got}")
        checked = []
        for i, (layer, w) in enumerate(zip(self.layers, weights, strict=True)):
            try:
                checked.append(layer.validate_weights(w))
            except ValueError as exc:
                raise ValueError(f"layer {i}: {exc}") from None
        for layer, arrays in zip(self.layers, checked, strict=True):
            layer.set_weights(arrays)

    def describe(self) -> list[dict[str, Any]]:
        return [layer.describe() for layer in self.layers]

    def __len__(self) -> int:
        return len(self.layers)

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential([\n  {inner}\n])"


@dataclass
class Probe:
    """What every layer of a ``Sequential`` made of a data set (see ``Sequential.probe``)."""

    outputs: list[np.ndarray]  # per layer, in order: its output over all the rows
    trace: list[dict[str, Any]]  # per layer: its trace on the chosen batch ("type" included)


def mlp(
    sizes: Sequence[int],
    activations: Sequence[str] | str,
    init: str = "xavier",
    seed: int | None = 0,
    rng: np.random.Generator | None = None,
) -> Sequential:
    """Multi-layer perceptron of Dense layers.

    ``sizes`` = [n_inputs, hidden..., n_outputs], e.g. [3, 3, 1] is 3 inputs -> 3 hidden
    neurons -> 1 output (two Dense layers). ``activations``: one name per Dense layer, or a
    single name for all. One generator seeded with ``seed`` initialises every layer in order;
    pass ``rng`` instead to draw from a generator shared with other networks.
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"mlp needs at least [n_in, n_out] sizes, got {sizes}")
    n_layers = len(sizes) - 1
    if isinstance(activations, str):
        activations = [activations] * n_layers
    activations = list(activations)
    if len(activations) != n_layers:
        raise ValueError(
            f"{n_layers} Dense layers need {n_layers} activations, got {len(activations)}"
        )
    rng = rng if rng is not None else np.random.default_rng(seed)
    return Sequential(
        [
            Dense(n_in, n_out, activation=act, init=init, rng=rng)
            for n_in, n_out, act in zip(sizes[:-1], sizes[1:], activations, strict=True)
        ]
    )


def sequence_model(
    cell: str,
    n_in: int,
    n_hidden: int,
    n_out: int,
    readout: str = "last",
    out_activation: str = "linear",
    recurrent_scale: float = 1.0,
    clip_norm: float | None = None,
    memory_bias: float | None = None,
    seed: int | None = 0,
) -> Sequential:
    """A recurrent layer ("rnn", "lstm" or "gru") and a Dense readout, as a ``Sequential``.

    x (N, T, n_in) -> recurrent (N, T, n_hidden) -> readout:
      "last":  Dense on the last hidden state -> (N, n_out), one prediction per sequence;
      "every": the same Dense on every hidden state -> (N, T, n_out).
    ``memory_bias`` applies to the gated cells only (the starting bias of the LSTM forget
    gate or the GRU update gate); None keeps each cell's default and is the only choice for
    the RNN. It trains like any ``Sequential`` (``train_step`` with the engine's losses and
    optimizers); ``recurrent_layer(model)`` finds the recurrent layer and its trace.
    """
    if readout not in ("last", "every"):
        raise ValueError(f"readout must be 'last' or 'every', got {readout!r}")
    rng = np.random.default_rng(seed)
    cell_class = get_cell(cell)
    gate_options = {"memory_bias": memory_bias} if cell_class.MEMORY_GATE else {}
    recurrent = cell_class(
        n_in,
        n_hidden,
        recurrent_scale=recurrent_scale,
        clip_norm=clip_norm,
        rng=rng,
        **gate_options,
    )
    dense = Dense(n_hidden, n_out, activation=out_activation, rng=rng)
    if readout == "last":
        return Sequential([recurrent, LastStep(), dense])
    return Sequential([recurrent, TimeDistributed(dense)])


def recurrent_layer(model: Sequential) -> Recurrent:
    """The (first) recurrent layer of a model built by ``sequence_model``."""
    for layer in model.layers:
        if isinstance(layer, Recurrent):
            return layer
    raise ValueError("this model has no recurrent layer")
