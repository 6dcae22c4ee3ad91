"""Generative adversarial network (B.8.2): a generator G turns random noise into samples, a
discriminator D scores how "real" a sample looks, and each learns against the other.

    D's loss  L_D = -mean log D(x_real) - mean log(1 - D(G(z)))
    G's loss  L_G = -mean log D(G(z))      (the "non-saturating" form of Goodfellow et al.)

As the book says, G has no target of its own: its error comes from D's verdict, carried
back through D (whose weights stay put) into G by backpropagation. D is a ``Sequential``
ending in one linear neuron (a logit); D(x) = sigmoid(logit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from neural_playground.engine.activations import sigmoid
from neural_playground.engine.layers.base import Layer
from neural_playground.engine.losses import binary_crossentropy
from neural_playground.engine.model import Sequential, mlp
from neural_playground.engine.optimizers import Optimizer

NoiseSampler = Callable[[int, np.random.Generator], np.ndarray]
DataSampler = Callable[[int, np.random.Generator], np.ndarray]


class GAN:
    """G: noise_dim -> g_hidden... -> data_dim;  D: data_dim -> d_hidden... -> 1 logit.

    ``g_output`` is the generator's last activation: "linear" for points on a plane,
    "sigmoid" for pixels in [0, 1]. One generator seeded with ``seed`` initialises G then D.
    """

    def __init__(
        self,
        data_dim: int,
        noise_dim: int,
        g_hidden: Sequence[int],
        d_hidden: Sequence[int],
        g_activation: str = "relu",
        d_activation: str = "leaky_relu",
        g_output: str = "linear",
        g_optimizer: Optimizer | None = None,
        d_optimizer: Optimizer | None = None,
        seed: int = 0,
    ) -> None:
        rng = np.random.default_rng(seed)
        self.data_dim, self.noise_dim = int(data_dim), int(noise_dim)
        self.generator = mlp(
            [noise_dim, *g_hidden, data_dim],
            [g_activation] * len(g_hidden) + [g_output],
            rng=rng,
        )
        self.discriminator = mlp(
            [data_dim, *d_hidden, 1],
            [d_activation] * len(d_hidden) + ["linear"],
            rng=rng,
        )
        self.g_optimizer = g_optimizer or Optimizer("adam", learning_rate=1e-3)
        self.d_optimizer = d_optimizer or Optimizer("adam", learning_rate=1e-3)

    # --- looking -------------------------------------------------------------------------

    def generate(self, z: np.ndarray) -> np.ndarray:
        """G(z): samples (N, data_dim) from noise (N, noise_dim)."""
        return self.generator.predict(z)

    def score(self, x: np.ndarray) -> np.ndarray:
        """D(x): the probability (N,) that each sample of x (N, data_dim) is real."""
        return sigmoid(self.discriminator.predict(x))[:, 0]

    def generator_gradient(self, fake: np.ndarray) -> np.ndarray:
        """-dL_G/dx for each generated sample x (N, data_dim): where G would move each point.

        Per sample, not divided by N: the arrow of one point does not shrink with the batch.
        """
        logits = self.discriminator.forward(fake)
        dlogits = sigmoid(logits) - 1.0  # d(-log sigmoid(l))/dl
        return -self.discriminator.backward(dlogits)

    # --- gradients (fill .grads, change no weight) ------------------------------------------

    def discriminator_backward(self, real: np.ndarray, fake: np.ndarray) -> DiscriminatorResult:
        """L_D on a real batch (N, d) and a generated batch (M, d); fills D's grads."""
        self.discriminator.train()
        n = len(real)
        logits = self.discriminator.forward(np.vstack([real, fake]))
        loss_real, d_real = binary_crossentropy(logits[:n], np.ones(n), from_logits=True)
        loss_fake, d_fake = binary_crossentropy(logits[n:], np.zeros(len(fake)), from_logits=True)
        self.discriminator.backward(np.vstack([d_real, d_fake]))
        p = sigmoid(logits[:, 0])
        return DiscriminatorResult(loss_real + loss_fake, p[:n], p[n:])

    def generator_backward(self, z: np.ndarray) -> GeneratorResult:
        """L_G on noise z (N, noise_dim); fills G's grads (D's grads are scratch)."""
        self.generator.train()
        fake = self.generator.forward(z)
        logits = self.discriminator.forward(fake)
        loss, dlogits = binary_crossentropy(logits, np.ones(len(z)), from_logits=True)
        self.generator.backward(self.discriminator.backward(dlogits))
        return GeneratorResult(loss, sigmoid(logits[:, 0]))

    # --- learning --------------------------------------------------------------------------

    def discriminator_step(self, real: np.ndarray, z: np.ndarray) -> DiscriminatorResult:
        """One update of D only: real samples against G(z). Returns values before it."""
        result = self.discriminator_backward(real, self.generate(z))
        self.d_optimizer.step(self.discriminator)
        return result

    def generator_step(self, z: np.ndarray) -> GeneratorResult:
        """One update of G only, through D's frozen verdict. Returns values before it."""
        result = self.generator_backward(z)
        self.g_optimizer.step(self.generator)
        return result

    # --- weights ---------------------------------------------------------------------------

    def networks(self) -> tuple[Sequential, Sequential]:
        return self.generator, self.discriminator

    def layers(self) -> list[Layer]:
        """Both networks' layers, the generator's first: what a divergence guard watches."""
        return self.generator.layers + self.discriminator.layers


