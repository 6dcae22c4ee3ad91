"""Guided tours in Chromium: each runs start to end with the keyboard, every step setting
up the live widget; on the neurons page each step shows the book's numbers."""

import re

import pytest
from playwright.sync_api import expect

from neural_playground.app import i18n
from neural_playground.app.labs import TOURS
from tests.browser.classroom import shows

pytestmark = pytest.mark.browser

NUMBER = r"−?\d+(?:\.\d+)?"
# After 150 steps the normalized network tells disc from ring: loss under 0.4, accuracy 90 %+.
TRAINED_BATCHNORM = re.compile(
    r"^With batch normalization: loss (0\.[0-3]\d*), accuracy (9\d(?:\.\d)?)%$"
)
GAMMA_Z_BETA = re.compile(
    rf"^Γ × Z \+ B = ({NUMBER}) × \(?({NUMBER})\)? \+ ({NUMBER}) = ({NUMBER})$"
)

# What the engine's numbers read at each step (see `shows`).
EXPECTED: dict[tuple[str, str], dict[str, str | re.Pattern]] = {
    # The digits page: the same test digit and networks on every machine; training numbers
    # are quoted from the frame by the tour itself.
    ("digits", "digits"): {"shown-digit": "Test digit 1 of 359: a 5", "conv-params": "1,370"},
    ("digits", "filters"): {"progress": "Step 300 · epoch 6"},
    ("digits", "pooling"): {"stage-2": "Max pooling 18×4×4"},
    ("digits", "flatten"): {"flatten": re.compile("^Flatten: 128 numbers")},
    ("digits", "compare"): {
        "progress": "Step 600 · epoch 13",
        "conv-params": "180",
        "dense-params": "160",
    },
    ("neurons", "plain_sum"): {"node-0-0": "B1 = 2", "output-value": "6"},
    ("neurons", "weights"): {"node-0-0": "B1 = 0.9", "output-value": "4.9"},
    ("neurons", "weight_zero"): {
        "edge-0-1-0": "Weight from G2 to B1: 0",
        "node-0-0": "B1 = 1.9",
        "output-value": "5.9",
    },
    ("neurons", "relu_on"): {"node-0-0": "B1 = 0.9", "output-value": "4.9"},
    ("neurons", "relu_off"): {
        "edge-0-1-0": "Weight from G2 to B1: 1.5",
        "node-0-0": "B1 = 0",
        "output-value": "4",
    },
    ("neurons", "stroke"): {"arch-kind": "One hidden layer: a single-layer network (B.1)."},
    ("neurons", "deep"): {
        "arch-kind": "2 hidden layers: a multi-layer network, a deep learning model (B.1)."
    },
    ("backprop", "loss_table"): {
        "metric-accuracy": "0.75",
        "metric-misclassification": "0.25",
        "loss-now": re.compile("Binary cross-entropy"),
    },
    ("backprop", "book_example"): {
        "node-0-0": "h1 = 4",
        "node-0-1": "h2 = 2",
        "node-1-0": "ŷ = 5",
        "loss-now": re.compile(r"\(5 − 3\)² = 4"),
    },
    ("backprop", "output_weights"): {
        "edge-1-0-0": "Weight from h1 to ŷ: 0.8",
        "node-1-0": "ŷ = 4",
        "book-book_step1": re.compile(r"0\.8×4 \+ 0\.4×2 = 3\.2 \+ 0\.8 = 4"),
        "book-notes": re.compile("0.8 × 4 is 3.2, not 0.32"),
    },
    ("backprop", "first_layer"): {
        "node-0-0": "h1 = 3.3",
        "node-0-1": "h2 = 1.7",
        "node-1-0": "ŷ = 3.32",
        "book-notes": re.compile(r"= 2\.64 \+ 0\.68 = 3\.32"),
    },
    ("backprop", "gradients"): {"edge-grad-1-0-0": "∂L/∂w 16", "edge-grad-1-1-0": "∂L/∂w 8"},
    ("backprop", "update"): {
        "edge-1-0-0": re.compile("1 → 0.8"),
        "edge-1-1-0": re.compile("0.5 → 0.4"),
        "st-update-text": re.compile("5 → 3.75"),
    },
    ("backprop", "repeat"): {"node-1-0": "ŷ = 3.046", "st-step": "5", "metric-mse": "0.00215"},
    ("descent", "loss_curve"): {"point": "w(x1→ŷ) = 3 (slope ∂L/∂w = 6); loss L = 9"},
    ("descent", "slope"): {"point": "w(x1→ŷ) = 1 (slope ∂L/∂w = 2); loss L = 1"},
    ("descent", "bottom"): {"point": "w(x1→ŷ) = 0 (slope ∂L/∂w = 0); loss L = 0"},
    ("descent", "negative"): {"point": "w(x1→ŷ) = −1 (slope ∂L/∂w = −2); loss L = 1"},
    ("descent", "descend"): {
        "point": re.compile(r"= 1\.229 \(slope ∂L/∂w = 2\.458\)"),
        "behaviour": re.compile("^Descending"),
        "st-step": "4",
    },
    ("descent", "small_rate"): {
        "point": re.compile(r"= 2\.712 "),
        "behaviour": re.compile("^Crawling"),
        "st-lr": "0.01",
    },
    ("descent", "oscillate"): {
        "point": re.compile(r"= −0\.983 "),
        "behaviour": re.compile("^Oscillating"),
    },
    ("descent", "too_large"): {
        "point": re.compile(r"= −7\.465 .*loss L = 55\.726"),
        "behaviour": re.compile("^Growing"),
    },
    ("descent", "two_weights"): {
        "behaviour": re.compile("^Crawling"),
        "chosen-1": "w(x2→ŷ)",
        "surface-hint": re.compile("only weights"),
    },
    ("descent", "b3_network"): {
        "point": re.compile(r"= 0\.666 .* = 0\.333 .*loss L = 0\.000107"),
        "st-step": "10",
    },
    ("batchnorm", "drift"): {
        "stat-plain-mean-7": "0.25",
        "stat-plain-std-0": "0.349",
        "stat-plain-std-7": "0.221",
        "stat-batchnorm-mean-7": "0",
        "stat-batchnorm-std-7": "1",
    },
    ("batchnorm", "shrinking"): {"stat-plain-std-0": "0.349", "stat-plain-std-7": "0.068"},
    ("batchnorm", "growing"): {"stat-plain-std-0": "0.698", "stat-plain-std-7": "17.28"},
    ("batchnorm", "standardize"): {
        "formula-z": "Z = (X − U) / S = (−0.0211 − (−0.0288)) / 0.0598 = 0.13",
        "formula-zbatch": "Over this batch, Z has mean 0 and standard deviation 0.999.",
    },
    # Trained numbers differ a little between machines (BLAS kernels): the claims, not digits.
    ("batchnorm", "training"): {
        "progress": "Step 150 · epoch 9",
        "summary-plain": "Without batch normalization: loss 0.693, accuracy 50%",
        "summary-batchnorm": TRAINED_BATCHNORM,
    },
    ("batchnorm", "gamma_beta"): {"formula-out": GAMMA_Z_BETA},
    ("batchnorm", "inference"): {
        "formula-u": re.compile(r"^U = running mean = −0\.0\d+$"),
        "compare-running-s": re.compile(r"^0\.1\d+$"),
        "formula-where": re.compile("inference: the running U and S$"),
    },
    ("conv", "structure"): {"preset": "colour", "arithmetic": re.compile("R \\(red\\): 0×1")},
    ("conv", "image"): {"grid-0-1-0": "1", "grid-0-3-2": "2", "preset": "b12"},
    ("conv", "filter"): {"kernel-0-0-0": "1", "kernel-0-0-1": "0", "kernel-preset-0": "diagonal"},
    ("conv", "first_window"): {
        "position": "Window 1 of 16",
        "arithmetic": re.compile(r"0×1 \+ 1×0 \+ 1×0 \+ 0×1 = 0 \+ 0 \+ 0 \+ 0 = 0"),
    },
    ("conv", "second_window"): {
        "position": "Window 2 of 16",
        "arithmetic": re.compile(r"1×1 \+ 0×0 \+ 0×0 \+ 1×1 = 1 \+ 0 \+ 0 \+ 1 = 2"),
    },
    ("conv", "last_window"): {
        "position": "Window 16 of 16",
        "map-2-1": "3",
        "size-formula": "Size of the map: (5 + 2×0 − 2) ÷ 1 + 1 = 4",
    },
    ("conv", "max_pooling"): {
        "pool-max-formula": "Window at row 1, column 1: max(0, 2, 2, 0) = 2",
        "pooled-max-1-0": "3",
    },
    ("conv", "average_pooling"): {
        "pool-avg-formula": "Window at row 1, column 2: (0 + 2 + 1 + 0) ÷ 4 = 0.75",
        "pooled-avg-0-1": "0.75",
    },
    ("conv", "flatten"): {"flatten": re.compile(r"^2x1 .*2x2 .*3x3 .*2x4 ")},
    ("conv", "dense_head"): {
        "head-says": "The head sees no clear stroke: at most Cross + (probability 0.563)"
    },
    ("rnn", "sequences"): {"preset": "b22_next_word", "target": "Answer: number"},
    ("rnn", "next_word"): {
        "status": "Training step 20",
        "prediction": "number",
        "accuracy-rnn": "1",
    },
    ("rnn", "unrolled"): {"cursor-label": "10 of 10 steps computed", "h-0-0": "−0.321"},
    ("rnn", "vanishing"): {"bptt-summary": re.compile(r"^RNN: step 0 gets 0\.00353 × ")},
    ("rnn", "exploding"): {"bptt-summary": re.compile(r"^RNN: step 0 gets 813\.409 × ")},
    ("rnn", "clipping"): {"bptt-summary": re.compile(r"^RNN: step 0 gets 1\.615 × ")},
    ("rnn", "lstm"): {
        "bptt-summary": re.compile(r"0\.0000252 × .* LSTM: step 0 gets 0\.116 × "),
        "equation": re.compile(r"f = σ\(xₜ·Wf \+ hₜ₋₁·Uf \+ bf\) = σ\(−0\.133 \+ 0 \+ 3\)"),
    },
    ("rnn", "gru"): {"params-lstm": "443", "params-gru": "339"},
    ("autoencoder", "structure"): {
        "shape": "Shape: 64 → 32 → 2 → 32 → 64",
        "ae-step": "Training steps: 0",
    },
    ("autoencoder", "reconstruct"): {
        "loss-value": "Last batch loss: 0.05",
        "blur": re.compile(r"Their edges are 0\.745 times .* mean squared error 0\.053\."),
    },
    ("autoencoder", "code"): {"probe-text": "Point (0, 0), code [0, 0]"},
    ("autoencoder", "wide_code"): {
        "shape": "Shape: 64 → 32 → 16 → 32 → 64",
        "blur": re.compile(r"\(4× smaller\).* 0\.86 times .*error 0\.018\."),
    },
    ("autoencoder", "denoise"): {"noise-value": "0.3", "loss-value": "Last batch loss: 0.053"},
    ("gan", "structure"): {"counter": "Iteration 0 · D updates 0 · G updates 0", "d-real": "–"},
    ("gan", "discriminator_first"): {
        "counter": "Iteration 0 · D updates 1 · G updates 0",
        "d-real": "0.446",
        "d-fake": "0.482",
    },
    ("gan", "generator_next"): {"g-loss": "0.72"},
    ("gan", "training"): {"d-real": "0.498", "d-fake": "0.492"},
    ("gan", "stop"): {"stopped": re.compile("^Stopped at iteration 800: ")},
    ("gan", "digits"): {"collapse": re.compile("They look like 9 of the 10 kinds of real image")},
    ("playground", "line"): {
        "iteration": "50",
        "accuracy": "100% training · 99% test",
        "train-loss": "0.126",
    },
    ("playground", "circle_line"): {
        "iteration": "100",
        "accuracy": "64% training · 50% test",
        "train-loss": "0.69",
    },
    ("playground", "features"): {"accuracy": "100% training · 100% test", "train-loss": "0.217"},
    ("playground", "hidden_layer"): {"accuracy": "99% training · 93% test", "learning-rate": "0.3"},
    ("playground", "spiral"): {"iteration": "300", "accuracy": "100% training · 99.3% test"},
    ("playground", "learning_rate"): {
        "iteration": "3",
        "learning-rate": "3",
        "diverged": re.compile("Training diverged: the loss or a weight grew"),
    },
    ("playground", "overfitting"): {
        "train-loss": "0",
        "test-loss": "0.87",
        "accuracy": "100% training · 87.5% test",
    },
    ("playground", "regularization"): {
        "train-loss": "0.057",
        "test-loss": "0.298",
        "penalty": "0.179",
        "accuracy": "100% training · 89.4% test",
    },
    ("playground", "step_through"): {
        "iteration": "0",
        "st-explain": re.compile("^The loss compares the prediction"),
    },
}


