"""Engine throughput: forward + backward + update steps per second."""

import time

import numpy as np

from neural_playground.engine.model import mlp
from neural_playground.engine.optimizers import Optimizer


def steps_per_second(sizes, activations, n_points, batch, loss, seconds=2.0) -> float:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n_points, sizes[0]))
    y = (rng.random((n_points, sizes[-1])) > 0.5).astype(float)
    model = mlp(sizes, activations, seed=0)
    optimizer = Optimizer("sgd", learning_rate=0.03)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        i = (steps * batch) % n_points
        model.train_step(x[i : i + batch], y[i : i + batch], loss=loss, optimizer=optimizer)
        steps += 1
    return steps / (time.perf_counter() - start)


def run() -> list[tuple[str, str, str]]:
    page = steps_per_second([3, 3, 1], ["relu", "sigmoid"], 1, 1, "binary_crossentropy")
    playground = steps_per_second(
        [2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], 500, 10, "binary_crossentropy"
    )
    full_batch = steps_per_second(
        [2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], 500, 500, "binary_crossentropy"
    )
    return [
        ("engine: B.1 page network 3-3-1, one sample", f"{page:,.0f}", "steps/s"),
        ("engine: 2-8-8-1 over 500 points, batch 10", f"{playground:,.0f}", "steps/s"),
        ("engine: 2-8-8-1, full batch of 500", f"{full_batch:,.0f}", "steps/s"),
    ]