@dataclass
class DiscriminatorResult:
    loss: float
    d_real: np.ndarray  # D(x) on each real sample (N,)
    d_fake: np.ndarray  # D(G(z)) on each generated sample (M,)


@dataclass
class GeneratorResult:
    loss: float
    d_fake: np.ndarray  # D(G(z)) before G's update (N,)


# --- one iteration, phase by phase ---------------------------------------------------------

#: The phases of one iteration, as slow motion shows them: D scores a real batch, D scores a
#: generated batch, D's weights move (L_D down), then G's weights move (L_G down).
PHASES: tuple[str, ...] = ("d_real", "d_fake", "d_update", "g_update")


@dataclass
class Readings:
    """The latest numbers of training, for the page."""

    d_loss: float = float("nan")
    g_loss: float = float("nan")
    d_real: float = float("nan")  # mean D(x) on the last real batch
    d_fake: float = float("nan")  # mean D(G(z)) on the last generated batch
    d_updates: int = 0
    g_updates: int = 0
    iterations: int = 0
    phase: str | None = None  # the phase just run, in slow motion
    batch_real: np.ndarray | None = field(default=None, repr=False)
    batch_fake: np.ndarray | None = field(default=None, repr=False)


class GanTrainer:
    """Runs a GAN on batches drawn from ``sample_real`` and ``sample_noise``.

    One iteration is ``d_steps`` discriminator updates then ``g_steps`` generator updates.
    ``iteration()`` runs (the rest of) one; ``advance_phase()`` runs one phase of it
    (slow motion); ``step_discriminator()`` and ``step_generator()`` update one network alone.
    Both ways draw the same random numbers in the same order, so they train identically.
    """

    def __init__(
        self,
        gan: GAN,
        sample_real: DataSampler,
        sample_noise: NoiseSampler,
        batch_size: int,
        rng: np.random.Generator,
        d_steps: int = 1,
        g_steps: int = 1,
    ) -> None:
        self.gan = gan
        self.sample_real = sample_real
        self.sample_noise = sample_noise
        self.batch_size = int(batch_size)
        self.rng = rng
        self.d_steps, self.g_steps = int(d_steps), int(g_steps)
        self.position = 0  # index into schedule() of the next phase
        self.readings = Readings()
        self._real: np.ndarray | None = None
        self._z: np.ndarray | None = None

    def schedule(self) -> list[str]:
        return ["d_real", "d_fake", "d_update"] * self.d_steps + ["g_update"] * self.g_steps

    @property
    def mid_iteration(self) -> bool:
        return self.position > 0

    def advance_phase(self) -> str:
        """Run the next phase; returns its name."""
        schedule = self.schedule()
        phase = schedule[min(self.position, len(schedule) - 1)]
        r = self.readings
        n = self.batch_size
        if phase == "d_real":
            self._real = self.sample_real(n, self.rng)
            r.d_real = float(np.mean(self.gan.score(self._real)))
            r.batch_real = self._real
        elif phase == "d_fake":
            self._z = self.sample_noise(n, self.rng)
            fake = self.gan.generate(self._z)
            r.d_fake = float(np.mean(self.gan.score(fake)))
            r.batch_fake = fake
        elif phase == "d_update":
            self._record_d(self.gan.discriminator_step(self._real, self._z))
        else:
            self._g_update()
        r.phase = phase
        self.position += 1
        if self.position >= len(schedule):
            self.position = 0
            r.iterations += 1
        return phase

    def iteration(self) -> None:
        """Finish the current iteration (all of it when none is under way)."""
        if self.mid_iteration:
            while self.mid_iteration:
                self.advance_phase()
            return
        for _ in range(self.d_steps):
            self.step_discriminator()
        for _ in range(self.g_steps):
            self._g_update()
        self.readings.iterations += 1
        self.readings.phase = None

    def step_discriminator(self) -> None:
        """One D update alone, on fresh batches."""
        real = self.sample_real(self.batch_size, self.rng)
        z = self.sample_noise(self.batch_size, self.rng)
        self._record_d(self.gan.discriminator_step(real, z))
        self.readings.phase = None

    def step_generator(self) -> None:
        """One G update alone, on fresh noise."""
        self._g_update()
        self.readings.phase = None

    def _record_d(self, result: DiscriminatorResult) -> None:
        r = self.readings
        r.d_loss = result.loss
        r.d_real = float(np.mean(result.d_real))
        r.d_fake = float(np.mean(result.d_fake))
        r.d_updates += 1

    def _g_update(self) -> None:
        result = self.gan.generator_step(self.sample_noise(self.batch_size, self.rng))
        self.readings.g_loss = result.loss
        self.readings.g_updates += 1


