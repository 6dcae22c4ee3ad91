"""Recurrent layers (B.7): gradient checks through every time step, BPTT records, clipping,
and the long-memory task that the LSTM learns where the plain RNN fails."""

import numpy as np
import pytest

from neural_playground.engine.data import sequence_tasks
from neural_playground.engine.gradcheck import (
    check_layer,
    check_params,
    numerical_gradient,
    rel_error,
)
from neural_playground.engine.layers import GRU, LSTM, RNN, Dense, LastStep, TimeDistributed
from neural_playground.engine.layers.recurrent import CELLS, clip_by_norm, get_cell
from neural_playground.engine.losses import categorical_crossentropy, mse
from neural_playground.engine.metrics import accuracy
from neural_playground.engine.model import recurrent_layer, sequence_model
from neural_playground.engine.optimizers import Optimizer

TOL = 1e-6
N, T, D, H = 2, 5, 3, 4


def layer_with_random_biases(cls, seed=1, **kw):
    layer = cls(D, H, seed=seed, **kw)
    rng = np.random.default_rng(seed + 100)
    layer.params["b"][...] = rng.standard_normal(layer.params["b"].shape)
    return layer


# --- gradient checks -----------------------------------------------------------------------


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
@pytest.mark.parametrize("scale", [0.5, 1.5])
def test_layer_gradients_through_every_time_step(cls, scale):
    # L = sum(h * dout) with a random dout at every step: each step's output pulls on
    # every earlier step, so dx and all weight gradients mix every path through time.
    rng = np.random.default_rng(0)
    layer = layer_with_random_biases(cls, recurrent_scale=scale)
    errors = check_layer(layer, rng.standard_normal((N, T, D)), rng)
    assert set(errors) == {"x", "wx", "wh", "b"}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_gradient_from_the_last_step_reaches_each_earlier_step(cls):
    # Loss only at the last step: everything dx holds has travelled back through time.
    rng = np.random.default_rng(2)
    layer = layer_with_random_biases(cls, seed=3)
    x = rng.standard_normal((N, T, D))
    dlast = rng.standard_normal((N, H))
    dh = np.zeros((N, T, H))
    dh[:, -1] = dlast
    layer.forward(x)
    dx = layer.backward(dh)
    numeric = numerical_gradient(lambda v: float(np.sum(layer.forward(v)[:, -1] * dlast)), x)
    for t in range(T):
        assert rel_error(dx[:, t], numeric[:, t]) < TOL, t
        assert np.abs(dx[:, t]).max() > 1e-6  # it did arrive


def _step_check(forward, backward, inputs, n_state):
    """Numerically check a pure step function pair for every input and weight."""
    rng = np.random.default_rng(5)
    outs = forward(*inputs)
    douts = [rng.standard_normal(o.shape) for o in outs[:n_state]]
    grads = backward(*douts, outs[-1], inputs[n_state + 1], inputs[n_state + 2])
    # backward returns dx, d(state...), dwx, dwh, db: the same order as the inputs.
    for k, (value, analytic) in enumerate(zip(inputs, grads, strict=True)):

        def loss(_, k=k):
            return sum(float(np.sum(o * d)) for o, d in zip(forward(*inputs), douts, strict=False))

        assert rel_error(analytic, numerical_gradient(loss, value)) < TOL, k


def test_rnn_step_functions():
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal(s) for s in [(N, D), (N, H), (D, H), (H, H), (H,)]]
    _step_check(RNN.step_forward, RNN.step_backward, inputs, 1)


def test_lstm_step_functions():
    rng = np.random.default_rng(0)
    shapes = [(N, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,)]
    _step_check(LSTM.step_forward, LSTM.step_backward, [rng.standard_normal(s) for s in shapes], 2)


def test_gru_step_functions():
    rng = np.random.default_rng(0)
    shapes = [(N, D), (N, H), (D, 3 * H), (H, 3 * H), (3 * H,)]
    _step_check(GRU.step_forward, GRU.step_backward, [rng.standard_normal(s) for s in shapes], 1)


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("readout", ["last", "every"])
def test_sequence_model_gradients_with_a_loss(cell, readout):
    rng = np.random.default_rng(4)
    model = sequence_model(cell, D, H, 3, readout=readout, seed=2)
    x = rng.standard_normal((N, T, D))
    if readout == "last":
        y = np.array([0, 2])

        def loss_of(out):
            return categorical_crossentropy(out, y, from_logits=True)
    else:
        y = rng.standard_normal((N, T, 3))

        def loss_of(out):
            return mse(out, y)

    errors = check_params(
        model.layers,
        lambda: loss_of(model.forward(x))[0],
        backward=lambda: model.backward(loss_of(model.forward(x))[1]),
    )
    assert max(errors.values()) < TOL, errors


