"""2-D datasets: deterministic, right shapes and labels, splits, batches, and CSV checks."""

import numpy as np
import pytest

from neural_playground.engine.data import datasets as ds
from neural_playground.engine.data.features import FEATURE_NAMES, feature_matrix, grid


@pytest.mark.parametrize("name", ds.DATASET_NAMES)
def test_same_seed_same_points_other_seed_other_points(name):
    a = ds.generate(name, 200, noise=0.2, seed=7)
    b = ds.generate(name, 200, noise=0.2, seed=7)
    c = ds.generate(name, 200, noise=0.2, seed=8)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)
    assert a.x.shape == (200, 2) and a.y.shape == (200,)
    assert np.all(np.isfinite(a.x)) and np.all(np.isfinite(a.y))


@pytest.mark.parametrize("name", ["circle", "xor", "gauss", "spiral"])
def test_binary_sets_are_balanced_0_1_labels(name):
    data = ds.generate(name, 500, seed=0)
    assert data.problem == "binary" and data.classes == 2
    assert set(np.unique(data.y)) == {0.0, 1.0}
    assert 0.35 < data.y.mean() < 0.65
    assert np.abs(data.x).max() <= ds.EXTENT


def test_clean_circle_is_labelled_by_radius():
    data = ds.generate("circle", 400, noise=0.0, seed=1)
    r = np.linalg.norm(data.x, axis=1)
    np.testing.assert_array_equal(data.y, (r < 2.5).astype(float))
    assert data.y.sum() == 200  # half inside, half on the ring
    assert not np.any((r > 2.5) & (r < 3.5))  # the gap between disc and ring


def test_clean_xor_is_labelled_by_sign_with_a_margin():
    data = ds.generate("xor", 400, noise=0.0, seed=2)
    np.testing.assert_array_equal(data.y, (data.x[:, 0] * data.x[:, 1] >= 0).astype(float))
    assert np.abs(data.x).min() >= 0.3


def test_noise_moves_labels_across_the_border():
    clean = ds.generate("circle", 500, noise=0.0, seed=3)
    noisy = ds.generate("circle", 500, noise=0.5, seed=3)
    r = np.linalg.norm(noisy.x, axis=1)
    assert np.any((r < 2.5) != (noisy.y == 1))  # some labels disagree with the radius
    assert np.all((np.linalg.norm(clean.x, axis=1) < 2.5) == (clean.y == 1))


def test_gauss_clusters_sit_at_plus_and_minus_two():
    data = ds.generate("gauss", 1000, noise=0.0, seed=4)
    np.testing.assert_allclose(data.x[data.y == 1].mean(axis=0), [2, 2], atol=0.15)
    np.testing.assert_allclose(data.x[data.y == 0].mean(axis=0), [-2, -2], atol=0.15)
    wide = ds.generate("gauss", 1000, noise=0.5, seed=4)
    assert wide.x[wide.y == 1].std() > 1.5 * data.x[data.y == 1].std()


@pytest.mark.parametrize("name", ds.MULTICLASS_NAMES)
@pytest.mark.parametrize("classes", [3, 5])
def test_multiclass_sets_have_every_class(name, classes):
    data = ds.generate(name, 301, seed=0, classes=classes)
    assert data.problem == "multiclass" and data.classes == classes
    counts = np.bincount(data.y.astype(int))
    assert len(counts) == classes and counts.min() >= 301 // classes


def test_multiclass_needs_three_classes():
    with pytest.raises(ValueError, match="at least 3"):
        ds.generate("multi_spiral", 100, classes=2)


def test_regression_plane_and_bumps():
    plane = ds.generate("plane", 300, noise=0.0, seed=5)
    assert plane.problem == "regression" and plane.classes == 0
    np.testing.assert_allclose(plane.y, plane.x.sum(axis=1) / 12)
    bumps = ds.generate("reg_gauss", 300, noise=0.0, seed=5)
    assert bumps.y.min() >= -1 and bumps.y.max() <= 1
    # The bump centred at (-4, 2.5) is a hill of height 1, (0, 2.5) a pit of depth 1.
    np.testing.assert_allclose(ds.bumps(np.array([[-4, 2.5], [0, 2.5], [-4, 0.5]])), [1, -1, 0])


def test_generate_refuses_bad_arguments():
    with pytest.raises(ValueError, match="unknown dataset"):
        ds.generate("moons", 10)
    with pytest.raises(ValueError, match="noise"):
        ds.generate("xor", 10, noise=2)


def test_split_is_seeded_disjoint_and_complete():
    train, test = ds.train_test_split(500, 0.7, seed=3)
    assert len(train) == 350 and len(test) == 150
    assert sorted([*train, *test]) == list(range(500))
    again = ds.train_test_split(500, 0.7, seed=3)
    np.testing.assert_array_equal(train, again[0])
    assert not np.array_equal(train, ds.train_test_split(500, 0.7, seed=4)[0])
    assert [len(p) for p in ds.train_test_split(2, 0.9, seed=0)] == [1, 1]


def test_batches_cover_each_epoch_once_and_depend_only_on_the_step():
    sampler = ds.BatchSampler(n=25, batch_size=10, seed=1)
    first_epoch = np.concatenate([sampler.indices(s) for s in range(2)] + [sampler.indices(2)[:5]])
    assert sorted(first_epoch) == list(range(25))
    # Step 2 straddles epochs 0 and 1; a fresh sampler gives the same batch.
    np.testing.assert_array_equal(ds.BatchSampler(25, 10, 1).indices(2), sampler.indices(2))
    assert not np.array_equal(sampler.indices(0), ds.BatchSampler(25, 10, 2).indices(0))


