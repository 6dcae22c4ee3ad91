"""The recurrent cells of B.7, one time step each, as pure functions (cs231n style):

    h, cache        = rnn_step_forward(x, h_prev, wx, wh, b)
    h, c, cache     = lstm_step_forward(x, h_prev, c_prev, wx, wh, b)
    h, cache        = gru_step_forward(x, h_prev, wx, wh, b)

and their ``*_step_backward``. ``engine/layers/recurrent.py`` runs them through time.

Parameter layout, shared by all three cells (G = number of blocks: RNN 1, LSTM 4, GRU 3):
  wx (D, G*H) input weights, wh (H, G*H) recurrent weights, b (G*H,) biases,
with the blocks side by side in the order of the layer's ``GATES`` (LSTM: i, f, o, g;
GRU: z, r, n).
"""

from __future__ import annotations

import numpy as np

from neural_playground.engine.activations import sigmoid

StepCache = dict[str, np.ndarray]


# --- plain RNN ------------------------------------------------------------------------------


def rnn_step_forward(
    x: np.ndarray, h_prev: np.ndarray, wx: np.ndarray, wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, StepCache]:
    """One step of the tanh RNN: h = tanh(x @ wx + h_prev @ wh + b).

    x: (N, D) input at this step, h_prev: (N, H) previous hidden state,
    wx: (D, H), wh: (H, H), b: (H,).
    Returns h: (N, H) and a cache with x, h_prev, the two products xw = x @ wx and
    hw = h_prev @ wh (N, H each, so the sum can be written out), a = xw + hw + b, and h.
    """
    xw = x @ wx
    hw = h_prev @ wh
    a = xw + hw + b
    h = np.tanh(a)
    return h, {"x": x, "h_prev": h_prev, "xw": xw, "hw": hw, "a": a, "h": h}


