"""Every preset of every lab page (the book's worked examples and figures), opened by URL
(?preset=NAME) in Chromium, shows its key numbers. The neurons page has its own file
(test_neurons_presets.py), which also checks its written-out sums.

Each lab is one test that opens its presets one after the other in the same tab.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.app.test_tours import LABS_WITH_PRESETS, preset_names
from tests.browser.classroom import shows

pytestmark = pytest.mark.browser

Expected = dict[str, str | re.Pattern]

# lab -> preset -> what the page shows (see `shows`).
KEY_NUMBERS: dict[str, dict[str, Expected]] = {
    "backprop": {
        # Figure B-4: hidden 2×1 + 1×2 = 4 and 2×0.5 + 1×1 = 2; ŷ = 1×4 + 0.5×2 = 5.
        "b4_start": {
            "node-0-0": "h1 = 4",
            "node-0-1": "h2 = 2",
            "node-1-0": "ŷ = 5",
            "loss-now": re.compile(r"\(5 − 3\)² = 4"),
        },
        # Figure B-5: 0.8×4 + 0.4×2 = 4; the book's "0.32" is noted under the table.
        "b5_output_weights": {
            "edge-1-0-0": "Weight from h1 to ŷ: 0.8",
            "edge-1-1-0": "Weight from h2 to ŷ: 0.4",
            "node-1-0": "ŷ = 4",
            "loss-now": re.compile(r"\(4 − 3\)² = 1"),
            "book-notes": re.compile("0.8 × 4 is 3.2, not 0.32"),
        },
        # Figures B-6, B-7: hidden 3.3 and 1.7; 0.8×3.3 + 0.4×1.7 = 3.32 (the book: 3.4).
        "b6_first_layer": {
            "node-0-0": "h1 = 3.3",
            "node-0-1": "h2 = 1.7",
            "node-1-0": "ŷ = 3.32",
            "metric-mse": "0.102",
            "book-book_step2": re.compile(r"= 3\.32 \(the book: 3\.4\)"),
        },
    },
    "descent": {
        # Figures B-8, B-9: L(w) = w², at w = 3 the loss is 9 and the slope 2w = 6; the book's
        # slopes at w = 3, 2, 1, 0, −1 are marked on the curve.
        "b4_parabola": {
            "point": "w(x1→ŷ) = 3 (slope ∂L/∂w = 6); loss L = 9",
            "curve-plot": re.compile("slope 6.*slope 4.*slope 2.*slope 0.*slope −2"),
        },
        # B.3's network along its output weights: the gradients 16 and 8 of backpropagation.
        "b3_network": {
            "point": "w(h1→ŷ) = 1 (slope ∂L/∂w = 16); w(h2→ŷ) = 0.5 (slope ∂L/∂w = 8); loss L = 4",
        },
        "bowl": {
            "chosen-1": "w(x2→ŷ)",
            "point": re.compile(r"= −2 \(slope ∂L/∂w = −34\.7\).*= 2 .*loss L = 54\.51"),
            "surface-hint": re.compile("only weights"),
        },
    },
    "batchnorm": {
        # Figure B-10 with sigmoid layers (seed 0): each plain layer has its own mean and
        # spread; with batch normalization every layer has mean 0 and standard deviation 1.
        "b10_sigmoid": {
            "stat-plain-mean-7": "0.25",
            "stat-plain-std-7": "0.221",
            "stat-batchnorm-mean-7": "0",
            "stat-batchnorm-std-7": "1",
            "formula-a": "sigmoid(0.13) = 0.532",
        },
        "b10_relu_shrinking": {
            "stat-plain-std-0": "0.349",
            "stat-plain-std-7": "0.068",
            "stat-batchnorm-std-7": "1",
        },
        "b10_relu_growing": {
            "stat-plain-std-0": "0.698",
            "stat-plain-std-7": "17.28",
            "stat-batchnorm-std-7": "1",
        },
    },
    "conv": {
        # Figure B-12's image with B-13's diagonal filter: the 4×4 map and its pooling.
        "b12": {"grid-0-1-0": "1", "map-0-1": "2", "map-2-1": "3", "pooled-max-1-0": "3"},
        "blank": {"grid-0-1-0": "0", "map-0-1": "0"},
        "vertical": {"grid-0-0-2": "2", "map-0-1": "2", "map-0-2": "2"},
        "horizontal": {"grid-0-2-0": "2", "map-1-0": "2", "map-2-0": "2"},
        "diagonal": {"map-0-0": "4", "map-0-1": "0"},
        "anti_diagonal": {"grid-0-0-4": "2", "map-0-2": "2", "map-0-0": "0"},
        "cross": {"map-1-2": "4", "map-2-1": "4", "map-0-0": "0"},
        # Figure B-11: three channels, each its own kernel and map, added into one.
        "colour": {"channel-map-1-0-1": "−4", "map-0-2": "4", "map-1-1": "−8"},
        # B-14 to B-21: the book's figures, each with its window written out.
        "b14_first_window": {
            "arithmetic": re.compile(r"0×1 \+ 1×0 \+ 1×0 \+ 0×1 = 0 \+ 0 \+ 0 \+ 0 = 0")
        },
        "b15_second_window": {
            "arithmetic": re.compile(r"1×1 \+ 0×0 \+ 0×0 \+ 1×1 = 1 \+ 0 \+ 0 \+ 1 = 2")
        },
        "b16_last_window": {
            "arithmetic": re.compile(r"^Cell \(4, 4\).*0×1 \+ 1×0 \+ 0×0 \+ 0×1 = 0"),
            "map-3-2": "2",
        },
        "b18_max_pooling": {
            "pooled-max-0-0": "2",
            "pooled-max-0-1": "2",
            "pooled-max-1-0": "3",
            "pooled-max-1-1": "2",
        },
        "b19_average_pooling": {
            "pooled-avg-0-0": "1",
            "pooled-avg-0-1": "0.75",
            "pool-avg-formula": re.compile(r"\(0 \+ 2 \+ 1 \+ 0\) ÷ 4 = 0\.75$"),
        },
        "b20_flatten": {"flatten": re.compile(r"^2x1 .*2x2 .*3x3 .*2x4 ")},
        # The head's best guess stays under 0.6: it admits it sees no clear stroke.
        "b21_dense_head": {"head-says": re.compile(r"^The head sees no clear stroke: .*0\.563\)$")},
    },
    "digits": {
        # Untrained networks from seed 0: the CNN's parameters, and the dense network's of
        # about as many, shapes of the feature maps of the first test digit (a 5).
        "eight_filters": {
            "conv-params": "1,370",
            "dense-params": "1,360",
            "stage-2": "Max pooling 18×4×4",
        },
        "b13_two_by_two": {
            "conv-params": "770",
            "dense-params": "760",
            "stage-1": re.compile("8×7×7"),
        },
        "one_filter": {
            "conv-params": "180",
            "dense-params": "160",
            "dense-shape": re.compile("→ 2 ReLU"),
        },
        "b19_average_pooling": {
            "conv-params": "1,370",
            "stage-2": re.compile("^Average pooling 1"),
        },
        "no_pooling": {"conv-params": "5,210", "flatten": re.compile("^Flatten: 512 numbers")},
        "two_blocks": {"conv-params": "640", "stage-4": "Max pooling 26×2×2"},
        "sgd": {"config-optimizer": "sgd", "config-learning_rate": "0.1"},
    },
    "rnn": {
        # B-22: the book's phrase "resident" + "registration" -> "number", untrained (seed 0).
        "b22_next_word": {"target": "Answer: number", "cursor-label": "2 of 2 steps computed"},
        # B-23: unrolled over 10 days: hₜ = tanh(xₜ·W + hₜ₋₁·U + b) at t = 0.
        "b23_unrolled": {
            "cursor-label": "10 of 10 steps computed",
            "equation": re.compile(r"= tanh\(−0\.333 \+ 0 \+ 0\) = tanh\(−0\.333\) = −0\.321"),
        },
        # Backpropagation through 30 steps: ||dL/dh_0|| / ||dL/dh_29||.
        "b7_vanishing": {"bptt-summary": re.compile(r"^RNN: step 0 gets 0\.00353 × ")},
        "b7_exploding": {"bptt-summary": re.compile(r"^RNN: step 0 gets 813\.409 × ")},
        # B-24: the forget gate starts open, σ(−0.133 + 0 + 3) = 0.946.
        "b24_lstm": {
            "equation": re.compile(r"= σ\(2\.867\) = 0\.946"),
            "bptt-summary": re.compile(r"LSTM: step 0 gets 0\.116 × "),
        },
        # The GRU: two gates, 339 parameters against the LSTM's 443 (8 units).
        "b7_gru": {
            "params-lstm": "443",
            "params-gru": "339",
            "equation": re.compile(r"z = σ\(.*\) = σ\(3\.052\) = 0\.955"),
        },
    },
    "autoencoder": {
        # Figure B-25: 64 numbers through a code of 2, untrained (seed 0).
        "b25_compress": {
            "shape": "Shape: 64 → 32 → 2 → 32 → 64",
            "blur": re.compile(r"^64 numbers pass through a bottleneck of 2 \(32× smaller\)"),
        },
        "b25_wide_code": {
            "shape": "Shape: 64 → 32 → 16 → 32 → 64",
            "blur": re.compile(r"a bottleneck of 16 \(4× smaller\)"),
        },
        "b25_denoise": {"noise-value": "0.3", "shape": "Shape: 64 → 32 → 2 → 32 → 64"},
    },
    "gan": {
        # Figure B-26: G 2 -> 16 -> 16 -> 2 against D on the plane; untrained.
        "b26_ring": {"data": "ring", "g-hidden": "16, 16", "counter": re.compile("^Iteration 0 ")},
        "b26_mixture": {
            "data": "mixture",
            "collapse": "Diversity 0.236 (generated samples vary as much as real ones at 1).",
        },
        # Images: G turns 8 numbers into an 8×8 digit.
        "b26_digits": {"data": "digits", "noise-dim": "8", "g-hidden": "64"},
    },
    "playground": {
        # Untrained (init seed 0). No hidden layer: the output neuron alone draws a line.
        "gauss_line": {
            "dataset": "gauss",
            "layer-count": "No hidden layer: a single neuron (perceptron).",
            "train-loss": "0.983",
            "accuracy": "11% training · 14% test",
        },
        "circle_line": {
            "dataset": "circle",
            "test-loss": "1.065",
            "accuracy": "49% training · 45% test",
        },
        "circle_squares": {"train-loss": "1.668", "accuracy": "48% training · 44% test"},
        "circle_hidden": {
            "layer-count": "One hidden layer: a single-layer network (B.1).",
            "learning-rate": "0.3",
            "train-loss": "0.719",
        },
        "xor_product": {
            "dataset": "xor",
            "train-loss": "8.846",
            "accuracy": "0% training · 6% test",
        },
        "spiral_deep": {
            "layer-count": "3 hidden layers: a multi-layer network, a deep learning model (B.1).",
            "optimizer": "adam",
            "train-loss": "0.68",
        },
        "too_large_rate": {
            "problem": "Problem: regression · loss function: mean squared error (MSE)",
            "learning-rate": "3",
            "train-loss": "8.546",
            "accuracy": "–",
        },
        "overfitting": {"train-loss": "0.791", "test-loss": "0.74", "penalty": "0"},
        "regularized": {"regularization": "l2", "regularization-rate": "0.03", "penalty": "0.818"},
        "three_classes": {
            "problem": re.compile("^Problem: multi-class classification"),
            "train-loss": "1.91",
            "accuracy": "0% training · 0% test",
        },
    },
}
PATHS = {
    "backprop": "/backprop",
    "descent": "/descent",
    "batchnorm": "/batchnorm",
    "conv": "/conv",
    "digits": "/digits",
    "rnn": "/rnn",
    "autoencoder": "/autoencoder",
    "gan": "/gan",
    "playground": "/playground",
}


def test_every_preset_of_every_lab_has_its_key_numbers_checked():
    assert set(KEY_NUMBERS) | {"neurons"} == set(LABS_WITH_PRESETS)
    for lab, presets in KEY_NUMBERS.items():
        assert list(presets) == preset_names(lab), lab


@pytest.mark.parametrize("lab", sorted(KEY_NUMBERS))
def test_presets_by_url_show_their_key_numbers(page, lab):
    for name, expected in KEY_NUMBERS[lab].items():
        page.goto(f"{PATHS[lab]}?preset={name}")
        # The first frame can take a while: the B.8 labs load their images on first use.
        expect(page.get_by_test_id("preset")).to_have_value(name)
        shows(page, expected)
