"""Small 2-D datasets, deterministic under a seed: the playground's, and samples for other pages.

Every generator draws from its own ``np.random.default_rng(seed)`` and returns a ``Dataset``:
points ``x`` (N, 2) and labels ``y`` (N,). Classification labels are class indices
(0/1 for binary problems, 0..K-1 for multi-class); regression labels are values in about
[-1, 1]. The shapes follow TensorFlow Playground's (circle, XOR, two Gaussians, spiral,
regression plane and Gaussian bumps) on the square [-6, 6]^2, plus multi-class spiral arms and
Gaussian blobs. ``noise`` is a fraction: 0 is clean, 0.5 is TensorFlow Playground's "50".

``parse_csv`` reads a learner's own points (x1, x2, label) and says precisely what is wrong
with a bad file (``CsvError`` carries a stable ``code`` and the line number).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Half-width of the square the generated points live in (and the view's default extent).
EXTENT = 6.0
#: Radius the shapes are drawn to (circle, spiral, XOR's square), inside EXTENT.
RADIUS = 5.0

PROBLEMS = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class Dataset:
    """Points and labels of one 2-D problem.

    x: (N, 2) float64 points; y: (N,) float64 labels; problem: "binary", "multiclass" or
    "regression"; classes: number of classes (2 for binary, K for multi-class, 0 for regression).
    """

    x: np.ndarray
    y: np.ndarray
    problem: str
    classes: int

    def __len__(self) -> int:
        return int(self.x.shape[0])


def _split_counts(n: int, parts: int) -> list[int]:
    """n points into `parts` groups as evenly as possible (first groups get the remainder)."""
    return [n // parts + (1 if k < n % parts else 0) for k in range(parts)]


# --- classification ------------------------------------------------------------------------


def circle(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Class 1 inside a disc of radius 2.5, class 0 on a ring from 3.5 to 5 around it.

    The label is decided on the jittered position, so noise blurs the border.
    """
    radius = RADIUS
    inner, outer = _split_counts(n, 2)
    r = np.concatenate(
        [rng.uniform(0, 0.5 * radius, inner), rng.uniform(0.7 * radius, radius, outer)]
    )
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    jitter = rng.uniform(-radius, radius, (n, 2)) * noise
    y = (np.linalg.norm(x + jitter, axis=1) < 0.5 * radius).astype(np.float64)
    return Dataset(x, y, "binary", 2)


