import numpy as np
import pytest

from neural_playground.engine.metrics import accuracy, correct, misclassification_rate, mse


def test_binary_three_of_four_right():
    pred = np.array([0.9, 0.2, 0.6, 0.4])
    target = np.array([1, 0, 0, 0])
    assert accuracy(pred, target) == pytest.approx(0.75)
    assert misclassification_rate(pred, target) == pytest.approx(0.25)
    assert accuracy(pred.reshape(4, 1), target) == pytest.approx(0.75)  # (N, 1) works too
    assert accuracy(pred, target, threshold=0.7) == pytest.approx(1.0)


def test_multiclass_one_hot_and_labels():
    pred = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]])
    labels = np.array([0, 1, 2, 1])
    assert accuracy(pred, labels) == pytest.approx(0.75)
    assert accuracy(pred, np.eye(3)[labels]) == pytest.approx(0.75)
    assert misclassification_rate(pred, labels) == pytest.approx(0.25)


def test_mse_metric_and_bad_inputs():
    assert mse(np.array([[1.0], [3.0]]), np.array([0.0, 1.0])) == pytest.approx(2.5)
    with pytest.raises(ValueError, match="0 or 1"):
        accuracy(np.array([0.2, 0.8]), np.array([0, 2]))
    with pytest.raises(ValueError):
        accuracy(np.array([0.2, 0.8]), np.array([0, 1, 1]))


def test_correct_marks_each_sample_and_logits_take_threshold_zero():
    logits = np.array([[2.0], [-0.5], [0.3], [-3.0]])
    target = np.array([[1], [1], [0], [0]])
    np.testing.assert_array_equal(correct(logits, target, 0.0), [True, False, False, True])
    probabilities = 1 / (1 + np.exp(-logits))
    np.testing.assert_array_equal(correct(probabilities, target), correct(logits, target, 0.0))
    scores = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
    np.testing.assert_array_equal(correct(scores, np.array([1, 2])), [True, False])
