"""Batch normalization (book B.5): standardize each feature over the batch, then rescale.

The book writes it as two steps on a layer's output matrix X:

    Z = (X - U) / S        U: the batch mean, S: the batch standard deviation (per feature)
    out = Γ Z + B          Γ (gamma) and B (beta): learned scale and shift (per feature)

S here is sqrt(var + eps), with the small ``eps`` under the root so that a feature that is
constant over the batch (var = 0) gives Z = 0 instead of a division by zero. The book
calls the operation "정규화 (Regularization)"; the usual name is *normalization*
(Ioffe & Szegedy, 2015); regularization means something else (penalties such as L1/L2).

Training uses the batch's own U and S. Inference cannot rely on a batch (it may be one
sample), so while training the layer keeps running averages of the batch statistics:

    running = momentum * running + (1 - momentum) * batch statistic

and in eval mode U = running_mean, S = sqrt(running_var + eps). The variance is the
biased one (divide by N), the same that normalized the batch.
"""

from __future__ import annotations

import numpy as np

from neural_playground.engine.layers.base import Layer

Cache = dict[str, np.ndarray]


def batchnorm_forward(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> tuple[np.ndarray, Cache]:
    """Training-mode batch normalization, one small step at a time.

    x: (N, D) batch, gamma: (D,) scale Γ, beta: (D,) shift B.
    Returns out: (N, D) and a cache of every intermediate, named as in the steps below:
    "mean" (U), "std" (S), "z" (Z) are the book's symbols.
    """
    n = x.shape[0]
    mean = x.sum(axis=0) / n  # 1. U, the batch mean: (D,)
    xu = x - mean  # 2. centred values X - U: (N, D)
    sq = xu**2  # 3. squared deviations: (N, D)
    var = sq.sum(axis=0) / n  # 4. batch variance, biased: (D,)
    return standardize(x, gamma, beta, mean, xu, var, eps)


def standardize(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    mean: np.ndarray,
    xu: np.ndarray,
    var: np.ndarray,
    eps: float,
) -> tuple[np.ndarray, Cache]:
    """Steps 5 to 9, the same in training (the batch's U and variance) and at inference
    (the running ones): out and the cache of every intermediate."""
    std = np.sqrt(var + eps)  # 5. S, the standard deviation: (D,)
    inv_std = 1.0 / std  # 6. 1 / S: (D,)
    z = xu * inv_std  # 7. Z = (X - U) / S: (N, D)
    gz = gamma * z  # 8. Γ Z: (N, D)
    out = gz + beta  # 9. Γ Z + B: (N, D)
    cache = {
        "x": x,
        "mean": mean,
        "xu": xu,
        "var": var,
        "std": std,
        "inv_std": inv_std,
        "z": z,
        "gamma": gamma,
        "beta": beta,
        "out": out,
    }
    return out, cache


def batchnorm_backward(dout: np.ndarray, cache: Cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of ``batchnorm_forward``: its nine steps undone from the last to the first.

    dout: (N, D) = dL/dout. Returns dx: (N, D), dgamma: (D,), dbeta: (D,).
    Every intermediate that fed two places (xu, U) collects the gradient of both paths.
    """
    xu, std, inv_std = cache["xu"], cache["std"], cache["inv_std"]
    z, gamma = cache["z"], cache["gamma"]
    n = dout.shape[0]
    # 9. out = gz + beta
    dbeta = dout.sum(axis=0)
    dgz = dout
    # 8. gz = gamma * z
    dgamma = (dgz * z).sum(axis=0)
    dz = dgz * gamma
    # 7. z = xu * inv_std: both factors depend on x
    dinv_std = (dz * xu).sum(axis=0)
    dxu = dz * inv_std
    # 6. inv_std = 1 / std
    dstd = -dinv_std / std**2
    # 5. std = sqrt(var + eps)
    dvar = dstd * 0.5 / std
    # 4. var = sum(sq) / N
    dsq = np.ones_like(xu) * dvar / n
    # 3. sq = xu ** 2: the second path into xu
    dxu = dxu + 2.0 * xu * dsq
    # 2. xu = x - mean
    dx = dxu.copy()
    dmean = -dxu.sum(axis=0)
    # 1. mean = sum(x) / N
    dx += np.ones_like(xu) * dmean / n
    return dx, dgamma, dbeta


def batchnorm_eval_forward(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    eps: float = 1e-5,
) -> tuple[np.ndarray, Cache]:
    """Inference-mode batch normalization: the same formula with the running statistics.

    x: (N, D), gamma, beta, running_mean, running_var: (D,).
    U and S no longer depend on the batch, so each sample is normalized on its own.
    Returns out: (N, D) and a cache with the same names as ``batchnorm_forward``'s.
    """
    mean = running_mean  # 1. U from training, not from this batch
    xu = x - mean  # 2.
    return standardize(x, gamma, beta, mean, xu, running_var, eps)  # 5-9, S from training


def batchnorm_eval_backward(
    dout: np.ndarray, cache: Cache
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of ``batchnorm_eval_forward``: an affine map per feature, out = (Γ/S) x + const.

    dout: (N, D). Returns dx: (N, D), dgamma: (D,), dbeta: (D,).
    """
    dbeta = dout.sum(axis=0)
    dgamma = (dout * cache["z"]).sum(axis=0)
    dx = dout * cache["gamma"] * cache["inv_std"]
    return dx, dgamma, dbeta


def batch_statistics(x: np.ndarray, eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray]:
    """The batch's own U and S (per feature), as training mode would compute them."""
    return x.mean(axis=0), np.sqrt(x.var(axis=0) + eps)


class BatchNorm(Layer):
    """Batch normalization of ``n_features`` features (put it between a Dense layer and its
    activation, as Ioffe & Szegedy do).

    Params: "gamma" (n_features,) ones and "beta" (n_features,) zeros, so a fresh layer
    outputs Z itself. Buffers: "running_mean" zeros and "running_var" ones, updated by every
    training-mode forward with ``momentum`` (0.9: about the last ten batches count).
    Trace: "x", "mean" (U), "var", "std" (S), "z" (Z), "gamma", "beta", "out", and the
    statistics of both kinds as they were during this forward: "batch_mean"/"batch_std"
    (this batch's) and "running_mean"/"running_std" (before this forward's update). In
    training mode "mean"/"std" are the batch's; in eval mode the running ones.
    """

    config_fields = ("n_features", "momentum", "eps")

    def __init__(self, n_features: int, momentum: float = 0.9, eps: float = 1e-5) -> None:
        super().__init__()
        if int(n_features) < 1:
            raise ValueError(f"BatchNorm needs n_features >= 1, got {n_features}")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        if not eps > 0.0:
            raise ValueError(f"eps must be positive, got {eps}")
        self.n_features = int(n_features)
        self._normalized_by_batch = True
        self.momentum = float(momentum)
        self.eps = float(eps)
        self._init_params(gamma=np.ones(self.n_features), beta=np.zeros(self.n_features))
        self._init_buffers(
            running_mean=np.zeros(self.n_features), running_var=np.ones(self.n_features)
        )

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = self._input(x, "N", self.n_features)
        if x.shape[0] == 0:
            raise ValueError("BatchNorm needs a non-empty batch")
        # Copies: the optimizer updates params in place, the trace must keep what was used.
        gamma, beta = self.params["gamma"].copy(), self.params["beta"].copy()
        running_mean = self.buffers["running_mean"].copy()
        running_var = self.buffers["running_var"].copy()
        if self.training:
            out, cache = batchnorm_forward(x, gamma, beta, self.eps)
            batch_mean, batch_std = cache["mean"], cache["std"]
            m = self.momentum
            self.buffers["running_mean"][...] = m * running_mean + (1.0 - m) * cache["mean"]
            self.buffers["running_var"][...] = m * running_var + (1.0 - m) * cache["var"]
        else:
            out, cache = batchnorm_eval_forward(x, gamma, beta, running_mean, running_var, self.eps)
            batch_mean, batch_std = batch_statistics(x, self.eps)
        cache["batch_mean"], cache["batch_std"] = batch_mean, batch_std
        cache["running_mean"] = running_mean
        cache["running_std"] = np.sqrt(running_var + self.eps)
        self.cache = cache
        self._normalized_by_batch = self.training  # which backward matches this forward
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self._from_forward("out")
        dout = np.asarray(dout, dtype=np.float64)
        backward = batchnorm_backward if self._normalized_by_batch else batchnorm_eval_backward
        dx, dgamma, dbeta = backward(dout, self.cache)
        self._set_grads(gamma=dgamma, beta=dbeta)
        return dx