def rnn_step_backward(
    dh: np.ndarray, cache: StepCache, wx: np.ndarray, wh: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward of ``rnn_step_forward``.

    dh: (N, H) = dL/dh, the whole gradient arriving at this step's hidden state.
    Returns dx (N, D), dh_prev (N, H), dwx (D, H), dwh (H, H), db (H,).
    """
    da = dh * (1.0 - cache["h"] ** 2)
    return (
        da @ wx.T,
        da @ wh.T,
        cache["x"].T @ da,
        cache["h_prev"].T @ da,
        da.sum(axis=0),
    )


# --- LSTM -----------------------------------------------------------------------------------


def lstm_step_forward(
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    wx: np.ndarray,
    wh: np.ndarray,
    b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, StepCache]:
    """One LSTM step (Hochreiter & Schmidhuber, 1997, with a forget gate).

        a = x @ wx + h_prev @ wh + b, split into four blocks of H:
        i = sigmoid(a_i)  input gate: how much of the candidate to write
        f = sigmoid(a_f)  forget gate: how much of the old cell state to keep
        o = sigmoid(a_o)  output gate: how much of the cell to show as h
        g = tanh(a_g)     candidate values
        c = f * c_prev + i * g          (long-term memory, the cell state)
        h = o * tanh(c)                 (short-term memory, the hidden state)

    x: (N, D), h_prev and c_prev: (N, H), wx: (D, 4H), wh: (H, 4H), b: (4H,).
    Returns h (N, H), c (N, H) and a cache with x, h_prev, c_prev, xw, hw and a (N, 4H),
    the gates i, f, o, g, c, tanh(c) as tc, and h (each (N, H)).
    """
    n_hidden = h_prev.shape[1]
    xw = x @ wx
    hw = h_prev @ wh
    a = xw + hw + b
    i, f, o = (sigmoid(a[:, k * n_hidden : (k + 1) * n_hidden]) for k in range(3))
    g = np.tanh(a[:, 3 * n_hidden :])
    c = f * c_prev + i * g
    tc = np.tanh(c)
    h = o * tc
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "xw": xw, "hw": hw, "a": a}
    cache.update(i=i, f=f, o=o, g=g, c=c, tc=tc, h=h)
    return h, c, cache


def lstm_step_backward(
    dh: np.ndarray, dc: np.ndarray, cache: StepCache, wx: np.ndarray, wh: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward of ``lstm_step_forward``.

    dh: (N, H) = dL/dh and dc: (N, H) = dL/dc arriving from the future (not yet including
    the path through h). Returns dx (N, D), dh_prev (N, H), dc_prev (N, H),
    dwx (D, 4H), dwh (H, 4H), db (4H,).
    """
    i, f, o, g, tc = cache["i"], cache["f"], cache["o"], cache["g"], cache["tc"]
    do = dh * tc
    dc = dc + dh * o * (1.0 - tc**2)  # both ways into c: directly and through h
    di, df, dg = dc * g, dc * cache["c_prev"], dc * i
    dc_prev = dc * f
    da = np.concatenate(
        [di * i * (1.0 - i), df * f * (1.0 - f), do * o * (1.0 - o), dg * (1.0 - g**2)], axis=1
    )
    return (
        da @ wx.T,
        da @ wh.T,
        dc_prev,
        cache["x"].T @ da,
        cache["h_prev"].T @ da,
        da.sum(axis=0),
    )


# --- GRU ------------------------------------------------------------------------------------


def gru_step_forward(
    x: np.ndarray, h_prev: np.ndarray, wx: np.ndarray, wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, StepCache]:
    """One GRU step (Cho et al., 2014): two gates and no separate cell state.

        z = sigmoid(x @ wx_z + h_prev @ wh_z + b_z)        update gate: how much to keep
        r = sigmoid(x @ wx_r + h_prev @ wh_r + b_r)        reset gate: how much past to use
        n = tanh(x @ wx_n + (r * h_prev) @ wh_n + b_n)     candidate state
        h = z * h_prev + (1 - z) * n

    x: (N, D), h_prev: (N, H), wx: (D, 3H), wh: (H, 3H), b: (3H,).
    Returns h (N, H) and a cache with x, h_prev, xw, hw and a = xw + hw + b (N, 3H; the
    n block of hw is (r * h_prev) @ wh_n), the gates z, r, the candidate n, and h.
    """
    n_hidden = h_prev.shape[1]
    xw = x @ wx
    hw_zr = h_prev @ wh[:, : 2 * n_hidden]
    a_zr = xw[:, : 2 * n_hidden] + hw_zr + b[: 2 * n_hidden]
    z = sigmoid(a_zr[:, :n_hidden])
    r = sigmoid(a_zr[:, n_hidden:])
    hw_n = (r * h_prev) @ wh[:, 2 * n_hidden :]
    a_n = xw[:, 2 * n_hidden :] + hw_n + b[2 * n_hidden :]
    n = np.tanh(a_n)
    h = z * h_prev + (1.0 - z) * n
    hw = np.concatenate([hw_zr, hw_n], axis=1)
    a = np.concatenate([a_zr, a_n], axis=1)
    cache = {"x": x, "h_prev": h_prev, "xw": xw, "hw": hw, "a": a}
    cache.update(z=z, r=r, n=n, h=h)
    return h, cache


def gru_step_backward(
    dh: np.ndarray, cache: StepCache, wx: np.ndarray, wh: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward of ``gru_step_forward``.

    dh: (N, H) = dL/dh. Returns dx (N, D), dh_prev (N, H), dwx (D, 3H), dwh (H, 3H),
    db (3H,).
    """
    n_hidden = dh.shape[1]
    h_prev, z, r, n = cache["h_prev"], cache["z"], cache["r"], cache["n"]
    wh_zr, wh_n = wh[:, : 2 * n_hidden], wh[:, 2 * n_hidden :]
    # h = z * h_prev + (1 - z) * n
    dz = dh * (h_prev - n)
    da_n = dh * (1.0 - z) * (1.0 - n**2)
    dh_prev = dh * z
    # candidate: n = tanh(... + (r * h_prev) @ wh_n + ...)
    drh = da_n @ wh_n.T
    dwh_n = (r * h_prev).T @ da_n
    dh_prev += drh * r
    da_zr = np.concatenate([dz * z * (1.0 - z), drh * h_prev * r * (1.0 - r)], axis=1)
    dh_prev += da_zr @ wh_zr.T
    da = np.concatenate([da_zr, da_n], axis=1)
    return (
        da @ wx.T,
        dh_prev,
        cache["x"].T @ da,
        np.concatenate([h_prev.T @ da_zr, dwh_n], axis=1),
        da.sum(axis=0),
    )
