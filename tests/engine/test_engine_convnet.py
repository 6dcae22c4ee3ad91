"""The digits networks of B.6's second part: shapes, gradients, and a seeded run that learns."""

import numpy as np
import pytest

from neural_playground.engine.convnet import (
    Classifier,
    ConvNetSpec,
    batch_indices,
    confusion,
    conv_network,
    dense_network,
    dense_width_like,
    split,
    stages,
)
from neural_playground.engine.data.digits import load_digits
from neural_playground.engine.gradcheck import numerical_model_gradients, rel_error

TOL = 1e-6
STEPS = 1000  # about 22 epochs of the 1,438 training digits, in batches of 32


@pytest.mark.parametrize(
    "spec",
    [
        ConvNetSpec(),  # the page's default: 8 filters 3x3, "same" padding, max pooling
        ConvNetSpec(blocks=2, filters=3, kernel=2, padding=1, pool="avg"),
        ConvNetSpec(filters=2, kernel=3, stride=2, padding=0, relu=False, pool="none"),
    ],
)
def test_the_conv_network_passes_the_gradient_check(spec):
    rng = np.random.default_rng(3)
    model = conv_network(spec, seed=1)
    for layer in model.layers:
        if "b" in layer.params:  # non-zero biases, so their gradients are checked too
            layer.params["b"][...] = 0.1 * rng.standard_normal(layer.params["b"].shape)
    x = rng.random((3, 1, 8, 8))
    labels = np.array([0, 3, 9])
    model.loss_and_gradients(x, labels, "categorical_crossentropy", from_logits=True)
    analytic = [{k: g.copy() for k, g in layer.grads.items()} for layer in model.layers]
    numeric, _ = numerical_model_gradients(
        model, x, labels, "categorical_crossentropy", from_logits=True
    )
    for mine, theirs in zip(analytic, numeric, strict=True):
        for key in mine:
            assert rel_error(mine[key], theirs[key]) < TOL, key


def test_stages_follow_the_output_size_formula_and_refuse_what_does_not_fit():
    shapes = [s.shape for s in stages(ConvNetSpec(blocks=2))]
    assert shapes == [(1, 8, 8), (8, 8, 8), (8, 4, 4), (8, 4, 4), (8, 2, 2)]
    assert stages(ConvNetSpec(kernel=2, padding=0, pool="none"))[-1].shape == (8, 7, 7)
    with pytest.raises(ValueError, match="does not fit"):
        stages(ConvNetSpec(blocks=2, kernel=3, stride=2, padding=0))  # 8 -> 3 -> 1 -> none


def test_the_dense_network_has_about_as_many_parameters():
    conv = conv_network(ConvNetSpec())
    assert conv.n_params == 8 * 9 + 8 + 128 * 10 + 10 == 1370
    hidden = dense_width_like(conv.n_params)
    assert hidden == 18 and dense_network(hidden).n_params == 1360


def test_the_split_holds_out_every_digit_alike_and_batches_cover_an_epoch():
    _, labels = load_digits()
    train, test = split(labels, 0.2, seed=0)
    assert len(train) + len(test) == 1797 and not set(train) & set(test)
    per_digit = np.bincount(labels[test])
    assert per_digit.min() >= 35 and per_digit.max() <= 37
    np.testing.assert_array_equal(split(labels, 0.2, seed=0)[1], test)
    epoch = np.concatenate([batch_indices(s, 100, 32, seed=0) for s in range(3)])
    assert len(set(epoch)) == 96  # three whole batches, no row twice


def test_confusion_counts_true_rows_against_predicted_columns():
    counts = confusion(np.array([1, 1, 2]), np.array([1, 2, 2]), classes=3)
    assert counts.tolist() == [[0, 0, 0], [0, 1, 0], [0, 1, 1]]


def digits_sets():
    pixels, labels = load_digits()
    x = pixels.astype(float).reshape(-1, 1, 8, 8) / 16
    y = labels.astype(int)
    train, test = split(y, 0.2, seed=0)
    return x[train], y[train], x[test], y[test]


def test_a_seeded_run_reaches_95_percent_on_digits_it_never_saw():
    x, y, x_test, y_test = digits_sets()
    conv = Classifier(conv_network(ConvNetSpec(), seed=0), "adam", 0.01)
    dense = Classifier(dense_network(18, seed=0), "adam", 0.01)
    for step in range(STEPS):
        rows = batch_indices(step, len(y), 32, seed=0)
        conv.step(x[rows], y[rows])
        dense.step(x[rows].reshape(len(rows), -1), y[rows])
    conv_test = conv.evaluate(x_test, y_test)
    dense_test = dense.evaluate(x_test.reshape(len(y_test), -1), y_test)
    assert conv_test.accuracy >= 0.95
    assert dense_test.accuracy >= 0.9
    assert confusion(conv_test.predicted, y_test).trace() == round(conv_test.accuracy * len(y_test))
