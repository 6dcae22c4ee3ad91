"""Recurrent networks (B.7): time per training step of RNN, LSTM and GRU on the same task,
and accuracy on the long-memory task as the number of steps to remember grows."""

import time

import numpy as np

from neural_playground.engine.data.sequence_tasks import memory_batch, train_recall
from neural_playground.engine.model import sequence_model
from neural_playground.engine.optimizers import Optimizer

CELLS = ("rnn", "lstm", "gru")


def ms_per_step(cell: str, steps: int, hidden: int, seconds: float = 1.5) -> tuple[float, int]:
    """Median time of one train_step (batch of 32 recall sequences), and the parameter count."""
    rng = np.random.default_rng(0)
    model = sequence_model(cell, 4, hidden, 3, seed=0)
    optimizer = Optimizer("adam", learning_rate=0.02)
    x, y = memory_batch(rng, 32, steps, 3)
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        began = time.perf_counter()
        model.train_step(x, y, "categorical_crossentropy", optimizer, from_logits=True)
        times.append(time.perf_counter() - began)
    return 1000.0 * float(np.median(times)), model.n_params


def run() -> list[tuple[str, str, str]]:
    rows = []
    for cell in CELLS:
        ms, params = ms_per_step(cell, steps=20, hidden=16)
        label = f"recurrent: {cell.upper()} train step, 21 steps x 32 sequences, 16 units"
        rows.append((label, f"{ms:.2f}", f"ms (median; {params:,} parameters)"))
    for steps in (5, 10, 20, 40):
        for cell in CELLS:
            acc = np.mean([train_recall(cell, steps, train_steps=300, seed=s) for s in (0, 1)])
            label = f"recurrent: recall after N = {steps} noisy steps, {cell.upper()}"
            rows.append((label, f"{acc:.2f}", "accuracy (2 symbols, 300 steps, mean of 2 seeds)"))
    return rows