def xor(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Class 1 where x1 and x2 have the same sign, class 0 where they differ.

    Points keep a 0.3 gap from the axes so the clean problem has a visible margin.
    """
    x = rng.uniform(-RADIUS, RADIUS, (n, 2))
    x += np.where(x >= 0, 0.3, -0.3)
    jitter = rng.uniform(-RADIUS, RADIUS, (n, 2)) * noise
    moved = x + jitter
    y = (moved[:, 0] * moved[:, 1] >= 0).astype(np.float64)
    return Dataset(x, y, "binary", 2)


def _gaussian_std(noise: float) -> float:
    """Spread of the Gaussian clusters: variance 0.5 when clean, 4 at noise 0.5."""
    return math.sqrt(0.5 + 7.0 * min(noise, 0.5))


def gauss(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Two Gaussian clusters: class 1 around (2, 2), class 0 around (-2, -2)."""
    return _blobs(n, noise, rng, centers=np.array([[-2.0, -2.0], [2.0, 2.0]]), problem="binary")


def _blobs(
    n: int, noise: float, rng: np.random.Generator, centers: np.ndarray, problem: str
) -> Dataset:
    counts = _split_counts(n, len(centers))
    std = _gaussian_std(noise)
    x = np.concatenate([rng.normal(c, std, (m, 2)) for c, m in zip(centers, counts, strict=True)])
    y = np.concatenate([np.full(m, float(k)) for k, m in enumerate(counts)])
    return Dataset(x, y, problem, len(centers))


def _spiral(n: int, noise: float, rng: np.random.Generator, arms: int, problem: str) -> Dataset:
    """`arms` interleaved spiral arms, arm k is class k; each arm turns 1.75 times."""
    xs, ys = [], []
    for k, m in enumerate(_split_counts(n, arms)):
        i = np.arange(m)
        r = i / max(m, 1) * RADIUS
        t = 1.75 * i / max(m, 1) * 2 * np.pi + 2 * np.pi * k / arms
        points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        xs.append(points + rng.uniform(-1, 1, (m, 2)) * noise)
        ys.append(np.full(m, float(k)))
    return Dataset(np.concatenate(xs), np.concatenate(ys), problem, arms)


def spiral(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Two interleaved spirals (class 0 and class 1): hard without sin features or depth."""
    return _spiral(n, noise, rng, arms=2, problem="binary")


def multi_spiral(n: int, noise: float, rng: np.random.Generator, classes: int = 3) -> Dataset:
    """`classes` interleaved spiral arms, one class each."""
    return _spiral(n, noise, rng, arms=classes, problem="multiclass")


def multi_gauss(n: int, noise: float, rng: np.random.Generator, classes: int = 3) -> Dataset:
    """`classes` Gaussian blobs evenly spaced on a circle of radius 3.5, one class each."""
    angles = np.pi / 2 + 2 * np.pi * np.arange(classes) / classes
    centers = 3.5 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return _blobs(n, noise, rng, centers=centers, problem="multiclass")


# --- regression ----------------------------------------------------------------------------


def plane(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Label (x1 + x2) / 12: a tilted plane from -1 to 1 over the square; noise jitters it."""
    x = rng.uniform(-EXTENT, EXTENT, (n, 2))
    jitter = rng.uniform(-EXTENT, EXTENT, (n, 2)) * noise
    y = (x + jitter).sum(axis=1) / (2 * EXTENT)
    return Dataset(x, y, "regression", 0)


# (x1, x2, sign) of six bumps of radius 2: alternating hills (+1) and pits (-1).
_BUMPS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def bumps(points: np.ndarray) -> np.ndarray:
    """Height of the regression-Gaussian surface at `points` (N, 2): the strongest bump wins."""
    heights = np.stack(
        [
            sign * np.clip(1.0 - np.hypot(points[:, 0] - cx, points[:, 1] - cy) / 2.0, 0.0, 1.0)
            for cx, cy, sign in _BUMPS
        ],
        axis=1,
    )
    strongest = np.argmax(np.abs(heights), axis=1)
    return heights[np.arange(len(points)), strongest]


def reg_gauss(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Six round bumps, alternately up and down; the label is read at the jittered point."""
    x = rng.uniform(-EXTENT, EXTENT, (n, 2))
    jitter = rng.uniform(-EXTENT, EXTENT, (n, 2)) * noise
    return Dataset(x, bumps(x + jitter), "regression", 0)


# --- registry ------------------------------------------------------------------------------

Generator = Callable[..., Dataset]

GENERATORS: dict[str, Generator] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "multi_spiral": multi_spiral,
    "multi_gauss": multi_gauss,
    "plane": plane,
    "reg_gauss": reg_gauss,
}
DATASET_NAMES: tuple[str, ...] = tuple(GENERATORS)
#: Generators that take a number of classes.
MULTICLASS_NAMES: tuple[str, ...] = ("multi_spiral", "multi_gauss")


def generate(name: str, n: int, noise: float = 0.0, seed: int = 0, classes: int = 3) -> Dataset:
    """`n` points of the named dataset; the same (name, n, noise, seed, classes) -> same points."""
    if name not in GENERATORS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASET_NAMES)}")
    if n < 2:
        raise ValueError(f"a dataset needs at least 2 points, got {n}")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise is a fraction from 0 to 1, got {noise}")
    rng = np.random.default_rng(seed)
    if name in MULTICLASS_NAMES:
        if classes < 3:
            raise ValueError(f"a multi-class dataset needs at least 3 classes, got {classes}")
        return GENERATORS[name](n, noise, rng, classes=classes)
    return GENERATORS[name](n, noise, rng)


# --- splitting and batching ----------------------------------------------------------------


def train_test_split(n: int, train_ratio: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and test points: a seeded shuffle, then the first share trains.

    At least one point trains; with two or more points, at least one is held out for testing.
    """
    if not 0.0 < train_ratio <= 1.0:
        raise ValueError(f"train_ratio must be in (0, 1], got {train_ratio}")
    order = np.random.default_rng([seed, 1]).permutation(n)
    n_train = min(max(1, round(n * train_ratio)), n - 1 if n >= 2 else n)
    return np.sort(order[:n_train]), np.sort(order[n_train:])


class BatchSampler:
    """Mini-batches of `batch_size` from `n` points, a fresh seeded shuffle every epoch.

    ``indices(step)`` depends only on the step number, so training can be replayed (or
    resumed after a restore) exactly. A batch that runs past the end of an epoch continues
    into the next epoch's order.
    """

    def __init__(self, n: int, batch_size: int, seed: int) -> None:
        if n < 1 or batch_size < 1:
            raise ValueError(f"need n >= 1 and batch_size >= 1, got {n} and {batch_size}")
        self.n, self.batch_size, self.seed = n, batch_size, seed
        self._epoch, self._order = -1, np.empty(0, dtype=int)
        #: (epoch, the arrays, each in that epoch's order) for `take`.
        self._taken: tuple[int, tuple[np.ndarray, ...], list[np.ndarray]] | None = None

    def order(self, epoch: int) -> np.ndarray:
        if epoch != self._epoch:  # one-epoch cache: consecutive steps share an epoch
            self._epoch = epoch
            self._order = np.random.default_rng([self.seed, epoch, 2]).permutation(self.n)
        return self._order

    def indices(self, step: int) -> np.ndarray:
        start = step * self.batch_size
        epoch, offset = divmod(start, self.n)
        if offset + self.batch_size <= self.n:  # within one epoch (most steps): a slice
            return self.order(epoch)[offset : offset + self.batch_size]
        positions = np.arange(start, start + self.batch_size)
        epochs, offsets = np.divmod(positions, self.n)
        if epochs[0] == epochs[-1]:
            return self.order(int(epochs[0]))[offsets]
        return np.array(
            [self.order(int(e))[o] for e, o in zip(epochs, offsets, strict=True)], dtype=int
        )

    def take(self, step: int, *arrays: np.ndarray) -> list[np.ndarray]:
        """The rows ``indices(step)`` of each array (the same values as ``a[indices(step)]``):
        within an epoch, slices of the arrays put in the epoch's order once, so a step costs
        no indexing (a training step on a small network is mostly such per-call costs)."""
        start = step * self.batch_size
        epoch, offset = divmod(start, self.n)
        if offset + self.batch_size > self.n:  # across two epochs (rare): index
            rows = self.indices(step)
            return [a[rows] for a in arrays]
        taken = self._taken
        if (
            taken is None
            or taken[0] != epoch
            or any(a is not b for a, b in zip(arrays, taken[1], strict=False))
            or len(arrays) != len(taken[1])
        ):
            order = self.order(epoch)
            taken = self._taken = (epoch, arrays, [a[order] for a in arrays])
        return [a[offset : offset + self.batch_size] for a in taken[2]]


# --- a learner's own points ------------------------------------------------------------------

HEADER = ("x1", "x2", "label")


class CsvError(ValueError):
    """A CSV file that cannot be used. ``code`` is stable (for translations), ``params`` say
    where (``line``, 1-based) and what (``value``, ``limit``, ...)."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params


def _number(text: str, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        code, why = "csv_not_a_number", ", not a number"
    else:
        if math.isfinite(value):
            return value
        code, why = "csv_not_finite", "; NaN and infinity cannot be learned from"
    raise CsvError(
        code, f"Line {line}: {column} is {text!r}{why}.", line=line, column=column, value=text[:40]
    )


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) of each CSV record. Lines may end in "\n", "\r\n" or a lone "\r"
    (old Mac files; newline="" as for a file); what the reader cannot read (a field over
    its 131,072 characters) is a `CsvError`, not a crash."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvError(
                "csv_unreadable", f"Line {line} cannot be read as CSV ({exc}).", line=line
            ) from None
        yield line, fields
        line += 1


def _read_rows(text: str, max_rows: int, max_abs: float) -> list[tuple[float, float, float]]:
    rows: list[tuple[float, float, float]] = []
    for line, fields in _records(text):
        fields = [f.strip() for f in fields]
        if not any(fields):
            continue  # blank lines are harmless
        if not rows and tuple(f.lower() for f in fields) == HEADER:
            continue  # the optional header
        if len(fields) != 3:
            raise CsvError(
                "csv_columns",
                f"Line {line} has {len(fields)} columns; every line needs 3: x1, x2, label.",
                line=line,
                count=len(fields),
            )
        if len(rows) == max_rows:
            raise CsvError(
                "csv_too_many_rows",
                f"The file has more than {max_rows} points (this server's limit).",
                limit=max_rows,
            )
        values = tuple(_number(f, line, c) for f, c in zip(fields, HEADER, strict=True))
        if any(abs(v) > max_abs for v in values):
            raise CsvError(
                "csv_value_too_large",
                f"Line {line}: values must be between -{max_abs:g} and {max_abs:g}.",
                line=line,
                limit=max_abs,
            )
        rows.append(values)  # type: ignore[arg-type]
    return rows


def infer_problem(labels: np.ndarray, max_classes: int) -> str:
    """Binary for labels 0/1 (or -1/1), multi-class for whole numbers 0..K-1 with 3 <= K <=
    max_classes, regression otherwise."""
    distinct = set(np.unique(labels).tolist())
    if distinct <= {0.0, 1.0} or distinct <= {-1.0, 1.0}:
        return "binary"
    whole = all(v == int(v) for v in distinct)
    if whole and min(distinct) == 0 and 3 <= max(distinct) + 1 <= max_classes:
        return "multiclass"
    return "regression"


def labels_for(problem: str, labels: np.ndarray, max_classes: int) -> tuple[np.ndarray, int]:
    """Check labels against a problem type; return them (binary -1 becomes 0) and the classes."""
    if problem == "regression":
        return labels, 0
    if problem == "binary":
        if set(np.unique(labels).tolist()) <= {-1.0, 1.0}:
            labels = (labels > 0).astype(np.float64)
        if not np.all((labels == 0) | (labels == 1)):
            raise CsvError(
                "csv_labels_binary", "Binary labels must be 0 or 1 (or -1 and 1).", limit=2
            )
        return labels, 2
    if problem == "multiclass":
        whole = np.all(labels == np.round(labels))
        k = int(labels.max()) + 1 if labels.size else 0
        if not whole or labels.min() < 0 or not 3 <= k <= max_classes:
            raise CsvError(
                "csv_labels_classes",
                f"Class labels must be whole numbers 0, 1, 2, ... with 3 to {max_classes} classes.",
                limit=max_classes,
            )
        return labels, k
    raise ValueError(f"unknown problem {problem!r}; choose one of {', '.join(PROBLEMS)}")


def from_points(
    rows: np.ndarray, max_abs: float, problem: str | None = None, max_classes: int = 5
) -> Dataset:
    """A dataset from rows of (x1, x2, label): the checks of ``parse_csv`` minus the text.

    Raises CsvError for no rows, non-finite values or values beyond `max_abs` (``line`` is the
    1-based row), and labels that do not fit the problem (`problem` None infers it).
    """
    rows = np.asarray(rows, dtype=np.float64).reshape(-1, 3)
    if not len(rows):
        raise CsvError("csv_empty", "The file has no points: each line needs x1, x2, label.")
    for code, bad, problem_text in (
        ("csv_not_finite", ~np.isfinite(rows), "NaN and infinity cannot be learned from"),
        ("csv_value_too_large", np.abs(rows) > max_abs, f"values must be within ±{max_abs:g}"),
    ):
        rows_bad = bad.any(axis=1)
        if rows_bad.any():
            line = int(np.argmax(rows_bad)) + 1
            raise CsvError(code, f"Point {line}: {problem_text}.", line=line, limit=max_abs)
    labels = rows[:, 2]
    problem = problem or infer_problem(labels, max_classes)
    labels, classes = labels_for(problem, labels, max_classes)
    return Dataset(rows[:, :2].copy(), labels.copy(), problem, classes)


def parse_csv(
    text: str,
    max_rows: int,
    max_abs: float,
    problem: str | None = None,
    max_classes: int = 5,
) -> Dataset:
    """Points from CSV text: lines of x1, x2, label, with an optional header line.

    `problem` None infers it from the labels (``infer_problem``). Raises CsvError with a
    precise code and line for wrong column counts, non-numbers, NaN/inf, values beyond
    `max_abs`, more than `max_rows` points, labels that do not fit the problem, or no points.
    """
    rows = _read_rows(text, max_rows, max_abs)
    return from_points(np.array(rows, dtype=np.float64), max_abs, problem, max_classes)