class EquilibriumWatch:
    """The book's stopping rule: training is done when D can no longer tell real samples
    from generated ones, that is D(x) is about 0.5 on both, and stays so for a while.

    Follows exponential moving averages of mean D(real) and mean D(fake) (single batches are
    noisy); ``update`` returns True once both have been within ``tolerance`` of 0.5 for
    ``patience`` updates in a row. The first ``warmup`` updates never count: an untrained D
    also says 0.5 to everything, because it has not learned anything yet.
    """

    def __init__(
        self,
        tolerance: float = 0.05,
        patience: int = 300,
        warmup: int = 500,
        smoothing: float = 0.05,
    ) -> None:
        self.tolerance, self.patience, self.warmup = tolerance, patience, warmup
        self.smoothing = smoothing
        self.reset()

    def reset(self) -> None:
        self.real: float | None = None
        self.fake: float | None = None
        self.updates = 0
        self.streak = 0

    def update(self, d_real: float, d_fake: float) -> bool:
        if not (np.isfinite(d_real) and np.isfinite(d_fake)):
            return False
        a = self.smoothing
        self.real = d_real if self.real is None else (1 - a) * self.real + a * d_real
        self.fake = d_fake if self.fake is None else (1 - a) * self.fake + a * d_fake
        self.updates += 1
        near = abs(self.real - 0.5) <= self.tolerance and abs(self.fake - 0.5) <= self.tolerance
        self.streak = self.streak + 1 if near and self.updates > self.warmup else 0
        return self.reached

    @property
    def reached(self) -> bool:
        return self.streak >= self.patience


# --- measuring what G makes ----------------------------------------------------------------


def mean_pairwise_distance(x: np.ndarray) -> float:
    """Mean Euclidean distance over all pairs of rows of x (N, d), N >= 2."""
    x = np.asarray(x, dtype=np.float64)
    squared = np.sum(x * x, axis=1)
    d2 = np.maximum(squared[:, None] + squared[None, :] - 2.0 * x @ x.T, 0.0)
    n = len(x)
    return float(np.sqrt(d2)[np.triu_indices(n, k=1)].mean())


def diversity(samples: np.ndarray, reference_spread: float) -> float:
    """How varied generated samples are, relative to real ones: their mean pairwise distance
    over the real samples' (``reference_spread``, from ``mean_pairwise_distance``, computed
    once). About 1 when G covers the data; near 0 when G makes one thing over and over
    (mode collapse)."""
    if reference_spread <= 0:
        return 0.0
    return mean_pairwise_distance(samples) / reference_spread


def nearest_labels(samples: np.ndarray, reference: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The label (N,) of each sample's nearest reference example (Euclidean)."""
    s2 = np.sum(samples * samples, axis=1)[:, None]
    r2 = np.sum(reference * reference, axis=1)[None, :]
    return np.asarray(labels)[np.argmin(s2 + r2 - 2.0 * samples @ reference.T, axis=1)]