def test_take_gives_the_rows_of_indices_as_slices_within_an_epoch():
    x = np.arange(50.0).reshape(25, 2)
    y = np.arange(25.0)[:, None]
    sampler = ds.BatchSampler(n=25, batch_size=10, seed=1)
    for step in range(12):  # within epochs and across their ends (steps 2, 7 and 12)
        rows = sampler.indices(step)
        xb, yb = sampler.take(step, x, y)
        np.testing.assert_array_equal(xb, x[rows])
        np.testing.assert_array_equal(yb, y[rows])
    # New arrays (new data): their rows, not those of the arrays taken before.
    other = x + 100
    np.testing.assert_array_equal(sampler.take(3, other, y)[0], other[sampler.indices(3)])


def test_features_and_grid():
    points = np.array([[1.0, 2.0], [-0.5, 3.0]])
    m = feature_matrix(points, FEATURE_NAMES)
    np.testing.assert_allclose(m[0], [1, 2, 1, 4, 2, np.sin(1), np.sin(2)])
    assert feature_matrix(points, ["x1_x2"]).tolist() == [[2.0], [-1.5]]
    with pytest.raises(ValueError, match="features"):
        feature_matrix(points, ["x3"])
    g = grid(6.0, 100)
    assert g.shape == (10_000, 2)
    np.testing.assert_allclose(g[0], [-5.94, 5.94])  # top-left cell centre
    np.testing.assert_allclose(g[-1], [5.94, -5.94])  # bottom-right
    np.testing.assert_allclose(g[1, 0] - g[0, 0], 0.12)


# --- CSV --------------------------------------------------------------------------------


def parse(text, **kw):
    return ds.parse_csv(text, max_rows=kw.pop("max_rows", 100), max_abs=1e6, **kw)


def test_csv_with_header_binary_minus_one_and_multiclass():
    data = parse("x1,x2,label\n1,2,1\n-1, -2 ,-1\n\n0.5,0,1\n")
    assert data.problem == "binary"
    np.testing.assert_array_equal(data.x, [[1, 2], [-1, -2], [0.5, 0]])
    np.testing.assert_array_equal(data.y, [1, 0, 1])
    multi = parse("0,0,0\n1,1,1\n2,2,2\n3,3,1\n")
    assert multi.problem == "multiclass" and multi.classes == 3
    reg = parse("0,0,0.25\n1,1,-3\n")
    assert reg.problem == "regression"
    forced = parse("0,0,0\n1,1,1\n", problem="regression")
    assert forced.problem == "regression"


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("1,2\n", "csv_columns", {"line": 1, "count": 2}),
        ("x1,x2,label\n1,2,0\n3,4,5,6\n", "csv_columns", {"line": 3, "count": 4}),
        ("1,2,0\n1,abc,1\n", "csv_not_a_number", {"line": 2, "column": "x2", "value": "abc"}),
        ("a,b,c\n", "csv_not_a_number", {"line": 1, "column": "x1"}),
        ("1,2,0\nnan,1,1\n", "csv_not_finite", {"line": 2, "column": "x1"}),
        ("1,inf,0\n", "csv_not_finite", {"line": 1, "column": "x2"}),
        ("1,1e400,0\n", "csv_not_finite", {"line": 1}),
        ("1,2e7,0\n", "csv_value_too_large", {"line": 1, "limit": 1e6}),
        ("\n\nx1,x2,label\n", "csv_empty", {}),
        ("", "csv_empty", {}),
        # Found by tests/app/test_fuzz_labs.py: the csv module's own errors were crashes.
        ("1,2,0\n3," + "4" * 200_000 + ",1\n", "csv_unreadable", {"line": 2}),
    ],
)
def test_bad_csv_says_what_and_where(text, code, params):
    with pytest.raises(ds.CsvError) as info:
        parse(text)
    assert info.value.code == code
    assert params.items() <= info.value.params.items()
    if "line" in params:
        assert f"Line {params['line']}" in info.value.message


def test_csv_lines_may_end_as_on_any_system():
    points = parse("x1,x2,label\r1,2,0\r\n3,4,1\n5,6,0")  # a lone "\r" was a crash
    assert points.x.tolist() == [[1, 2], [3, 4], [5, 6]]


def test_csv_row_limit_and_label_checks():
    with pytest.raises(ds.CsvError) as info:
        parse("".join(f"{i},{i},0\n" for i in range(11)), max_rows=10)
    assert info.value.code == "csv_too_many_rows" and info.value.params == {"limit": 10}
    assert len(parse("".join(f"{i},{i},0\n" for i in range(10)), max_rows=10)) == 10
    with pytest.raises(ds.CsvError) as info:
        parse("0,0,0\n1,1,2\n", problem="binary")
    assert info.value.code == "csv_labels_binary"
    with pytest.raises(ds.CsvError) as info:
        parse("0,0,0\n1,1,7\n", problem="multiclass", max_classes=5)
    assert info.value.code == "csv_labels_classes"


def test_points_from_rows_are_checked_like_a_file():
    data = ds.from_points(np.array([[0, 0, 0], [1, 1, 1]]), max_abs=10)
    assert data.problem == "binary" and len(data) == 2
    with pytest.raises(ds.CsvError) as info:
        ds.from_points(np.array([[0, 0, 0], [1, 11, 1]]), max_abs=10)
    assert info.value.code == "csv_value_too_large" and info.value.params["line"] == 2
    with pytest.raises(ds.CsvError) as info:
        ds.from_points(np.array([[np.nan, 0, 0]]), max_abs=10)
    assert info.value.code == "csv_not_finite" and info.value.params["line"] == 1
