"""engine.conv: the book's B.6 numbers, and agreement with plain loops on random inputs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from neural_playground.engine.conv import (
    conv2d,
    conv2d_trace,
    conv_fit,
    flatten,
    pool2d,
    pool2d_trace,
)

# Figure B-12 (larger numbers are darker) and the diagonal filter of figure B-13.
BOOK_IMAGE = [
    [0, 1, 0, 0, 1],
    [1, 0, 1, 0, 2],
    [0, 1, 0, 0, 0],
    [0, 0, 2, 0, 1],
    [1, 0, 1, 0, 0],
]
BOOK_FILTER = [[1, 0], [0, 1]]
# Each cell adds the window's top-left and bottom-right pixels: x[i][j] + x[i+1][j+1].
BOOK_MAP = [
    [0, 2, 0, 2],
    [2, 0, 1, 0],
    [0, 3, 0, 1],
    [0, 1, 2, 0],
]


def test_book_image_and_filter_give_the_4x4_feature_map():
    fmap = conv2d(BOOK_IMAGE, BOOK_FILTER)
    np.testing.assert_array_equal(fmap, BOOK_MAP)


def test_book_windows_b14_b15_b16_written_out():
    trace = conv2d_trace(BOOK_IMAGE, BOOK_FILTER)
    # B-14: the first window, 0*1 + 1*0 + 1*0 + 0*1 = 0.
    np.testing.assert_array_equal(trace.windows[0, 0, 0], [[0, 1], [1, 0]])
    np.testing.assert_array_equal(trace.products[0, 0, 0], [[0, 0], [0, 0]])
    assert trace.out[0, 0] == 0
    # B-15 (a picture in the book): the second window, 1*1 + 0*0 + 0*0 + 1*1 = 2.
    np.testing.assert_array_equal(trace.windows[0, 1, 0], [[1, 0], [0, 1]])
    np.testing.assert_array_equal(trace.products[0, 1, 0], [[1, 0], [0, 1]])
    assert trace.out[0, 1] == 2
    # B-16: the last window, rows 3-4 and columns 3-4: 0*1 + 1*0 + 0*0 + 0*1 = 0.
    np.testing.assert_array_equal(trace.windows[3, 3, 0], [[0, 1], [0, 0]])
    assert trace.out[3, 3] == 0
    np.testing.assert_array_equal(trace.origins[3, 3], [3, 3])


def test_book_max_and_average_pooling_and_flatten():
    fmap = conv2d(BOOK_IMAGE, BOOK_FILTER)
    # B-18: the largest value of each 2x2 block.
    np.testing.assert_array_equal(pool2d(fmap, 2, 2, "max"), [[2, 2], [3, 2]])
    # B-19: (0+2+2+0)/4, (0+2+1+0)/4, (0+3+0+1)/4, (0+1+2+0)/4.
    np.testing.assert_array_equal(pool2d(fmap, 2, 2, "avg"), [[1, 0.75], [1, 0.75]])
    # B-20: the max-pooled map read row by row.
    np.testing.assert_array_equal(flatten(pool2d(fmap, 2, 2, "max")), [2, 2, 3, 2])


def test_pool_trace_reports_where_the_maximum_is():
    trace = pool2d_trace(BOOK_MAP, 2, 2, "max")
    # Top-left block [[0, 2], [2, 0]]: the first 2 is at row 0, column 1.
    np.testing.assert_array_equal(trace.argmax[0, 0, 0], [0, 1])
    # Bottom-left block [[0, 3], [0, 1]]: 3 at row 0, column 1.
    np.testing.assert_array_equal(trace.argmax[0, 1, 0], [0, 1])
    assert trace.covered == (4, 4)
    assert pool2d_trace(BOOK_MAP, 2, 2, "avg").argmax is None


def test_padding_keeps_the_size_and_adds_a_zero_border():
    trace = conv2d_trace(BOOK_IMAGE, [[0, 0, 0], [0, 1, 0], [0, 0, 0]], padding=1)
    np.testing.assert_array_equal(trace.out, BOOK_IMAGE)  # the identity kernel
    assert trace.padded.shape == (1, 7, 7)
    assert trace.padded[0, 0].sum() == 0 and trace.padded[0, :, 0].sum() == 0


def test_colour_image_adds_the_three_channel_maps():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 3, (3, 5, 5))
    kernels = rng.integers(-1, 2, (3, 2, 2))
    trace = conv2d_trace(image, kernels)
    for c in range(3):
        np.testing.assert_array_equal(trace.channel_maps[c], conv2d(image[c], kernels[c]))
    np.testing.assert_array_equal(trace.out, trace.channel_maps.sum(axis=0))


def test_conv_fit_says_what_is_left_over():
    assert conv_fit(5, 2, 1, 0).out == 4
    fit = conv_fit(5, 2, 2, 0)  # windows at 0 and 2 reach column 3; column 4 is left out
    assert (fit.out, fit.left_over) == (2, 1)
    assert conv_fit(5, 3, 2, 0).left_over == 0


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: conv2d(np.zeros((2, 2)), np.ones((3, 3))), "does not fit"),
        (lambda: conv2d(np.zeros((5, 5)), np.ones((2, 2)), stride=0), "stride"),
        (lambda: conv2d(np.zeros((5, 5)), np.ones((2, 2)), padding=-1), "padding"),
        (lambda: conv2d(np.zeros((3, 5, 5)), np.ones((2, 2, 2))), "one kernel per channel"),
        (lambda: conv2d(np.zeros(5), np.ones((2, 2))), "2-D"),
        (lambda: conv2d(np.zeros((5, 5)), [[np.nan, 0], [0, 1]]), "NaN"),
        (lambda: pool2d(np.zeros((2, 2)), 3, 1), "does not fit"),
        (lambda: pool2d(np.zeros((4, 4)), 2, 2, "median"), "unknown pooling"),
    ],
)
def test_invalid_shapes_strides_and_paddings_are_explained(call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call()


# --- the vectorised code against the definition, written as loops ------------------------


def conv2d_loops(image, kernel, stride, padding):
    c, h, w = image.shape
    _, kh, kw = kernel.shape
    padded = np.zeros((c, h + 2 * padding, w + 2 * padding))
    padded[:, padding : padding + h, padding : padding + w] = image
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            total = 0.0
            for ch in range(c):
                for p in range(kh):
                    for q in range(kw):
                        total += padded[ch, i * stride + p, j * stride + q] * kernel[ch, p, q]
            out[i, j] = total
    return out


def pool2d_loops(x, size, stride, mode):
    oh = (x.shape[0] - size) // stride + 1
    ow = (x.shape[1] - size) // stride + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = [x[i * stride + p, j * stride + q] for p in range(size) for q in range(size)]
            out[i, j] = max(window) if mode == "max" else sum(window) / len(window)
    return out


values = st.floats(-10, 10, allow_nan=False, width=64)


@st.composite
def conv_cases(draw):
    c = draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    padding = draw(st.integers(0, 2))
    kh = draw(st.integers(1, min(4, h + 2 * padding)))
    kw = draw(st.integers(1, min(4, w + 2 * padding)))
    stride = draw(st.integers(1, 3))
    image = draw(arrays(np.float64, (c, h, w), elements=values))
    kernel = draw(arrays(np.float64, (c, kh, kw), elements=values))
    return image, kernel, stride, padding


@settings(max_examples=150, deadline=None)
@given(conv_cases())
def test_conv2d_matches_loops(case):
    image, kernel, stride, padding = case
    expected = conv2d_loops(image, kernel, stride, padding)
    np.testing.assert_allclose(conv2d(image, kernel, stride, padding), expected, atol=1e-9)
    if image.shape[0] == 1:  # the 2-D form gives the same map
        np.testing.assert_allclose(conv2d(image[0], kernel[0], stride, padding), expected)


@st.composite
def pool_cases(draw):
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    size = draw(st.integers(1, min(h, w, 4)))
    stride = draw(st.integers(1, 3))
    x = draw(arrays(np.float64, (h, w), elements=values))
    return x, size, stride, draw(st.sampled_from(["max", "avg"]))


@settings(max_examples=150, deadline=None)
@given(pool_cases())
def test_pool2d_matches_loops(case):
    x, size, stride, mode = case
    np.testing.assert_allclose(pool2d(x, size, stride, mode), pool2d_loops(x, size, stride, mode))