def test_time_distributed_applies_the_same_dense_at_every_step():
    rng = np.random.default_rng(0)
    dense = Dense(H, 2, seed=0)
    layer = TimeDistributed(dense)
    h = rng.standard_normal((N, T, H))
    out = layer.forward(h)
    for t in range(T):
        np.testing.assert_allclose(out[:, t], h[:, t] @ dense.params["w"] + dense.params["b"])
    errors = check_layer(layer, h, rng)
    assert max(errors.values()) < TOL, errors


def test_last_step_reads_the_last_hidden_state_and_sends_gradient_only_there():
    h = np.arange(N * T * H, dtype=float).reshape(N, T, H)
    layer = LastStep()
    np.testing.assert_array_equal(layer.forward(h), h[:, -1])
    dh = layer.backward(np.ones((N, H)))
    assert dh[:, -1].sum() == N * H and not dh[:, :-1].any()


# --- what BPTT records ---------------------------------------------------------------------


def test_grad_norm_is_the_norm_of_the_gradient_arriving_at_each_step():
    rng = np.random.default_rng(6)
    layer = layer_with_random_biases(RNN)
    h = layer.forward(rng.standard_normal((N, T, D)))
    dh = rng.standard_normal(h.shape)
    dx = layer.backward(dh)
    record = layer.trace()
    wh, wx = layer.params["wh"], layer.params["wx"]
    # Walk the chain rule by hand: dL/dh_t = readout's part + what comes back from t + 1.
    arriving = dh[:, -1]
    for t in reversed(range(T)):
        np.testing.assert_allclose(record["dh"][:, t], arriving)
        assert record["grad_norm"][t] == pytest.approx(np.linalg.norm(arriving))
        da = arriving * (1 - h[:, t] ** 2)
        np.testing.assert_allclose(dx[:, t], da @ wx.T)
        if t:
            arriving = dh[:, t - 1] + da @ wh.T
    assert not record["clipped"].any()


@pytest.mark.parametrize("cls", [LSTM, GRU])
def test_gated_layers_trace_every_gate_per_step(cls):
    rng = np.random.default_rng(0)
    layer = cls(D, H, seed=0)
    h = layer.forward(rng.standard_normal((N, T, D)))
    trace = layer.trace()
    for name in cls.GATE_TRACES:
        assert trace[name].shape == (N, T, H)
        assert np.all((trace[name] > 0) & (trace[name] < 1))  # sigmoid gates
    assert trace["a"].shape == (N, T, len(cls.GATES) * H)
    if cls is LSTM:
        # c_t = f c_{t-1} + i g and h_t = o tanh(c_t), step by step.
        c_prev = np.zeros((N, H))
        for t in range(T):
            c = trace["f"][:, t] * c_prev + trace["i"][:, t] * trace["g"][:, t]
            np.testing.assert_allclose(trace["c"][:, t], c)
            np.testing.assert_allclose(h[:, t], trace["o"][:, t] * np.tanh(c))
            c_prev = c
    else:
        h_prev = np.zeros((N, H))
        for t in range(T):
            z = trace["z"][:, t]
            np.testing.assert_allclose(h[:, t], z * h_prev + (1 - z) * trace["n"][:, t])
            h_prev = h[:, t]


def memory_gradients(cell, scale, clip=None, steps=20):
    x, y = sequence_tasks.memory_batch(np.random.default_rng(0), 32, steps, 3)
    bias = None if cell == "rnn" else 3.0
    model = sequence_model(
        cell, 4, 8, 3, recurrent_scale=scale, clip_norm=clip, memory_bias=bias, seed=0
    )
    _, dout = categorical_crossentropy(model.forward(x), y, from_logits=True)
    model.backward(dout)
    return recurrent_layer(model)


def test_plain_rnn_gradient_vanishes_where_gated_cells_keep_it():
    norms = {cell: memory_gradients(cell, 1.0).cache["grad_norm"] for cell in CELLS}
    ratio = {cell: n[0] / n[-1] for cell, n in norms.items()}  # first step vs last
    assert ratio["rnn"] < 1e-3
    assert ratio["lstm"] > 100 * ratio["rnn"]
    assert ratio["gru"] > 100 * ratio["rnn"]