@pytest.mark.parametrize("name", sorted(TOURS))
def test_the_tour_runs_start_to_end_with_the_keyboard(page, name):
    tour, catalog = TOURS[name], i18n.catalog("en")
    page.goto(tour.path)
    page.get_by_test_id("tour-start").click()
    panel = page.get_by_test_id("tour")
    for k, step in enumerate(tour.steps):
        expect(page.get_by_test_id("tour-count")).to_have_text(f"Step {k + 1} of {len(tour.steps)}")
        expect(page.get_by_test_id("tour-title")).to_have_text(
            catalog[f"tour.{name}.{step.key}.title"]
        )
        first_sentence = re.split(r"\.\s", catalog[f"tour.{name}.{step.key}.body"])[0]
        expect(page.get_by_test_id("tour-body")).to_contain_text(first_sentence)
        expect(page.get_by_test_id(f"tour-dot-{k}")).to_have_attribute("aria-current", "step")
        expect(panel).to_have_attribute("data-ready", "true")  # steps that train
        shows(page, EXPECTED.get((name, step.key), {}))
        for testid in step.highlight:
            if page.get_by_test_id(testid).count():
                expect(page.get_by_test_id(testid)).to_have_class(re.compile("tour-highlight"))
        expect(page.locator("#toast")).to_be_hidden()  # no error on the way
        page.keyboard.press("ArrowRight")
    expect(panel).to_be_hidden()  # "Finish" closes it
    expect(page.locator(".tour-highlight")).to_have_count(0)


