"""Small sequence tasks for recurrent networks (B.7), deterministic under a generator.

* ``price_series`` / ``series_windows``: the book's stock-market story. A synthetic daily
  price with an upward trend, a slow cycle and noise; from the last T prices, predict the
  next one (regression).
* ``WORDS`` / ``PHRASES`` / ``phrase_data``: the book's next-word example. Having heard
  "resident" (주민) and "registration" (등록), "number" (번호) comes next. A few three-word
  phrases over a ten-word vocabulary, built so that the order and the first word matter.
* ``memory_batch``: long memory. A symbol arrives with a "remember this" flag, then N steps
  of random noise; at the end, name the symbol (classification over the symbols).
  ``train_recall`` runs the whole experiment for one cell type (tests and bench).
"""

from __future__ import annotations

import numpy as np

from neural_playground.engine.metrics import accuracy
from neural_playground.engine.model import sequence_model
from neural_playground.engine.optimizers import Optimizer

# --- the stock price --------------------------------------------------------------------------


def price_series(
    rng: np.random.Generator,
    length: int = 240,
    start: float = 100.0,
    trend: float = 0.08,
    cycle: float = 4.0,
    period: float = 30.0,
    noise: float = 1.0,
) -> np.ndarray:
    """(length,) prices: start + trend * t + cycle * sin(2 pi t / period) + noise * eps_t."""
    t = np.arange(length, dtype=np.float64)
    wave = cycle * np.sin(2.0 * np.pi * t / period)
    return start + trend * t + wave + noise * rng.standard_normal(length)


def standardize(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(values - mean) / std, with the mean and std to undo it (networks like inputs near 0)."""
    mean, std = float(np.mean(values)), float(np.std(values))
    std = std if std > 0 else 1.0
    return (values - mean) / std, mean, std


def series_windows(series: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Every run of ``steps`` consecutive values and the value after it.

    series: (L,). Returns x: (L - steps, steps, 1) and y: (L - steps, 1); window k is
    series[k : k + steps] and its target series[k + steps].
    """
    if not 1 <= steps < len(series):
        raise ValueError(f"window of {steps} steps does not fit a series of {len(series)}")
    count = len(series) - steps
    index = np.arange(count)[:, None] + np.arange(steps)[None, :]
    return series[index][:, :, None], series[steps:][:, None]


# --- next word ---------------------------------------------------------------------------------

#: The vocabulary, by id (the page translates: resident = 주민, registration = 등록, ...).
WORDS: tuple[str, ...] = (
    "resident",  # 주민
    "registration",  # 등록
    "number",  # 번호
    "member",  # 회원
    "signup",  # 가입
    "complete",  # 완료
    "phone",  # 전화
    "center",  # 센터
    "visit",  # 방문
    "check",  # 확인
)

#: (first word, second word, next word). The first is the book's: 주민 등록 -> 번호. The
#: same second word leads to different next words ("... registration" -> number or
#: complete), and swapping the words changes the answer (registration number -> check,
#: number registration -> complete): a network must remember the order, as B.7 says.
PHRASES: tuple[tuple[str, str, str], ...] = (
    ("resident", "registration", "number"),  # 주민 등록 번호
    ("member", "registration", "complete"),  # 회원 등록 완료
    ("member", "signup", "complete"),  # 회원 가입 완료
    ("phone", "number", "registration"),  # 전화 번호 등록
    ("registration", "number", "check"),  # 등록 번호 확인
    ("number", "registration", "complete"),  # 번호 등록 완료
    ("resident", "center", "visit"),  # 주민 센터 방문
)


def phrase_data(
    phrases: tuple[tuple[str, ...], ...] = PHRASES, words: tuple[str, ...] = WORDS
) -> tuple[np.ndarray, np.ndarray]:
    """One-hot contexts and next-word labels.

    Returns x: (P, L - 1, V) one-hot words and y: (P,) the index in ``words`` of each
    phrase's last word (P phrases of L words, V words).
    """
    index = {word: k for k, word in enumerate(words)}
    tokens = np.array([[index[w] for w in phrase] for phrase in phrases])
    return np.eye(len(words))[tokens[:, :-1]], tokens[:, -1]


# --- long memory ---------------------------------------------------------------------------------


def memory_batch(
    rng: np.random.Generator, n: int, steps: int, symbols: int, noise: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences of the recall task: remember the first symbol for ``steps`` steps.

    Input channels: one per symbol, plus a last "remember this" flag. Step 0 is the
    symbol, one-hot, with the flag on; steps 1 .. ``steps`` are Gaussian noise of standard
    deviation ``noise`` on the symbol channels (larger than the symbol itself), flag off.
    Returns x: (n, steps + 1, symbols + 1) and y: (n,) the symbol to recall.
    """
    if steps < 1 or symbols < 2:
        raise ValueError(f"need steps >= 1 and symbols >= 2, got {steps} and {symbols}")
    first = rng.integers(0, symbols, n)
    x = np.zeros((n, steps + 1, symbols + 1))
    x[:, 1:, :symbols] = noise * rng.standard_normal((n, steps, symbols))
    x[np.arange(n), 0, first] = 1.0
    x[:, 0, symbols] = 1.0
    return x, first


def train_recall(
    cell: str,
    steps: int,
    symbols: int = 2,
    hidden: int = 8,
    train_steps: int = 150,
    memory_bias: float = 3.0,
    learning_rate: float = 0.02,
    batch: int = 32,
    seed: int = 0,
) -> float:
    """B.7's experiment: train a fresh ``cell`` network on the recall task, return its accuracy.

    Adam on ``train_steps`` batches of ``batch`` fresh sequences (``steps`` noisy steps to
    remember across), then the accuracy on 128 held-out sequences. The gated cells start
    with their keep gate's bias at ``memory_bias``; the plain RNN has none.
    """
    rng = np.random.default_rng(seed)
    bias = None if cell == "rnn" else memory_bias
    model = sequence_model(cell, symbols + 1, hidden, symbols, memory_bias=bias, seed=seed)
    optimizer = Optimizer("adam", learning_rate=learning_rate)
    for _ in range(train_steps):
        x, y = memory_batch(rng, batch, steps, symbols)
        model.train_step(x, y, "categorical_crossentropy", optimizer, from_logits=True)
    x, y = memory_batch(np.random.default_rng(12345), 128, steps, symbols)
    return accuracy(model.predict(x), y)
