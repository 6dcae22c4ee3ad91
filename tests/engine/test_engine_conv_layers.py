"""Conv2D, MaxPool2D, AvgPool2D and Flatten under the layer contract, gradient-checked."""

import numpy as np
import pytest

from neural_playground.engine.conv import conv2d, pool2d
from neural_playground.engine.gradcheck import check_layer
from neural_playground.engine.layers import Activation, AvgPool2D, Conv2D, Dense, Flatten, MaxPool2D
from neural_playground.engine.model import Sequential
from neural_playground.engine.optimizers import Optimizer

TOL = 1e-6


@pytest.mark.parametrize(
    ("channels", "filters", "kernel", "stride", "padding", "size"),
    [
        (1, 1, 2, 1, 0, 5),  # the book's shape
        (3, 2, 3, 1, 1, 5),  # RGB, two filters, "same" padding
        (2, 3, 2, 2, 0, 6),  # stride 2
        (1, 2, 3, 2, 2, 5),  # stride and padding together
        (2, 1, 3, 3, 1, 7),  # stride 3 over a padded 7x7
    ],
)
def test_conv2d_gradients(channels, filters, kernel, stride, padding, size):
    rng = np.random.default_rng(channels * 10 + filters)
    layer = Conv2D(channels, filters, kernel, stride=stride, padding=padding, seed=1)
    layer.params["b"][...] = rng.standard_normal(filters)
    errors = check_layer(layer, rng.standard_normal((2, channels, size, size)), rng)
    assert set(errors) == {"x", "w", "b"}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("layer_type", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize(("size", "stride", "n"), [(2, 2, 4), (2, 1, 4), (3, 2, 7), (2, 2, 5)])
def test_pooling_gradients(layer_type, size, stride, n):
    rng = np.random.default_rng(size * 7 + stride)
    # Distinct values keep every maximum strict, so the max is differentiable there.
    x = rng.permutation(2 * 3 * n * n).reshape(2, 3, n, n) / 10.0
    errors = check_layer(layer_type(size, stride), x, rng)
    assert errors == {"x": pytest.approx(0.0, abs=TOL)}


def test_flatten_gradient_and_order():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 2, 2))
    layer = Flatten()
    out = layer.forward(x)
    assert out.shape == (2, 12)
    np.testing.assert_array_equal(out[1, :4], x[1, 0].ravel())  # row by row, channel by channel
    assert check_layer(layer, x, rng)["x"] < TOL


def test_layers_compute_what_engine_conv_computes():
    rng = np.random.default_rng(2)
    image = rng.integers(0, 3, (3, 5, 5)).astype(float)
    conv = Conv2D(3, 1, 2, stride=1, padding=1, seed=0)
    out = conv.forward(image[None])
    np.testing.assert_allclose(out[0, 0], conv2d(image, conv.params["w"][0], 1, 1))
    trace = conv.trace()
    np.testing.assert_allclose(trace["channel_maps"][0, 0].sum(axis=0), out[0, 0])
    assert trace["padded"].shape == (1, 3, 7, 7)
    for layer_type, mode in ((MaxPool2D, "max"), (AvgPool2D, "avg")):
        pooled = layer_type(2, 2).forward(out)
        np.testing.assert_allclose(pooled[0, 0], pool2d(out[0, 0], 2, 2, mode))


def test_max_pool_sends_the_gradient_to_the_largest_pixel_only():
    layer = MaxPool2D(2, 2)
    x = np.array([[[[0.0, 2.0], [1.0, 0.5]]]])
    layer.forward(x)
    np.testing.assert_array_equal(layer.backward(np.ones((1, 1, 1, 1))), [[[[0, 1], [0, 0]]]])
    avg = AvgPool2D(2)
    avg.forward(x)
    np.testing.assert_array_equal(avg.backward(np.ones((1, 1, 1, 1))), np.full((1, 1, 2, 2), 0.25))


def test_a_small_cnn_passes_the_gradient_check_and_learns():
    rng = np.random.default_rng(0)
    model = Sequential(
        [
            Conv2D(1, 2, 2, seed=0),
            Activation("tanh"),
            AvgPool2D(2),
            Flatten(),
            Dense(8, 2, activation="softmax", seed=1),
        ]
    )
    x = rng.standard_normal((3, 1, 5, 5))
    errors = check_layer(_AsLayer(model), x, rng)
    assert errors["x"] < TOL
    # Vertical against horizontal bars: a few steps of Adam separate them.
    bars = np.zeros((2, 1, 5, 5))
    bars[0, 0, :, 2] = 1
    bars[1, 0, 2, :] = 1
    optimizer = Optimizer("adam", learning_rate=0.05)
    losses = [
        model.train_step(bars, np.eye(2), "categorical_crossentropy", optimizer) for _ in range(60)
    ]
    assert losses[-1] < 0.1 * losses[0]


class _AsLayer:
    """A Sequential seen as one layer, so check_layer can test the whole chain's dx."""

    def __init__(self, model):
        self.model, self.params, self.grads = model, {}, {}

    def forward(self, x):
        return self.model.forward(x)

    def backward(self, dout):
        return self.model.backward(dout)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        Conv2D(3, 1, 2).forward(np.zeros((1, 1, 5, 5)))
    with pytest.raises(ValueError, match="stride"):
        Conv2D(1, 1, 2, stride=0)
    with pytest.raises(ValueError, match="does not fit"):
        MaxPool2D(3).forward(np.zeros((1, 1, 2, 2)))
    with pytest.raises(RuntimeError):
        Flatten().backward(np.zeros((1, 4)))
    assert MaxPool2D(2).describe() == {"type": "maxpool2d", "size": 2, "stride": 2}
    assert Conv2D(1, 4, 3, padding=1).describe()["padding"] == 1