def test_neurons_tour_goes_back_jumps_and_starts_from_the_url(page):
    page.goto("/neurons?tour=weight_zero")
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 3 of 8")
    expect(page.get_by_test_id("node-0-0")).to_have_attribute("aria-label", "B1 = 1.9")
    # Back: the step before sets up its own state again (the weight 0.5 returns).
    page.get_by_test_id("tour-prev").click()
    expect(page.get_by_test_id("node-0-0")).to_have_attribute("aria-label", "B1 = 0.9")
    page.keyboard.press("PageDown")  # a presenter's remote
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 3 of 8")
    page.get_by_test_id("tour-dot-4").click()
    expect(page.get_by_test_id("output-value")).to_have_text("4")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 4 of 8")
    expect(page.get_by_test_id("output-value")).to_have_text("4.9")
    # Arrow keys inside a field stay the field's.
    page.get_by_test_id("input-0").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 4 of 8")
    page.locator("h1").click()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("tour")).to_be_hidden()
    expect(page.get_by_test_id("tour-start")).to_be_focused()
    page.keyboard.press("Enter")  # and back, from the keyboard
    expect(page.get_by_test_id("tour-count")).to_have_text("Step 1 of 8")
    page.get_by_test_id("tour-close").click()
    expect(page.get_by_test_id("tour")).to_be_hidden()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_batchnorm_tour_quotes_the_trained_numbers_its_page_shows(browser, live_server, lang):
    """What 150 steps train to differs a little between machines, so the tour's text is filled
    from the live frame: it states the numbers the learner's own summary and formula show."""
    context = browser.new_context(locale={"en": "en-US", "ko": "ko-KR"}[lang], base_url=live_server)
    page = context.new_page()
    page.goto("/batchnorm?tour=training")
    panel, body = page.get_by_test_id("tour"), page.get_by_test_id("tour-body")
    expect(panel).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("progress")).to_contain_text("150")
    summary = page.get_by_test_id("summary-batchnorm").text_content()
    loss, accuracy = re.findall(r"\d+(?:\.\d+)?", summary.split(":", 1)[1])
    assert float(loss) < 0.4 and float(accuracy) >= 90, summary  # it learned the circle
    expect(body).not_to_contain_text("…")
    expect(body).to_contain_text(loss)
    expect(body).to_contain_text(f"{accuracy}%" if lang == "ko" else f"{accuracy} %")

    page.get_by_test_id("tour-next").click()  # Γ Z + B, learned
    expect(panel).to_have_attribute("data-ready", "true")
    formula = page.get_by_test_id("formula-out").text_content()
    gamma, z, beta, out = (float(n.replace("−", "-")) for n in GAMMA_Z_BETA.match(formula).groups())
    assert gamma * z + beta == pytest.approx(out, abs=0.006), formula  # the written sum holds
    assert 0.8 < gamma < 1.1 and 0.2 < beta < 0.4, formula  # moved from 1 and 0, not far
    expect(body).to_contain_text(f"{gamma:g}")
    expect(body).to_contain_text(f"{beta:g}")
    context.close()
