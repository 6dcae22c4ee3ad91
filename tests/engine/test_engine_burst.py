"""`engine.burst.sgd_burst` trains exactly as `Sequential.train_step` does, step by step."""

import numpy as np
import pytest

from neural_playground.engine.burst import Burst, fits, sgd_burst
from neural_playground.engine.guard import diverged
from neural_playground.engine.layers.batchnorm import BatchNorm
from neural_playground.engine.model import Sequential, mlp
from neural_playground.engine.optimizers import Optimizer
from neural_playground.engine.regularizers import Regularizer


def batches(x: np.ndarray, y: np.ndarray, size: int):
    """A batch function: consecutive slices of (x, y), as a lab's sampler gives them."""
    count = [0]

    def batch():
        k = (count[0] * size) % len(x)
        count[0] += 1
        return x[k : k + size], y[k : k + size]

    return batch


def plain_steps(model: Sequential, batch, steps: int, loss, optimizer, logits, limit) -> int:
    """`train_step` after `train_step`, back to the last good weights when one diverges
    (what `Trainer.train` does without the burst); the steps applied."""
    for done in range(steps):
        old = [{k: p.copy() for k, p in layer.params.items()} for layer in model.layers]
        value = model.train_step(*batch(), loss, optimizer, logits)
        if diverged(value, model, limit):
            for layer, params in zip(model.layers, old, strict=True):
                for key, p in params.items():
                    layer.params[key][...] = p
            return done
    return steps


def problem(kind: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(60, 2))
    if kind == "binary":
        return x, (x[:, :1] * x[:, 1:] > 0).astype(float), 1, "binary_crossentropy", True
    if kind == "multiclass":
        return x, rng.integers(0, 3, size=60), 3, "categorical_crossentropy", True
    return x, np.sin(x[:, :1]) + x[:, 1:], 1, "mse", False


@pytest.mark.parametrize(
    ("kind", "activations"),
    [
        ("binary", ["tanh", "tanh"]),
        ("binary", ["relu", "sigmoid"]),
        ("multiclass", ["leaky_relu", "tanh"]),
        ("regression", ["linear", "relu"]),
    ],
)
def test_a_burst_gives_the_weights_caches_and_grads_of_train_step_bit_for_bit(kind, activations):
    x, y, outputs, loss, logits = problem(kind)
    models = [mlp([2, 8, 5, outputs], [*activations, "linear"], seed=3) for _ in range(2)]
    optimizers = [Optimizer("sgd", learning_rate=0.05) for _ in range(2)]
    done = plain_steps(models[0], batches(x, y, 10), 37, loss, optimizers[0], logits, 1e6)
    burst = sgd_burst(models[1].layers, batches(x, y, 10), 37, loss, optimizers[1], logits, 1e6)
    assert done == burst.done == 37 and not burst.diverged
    for plain, fast in zip(models[0].layers, models[1].layers, strict=True):
        for key in ("w", "b"):
            assert np.array_equal(plain.params[key], fast.params[key])
            assert np.array_equal(plain.grads[key], fast.grads[key])
        assert plain.cache.keys() == fast.cache.keys() == {"x", "z", "a", "da", "dz"}
        for key, value in plain.cache.items():
            assert np.array_equal(value, fast.cache[key])
    assert optimizers[0].state == optimizers[1].state
    start = mlp([2, 8, 5, outputs], [*activations, "linear"], seed=3)
    assert not np.array_equal(models[1].layers[0].params["w"], start.layers[0].params["w"])


def test_a_burst_that_blows_up_stops_at_the_last_good_weights_as_train_step_does():
    x, y, outputs, loss, logits = problem("regression")
    y = y * 50
    models = [mlp([2, 8, 8, outputs], ["relu", "relu", "linear"], seed=1) for _ in range(2)]
    optimizers = [Optimizer("sgd", learning_rate=0.5) for _ in range(2)]
    limit = 1e3  # crossed after a few steps at this rate
    done = plain_steps(models[0], batches(x, y, 10), 200, loss, optimizers[0], logits, limit)
    burst = sgd_burst(models[1].layers, batches(x, y, 10), 200, loss, optimizers[1], logits, limit)
    assert 0 < done < 200 and burst.done == done and burst.diverged
    for plain, fast in zip(models[0].layers, models[1].layers, strict=True):
        for key in ("w", "b"):
            assert np.array_equal(plain.params[key], fast.params[key])
            assert np.all(np.abs(fast.params[key]) <= limit)


def test_a_batch_that_raises_midway_keeps_the_steps_already_applied():
    x, y, outputs, loss, logits = problem("binary")
    model = mlp([2, 4, outputs], ["tanh", "linear"], seed=0)
    reference = mlp([2, 4, outputs], ["tanh", "linear"], seed=0)
    good = batches(x, y, 10)
    calls = [0]

    def batch():
        calls[0] += 1
        if calls[0] == 6:
            raise ValueError("a bad batch")
        return good()

    done = Burst()
    with pytest.raises(ValueError, match="a bad batch"):
        sgd_burst(model.layers, batch, 10, loss, Optimizer("sgd", 0.1), logits, 1e6, done)
    assert done.done == 5
    plain_steps(reference, batches(x, y, 10), 5, loss, Optimizer("sgd", 0.1), logits, 1e6)
    for fast, plain in zip(model.layers, reference.layers, strict=True):
        assert np.array_equal(fast.params["w"], plain.params["w"])


def test_only_plain_sgd_on_dense_layers_without_a_penalty_takes_the_burst():
    model = mlp([2, 4, 1], ["tanh", "linear"], seed=0)
    sgd = Optimizer("sgd", learning_rate=0.1)
    assert fits(model.layers, sgd, None)
    assert not fits(model.layers, Optimizer("momentum", learning_rate=0.1), None)
    assert not fits(model.layers, Optimizer("adam"), None)
    assert not fits(model.layers, sgd, Regularizer("l2", 0.01))
    assert not fits([*model.layers, BatchNorm(1)], sgd, None)
