"""The engine's step beside the fastest the same step can be: hand-written NumPy and PyTorch.

TensorFlow Playground's network (2-8-8-1 tanh, a sigmoid output read as logits with binary
cross-entropy, batches of 10 from 500 points, plain SGD) trained three ways in the same run,
one after the other, each for `SECONDS`:
- **engine**: `Sequential.train_step` with its layer objects, caches and traces;
- **engine burst**: `engine.burst.sgd_burst`, 50 steps a call: the same numbers as
  `train_step` in one tight loop (what the playground trains with while playing);
- **hand-written NumPy**: the same arithmetic written out in one function, float64, no
  objects (the limit a pure-NumPy engine can approach: what is left is NumPy's own per-call
  cost on arrays this small);
- **PyTorch** (CPU, one thread), if it is installed: `torch` is not a dependency.

The rows give steps/s and the engine's share of the hand-written limit (the issue's target:
at least 50 %). `python -m bench limit`.
"""

import time
from collections.abc import Callable

import numpy as np

from neural_playground.engine.burst import sgd_burst
from neural_playground.engine.model import mlp
from neural_playground.engine.optimizers import Optimizer

SIZES = (2, 8, 8, 1)
N_POINTS, BATCH, RATE = 500, 10, 0.03
SECONDS = 2.0
SLICE = 0.1

Step = Callable[[int], None]  # one training step, given its number


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N_POINTS, SIZES[0]))
    y = (rng.random((N_POINTS, 1)) > 0.5).astype(float)
    return x, y


def interleaved(steps: dict[str, Step]) -> dict[str, float]:
    """Steps/s of each `step(i)` (i: the step's number), run in turns of SLICE seconds until
    each has run SECONDS: a shared machine's slow moments fall on all of them alike."""
    done = dict.fromkeys(steps, 0)
    spent = dict.fromkeys(steps, 0.0)
    while min(spent.values()) < SECONDS:
        for name, step in steps.items():
            start = time.perf_counter()
            while time.perf_counter() - start < SLICE:
                for _ in range(50):
                    step(done[name])
                    done[name] += 1
            spent[name] += time.perf_counter() - start
    return {name: done[name] / spent[name] for name in steps}


def batch_of(i: int, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = (i * BATCH) % N_POINTS
    return x[k : k + BATCH], y[k : k + BATCH]


def engine_step() -> Step:
    x, y = data()
    model = mlp(list(SIZES), ["tanh", "tanh", "linear"], seed=0)
    optimizer = Optimizer("sgd", learning_rate=RATE)

    def step(i: int) -> None:
        xb, yb = batch_of(i, x, y)
        model.train_step(xb, yb, "binary_crossentropy", optimizer, from_logits=True)

    return step


def burst_step() -> Step:
    """The engine's burst (`engine.burst.sgd_burst`, what the playground trains with while
    playing): 50 steps at every 50th call, the calls between do nothing (`interleaved`
    calls a step 50 times in a row), so steps/s counts the same steps."""
    x, y = data()
    model = mlp(list(SIZES), ["tanh", "tanh", "linear"], seed=0)
    optimizer = Optimizer("sgd", learning_rate=RATE)

    def step(i: int) -> None:
        if i % 50 == 0:
            batches = iter(range(i, i + 50))
            sgd_burst(
                model.layers,
                lambda: batch_of(next(batches), x, y),
                50,
                "binary_crossentropy",
                optimizer,
                from_logits=True,
                limit=1e6,
            )

    return step


def numpy_step() -> Step:
    x, y = data()
    rng = np.random.default_rng(0)
    w = [rng.normal(size=(a, b)) / np.sqrt(a) for a, b in zip(SIZES, SIZES[1:], strict=False)]
    b = [np.zeros(n) for n in SIZES[1:]]

    def step(i: int) -> None:
        xb, yb = batch_of(i, x, y)
        a1 = np.tanh(xb @ w[0] + b[0])
        a2 = np.tanh(a1 @ w[1] + b[1])
        z3 = a2 @ w[2] + b[2]
        p = 1.0 / (1.0 + np.exp(-z3))
        dz3 = (p - yb) / len(yb)
        dz2 = (dz3 @ w[2].T) * (1.0 - a2 * a2)
        dz1 = (dz2 @ w[1].T) * (1.0 - a1 * a1)
        for k, (inp, dz) in enumerate(((xb, dz1), (a1, dz2), (a2, dz3))):
            w[k] -= RATE * (inp.T @ dz)
            b[k] -= RATE * dz.sum(axis=0)

    return step


def torch_step() -> Step | None:
    try:
        import torch
    except (ImportError, OSError):  # not installed, or a broken install: no row
        return None
    torch.set_num_threads(1)
    x, y = (torch.tensor(v) for v in data())
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 8),
        torch.nn.Tanh(),
        torch.nn.Linear(8, 8),
        torch.nn.Tanh(),
        torch.nn.Linear(8, 1),
    ).double()
    optimizer = torch.optim.SGD(model.parameters(), lr=RATE)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def step(i: int) -> None:
        xb, yb = batch_of(i, x, y)
        optimizer.zero_grad()
        loss_fn(model(xb), yb).backward()
        optimizer.step()

    return step


def run() -> list[tuple[str, str, str]]:
    steps = {
        "engine": engine_step(),
        "burst": burst_step(),
        "numpy": numpy_step(),
        "torch": torch_step(),
    }
    rates = interleaved({name: step for name, step in steps.items() if step is not None})
    engine, limit, torch = rates["engine"], rates["numpy"], rates.get("torch")
    name = "2-8-8-1, batch 10, SGD"
    rows = [
        (f"engine step ({name})", f"{engine:,.0f}", "steps/s"),
        (f"engine burst, 50 steps a call ({name})", f"{rates['burst']:,.0f}", "steps/s"),
        (f"hand-written NumPy step ({name})", f"{limit:,.0f}", "steps/s"),
        ("engine / hand-written NumPy", f"{100 * engine / limit:.0f}", "%"),
        ("engine burst / hand-written NumPy", f"{100 * rates['burst'] / limit:.0f}", "%"),
    ]
    if torch is not None:
        rows += [
            (f"PyTorch CPU step, one thread ({name})", f"{torch:,.0f}", "steps/s"),
            ("engine / PyTorch", f"{100 * engine / torch:.0f}", "%"),
        ]
    return rows
