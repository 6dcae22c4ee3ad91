"""The playground's points: a generated or uploaded dataset, split, plus the learner's clicks.

Kept apart from the lab so that everything about *which points* (and their checks against
the server's limits) reads in one place; the lab only asks for a `PlaygroundData`.
"""

import math
from dataclasses import dataclass

import numpy as np

from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from neural_playground.engine.data.datasets import EXTENT, Dataset, generate, train_test_split

Point = tuple[float, float, float]  # x1, x2, label


@dataclass(frozen=True)
class PlaygroundData:
    """Training and test points of one problem, ready for the features.

    train_x (N, 2), train_y (N,), test_x (M, 2), test_y (M,). The learner's added points are
    the last `n_added` training points. `extent`: the view is [-extent, extent]^2.
    `value_scale`: regression labels are drawn from -value_scale to value_scale.
    """

    problem: str
    classes: int
    extent: float
    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    n_added: int
    value_scale: float


def nice_extent(points: np.ndarray) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k that holds every point with a 5 % margin."""
    largest = float(np.max(np.abs(points))) * 1.05 if points.size else 0.0
    if largest <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(largest))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= largest)


def check_label(label: float, problem: str, classes: int, settings: Settings) -> None:
    """A clicked point's label must fit the problem: 0/1, a class index, or a sane value."""
    if problem == "regression":
        if abs(label) > settings.max_abs_value:
            raise LabError(
                "value_too_large",
                f"label must be between -{settings.max_abs_value:g} and "
                f"{settings.max_abs_value:g}.",
                what="label",
                limit=settings.max_abs_value,
            )
        return
    if label != int(label) or not 0 <= label < classes:
        raise LabError(
            "bad_label",
            f"The label must be a class from 0 to {classes - 1}.",
            last=classes - 1,
        )


def base_points(
    kind: str, n: int, noise: float, seed: int, classes: int, custom: Dataset | None, s: Settings
) -> tuple[Dataset, float]:
    """The dataset before splitting, and the view extent it needs."""
    if kind == "custom":
        assert custom is not None, "the lab builds custom points from the state first"
        return custom, nice_extent(custom.x)
    if n > s.max_data_points:
        raise LabError(
            "too_many_points",
            f"This server allows at most {s.max_data_points} points.",
            limit=s.max_data_points,
        )
    if classes > s.max_classes:
        raise LabError(
            "too_many_classes",
            f"This server allows at most {s.max_classes} classes.",
            limit=s.max_classes,
        )
    return generate(kind, n, noise, seed, classes), EXTENT


def make_data(
    base: Dataset, extent: float, train_ratio: float, seed: int, added: list[Point], s: Settings
) -> PlaygroundData:
    """Split `base` by a seeded shuffle, then append the learner's points to the training set."""
    if len(base) + len(added) > s.max_data_points:
        raise LabError(
            "too_many_points",
            f"This server allows at most {s.max_data_points} points.",
            limit=s.max_data_points,
        )
    for x1, x2, label in added:
        if max(abs(x1), abs(x2)) > extent:
            raise LabError(
                "point_outside",
                f"Points must lie inside the square from -{extent:g} to {extent:g}.",
                limit=extent,
            )
        check_label(label, base.problem, base.classes, s)
    train, test = train_test_split(len(base), train_ratio, seed)
    extra = np.array(added, dtype=np.float64).reshape(-1, 3)
    labels = np.concatenate([base.y, extra[:, 2]])
    return PlaygroundData(
        problem=base.problem,
        classes=base.classes,
        extent=extent,
        train_x=np.concatenate([base.x[train], extra[:, :2]]),
        train_y=np.concatenate([base.y[train], extra[:, 2]]),
        test_x=base.x[test],
        test_y=base.y[test],
        n_added=len(added),
        value_scale=max(1e-6, float(np.max(np.abs(labels)))) if labels.size else 1.0,
    )