def test_large_recurrent_weights_explode_and_clipping_caps_the_norm():
    free = memory_gradients("rnn", 4.0)
    norms = free.cache["grad_norm"]
    assert norms[0] > 30 * norms[-1]  # grows on the way back: exploding
    assert not free.cache["clipped"].any()

    clipped = memory_gradients("rnn", 4.0, clip=1.0)
    record = clipped.cache
    assert record["grad_norm"].max() <= 1.0 + 1e-12
    assert record["clipped"].any()
    np.testing.assert_array_equal(record["clipped"] == 1.0, record["grad_norm_raw"] > 1.0)
    assert np.all(record["grad_norm"] <= record["grad_norm_raw"] + 1e-12)
    # The weight gradients shrink with it.
    for key in ("wx", "wh", "b"):
        assert np.linalg.norm(clipped.grads[key]) < np.linalg.norm(free.grads[key])


def test_clip_by_norm():
    g = np.array([[3.0, 4.0]])
    clipped, norm, was = clip_by_norm(g, 1.0)
    assert norm == 5.0 and was
    np.testing.assert_allclose(clipped, [[0.6, 0.8]])
    same, _, was = clip_by_norm(g, None)
    assert same is g and not was
    with pytest.raises(ValueError, match="clip_norm"):
        RNN(2, 2, clip_norm=0.0)


# --- construction --------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_recurrent_weights_are_orthogonal_times_the_scale(cls):
    layer = cls(3, 5, recurrent_scale=2.5, seed=0)
    for name in cls.GATES:
        block = layer.gate(layer.params["wh"], name)
        np.testing.assert_allclose(np.linalg.svd(block, compute_uv=False), 2.5)


def test_parameter_counts_gru_is_three_quarters_of_the_lstm():
    d, h = 4, 8
    counts = {name: cls(d, h, seed=0).n_params for name, cls in CELLS.items()}
    assert counts == {
        "rnn": h * (d + h + 1),
        "lstm": 4 * h * (d + h + 1),
        "gru": 3 * h * (d + h + 1),
    }


def test_memory_bias_sets_the_keep_gate_and_not_the_others():
    lstm = LSTM(2, 3, memory_bias=3.0, seed=0)
    np.testing.assert_array_equal(lstm.gate(lstm.params["b"], "f"), 3.0)
    assert not lstm.gate(lstm.params["b"], "i").any()
    default = LSTM(2, 3, seed=0)
    np.testing.assert_array_equal(default.gate(default.params["b"], "f"), 1.0)
    gru = GRU(2, 3, memory_bias=2.0, seed=0)
    np.testing.assert_array_equal(gru.gate(gru.params["b"], "z"), 2.0)
    with pytest.raises(ValueError, match="no gate"):
        RNN(2, 3, memory_bias=1.0)


def test_deterministic_under_a_seed_and_bad_shapes_are_refused():
    a, b = LSTM(3, 4, seed=7), LSTM(3, 4, seed=7)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    with pytest.raises(ValueError, match=r"\(N, T >= 1, 3\)"):
        a.forward(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="before forward"):
        GRU(3, 4, seed=0).backward(np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match="unknown cell"):
        get_cell("transformer")
    with pytest.raises(ValueError, match="readout"):
        sequence_model("rnn", 1, 2, 1, readout="middle")


# --- learning --------------------------------------------------------------------------------


def test_lstm_remembers_a_symbol_across_20_noisy_steps_where_the_rnn_cannot():
    # Same data, seed and budget (150 Adam steps of 32 sequences): the plain RNN stays at
    # chance (two symbols: 0.5), the LSTM recalls the first symbol almost always.
    lstm = sequence_tasks.train_recall("lstm", 20)
    rnn = sequence_tasks.train_recall("rnn", 20)
    assert lstm > 0.95
    assert rnn < 0.7


def test_sequence_model_learns_the_books_next_word():
    x, y = sequence_tasks.phrase_data()
    model = sequence_model("lstm", x.shape[2], 8, len(sequence_tasks.WORDS), seed=0)
    optimizer = Optimizer("adam", learning_rate=0.02)
    for _ in range(100):
        model.train_step(x, y, "categorical_crossentropy", optimizer, from_logits=True)
    predicted = np.argmax(model.predict(x), axis=1)
    words = sequence_tasks.WORDS
    # 주민 + 등록 -> 번호
    assert sequence_tasks.PHRASES[0] == ("resident", "registration", "number")
    assert words[predicted[0]] == "number"
    assert accuracy(model.predict(x), y) == 1.0
