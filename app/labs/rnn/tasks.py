"""The three sequence tasks of the recurrent-networks page, over `engine.data.sequence_tasks`.

A `Task` owns its data for one setting (length, symbols, seed): how training batches are
drawn (deterministically from the step number, so a restored state trains on), the fixed
evaluation set the page's accuracy is measured on, and how one example is described.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from neural_playground.engine.data import sequence_tasks as st

TaskName = Literal["series", "words", "memory"]
TASK_NAMES: tuple[str, ...] = ("series", "words", "memory")

BATCH_SIZE = 32  # sequences per training step (series windows, memory sequences)
MEMORY_EVAL_SIZE = 64  # fixed memory sequences the page's accuracy is measured on
SERIES_LENGTH = 160  # days of synthetic prices
SYMBOL_NAMES = "ABCDEFGHIJKLMNOP"

#: Sequence length (series window / memory delay N) each task starts with, and its minimum.
DEFAULT_LENGTH = {"series": 10, "words": 2, "memory": 10}
MIN_LENGTH = {"series": 2, "words": 2, "memory": 1}


@dataclass
class Task:
    name: str
    n_in: int
    n_out: int
    loss: str
    from_logits: bool
    eval_x: np.ndarray  # (M, T, n_in): the examples shown and measured
    eval_y: np.ndarray
    #: Display names of the classes, or None for regression.
    vocabulary: list[str] | None
    #: Whether `vocabulary` entries are catalog keys (words) or literal symbols (A, B, ...).
    translate_vocabulary: bool

    @property
    def length(self) -> int:
        return int(self.eval_x.shape[1])

    @property
    def classification(self) -> bool:
        return self.vocabulary is not None

    def batch(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def tokens(self, index: int) -> list[str | None]:
        """The token at each step of example `index` (None where the input is a number)."""
        return [None] * self.length

    def values(self, index: int) -> list[float] | None:
        """Numbers to show as the input at each step, if the input is a number."""
        return None

    def target(self, index: int) -> str | float:
        raise NotImplementedError


class SeriesTask(Task):
    """From the last `length` prices, predict the next (standardized for the network)."""

    def __init__(self, length: int, seed: int) -> None:
        self.prices = st.price_series(np.random.default_rng([seed, 2]), SERIES_LENGTH)
        scaled, self.mean, self.std = st.standardize(self.prices)
        x, y = st.series_windows(scaled, length)
        super().__init__("series", 1, 1, "mse", False, x, y, None, False)
        self.seed = seed

    def batch(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng([self.seed, 0, step])
        pick = rng.integers(0, len(self.eval_x), BATCH_SIZE)
        return self.eval_x[pick], self.eval_y[pick]

    def price(self, scaled: np.ndarray) -> np.ndarray:
        return scaled * self.std + self.mean

    def values(self, index: int) -> list[float]:
        return self.prices[index : index + self.length].tolist()

    def target(self, index: int) -> float:
        return float(self.prices[index + self.length])


class WordsTask(Task):
    """The book's next word: two words in, the third out, over the whole phrase list."""

    def __init__(self) -> None:
        x, y = st.phrase_data()
        vocabulary = [f"word.{w}" for w in st.WORDS]
        super().__init__(
            "words", len(st.WORDS), len(st.WORDS), "categorical_crossentropy", True,
            x, y, vocabulary, True,
        )  # fmt: skip

    def batch(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        return self.eval_x, self.eval_y

    def tokens(self, index: int) -> list[str | None]:
        return [self.vocabulary[int(k)] for k in np.argmax(self.eval_x[index], axis=1)]

    def target(self, index: int) -> str:
        return self.vocabulary[int(self.eval_y[index])]


class MemoryTask(Task):
    """Recall the flagged first symbol after `length` steps of noise."""

    def __init__(self, length: int, symbols: int, seed: int) -> None:
        self.seed, self.delay, self.symbols = seed, length, symbols
        x, y = st.memory_batch(np.random.default_rng([seed, 1]), MEMORY_EVAL_SIZE, length, symbols)
        super().__init__(
            "memory", symbols + 1, symbols, "categorical_crossentropy", True,
            x, y, list(SYMBOL_NAMES[:symbols]), False,
        )  # fmt: skip

    def batch(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng([self.seed, 0, step])
        return st.memory_batch(rng, BATCH_SIZE, self.delay, self.symbols)

    def tokens(self, index: int) -> list[str | None]:
        return [self.target(index)] + [None] * self.delay

    def target(self, index: int) -> str:
        return self.vocabulary[int(self.eval_y[index])]


def make_task(name: str, length: int, symbols: int, seed: int) -> Task:
    if name == "series":
        return SeriesTask(length, seed)
    if name == "words":
        return WordsTask()
    return MemoryTask(length, symbols, seed)
