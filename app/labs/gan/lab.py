"""B.8.2, the GAN: a generator learns to imitate real data by fooling a discriminator.

On the plane, the real data is a 2-D distribution (ring, line, mixture, moons, or points
drawn by hand); the frame shows real and generated points, D's probability over the whole
plane, the arrow along which G would move each generated point, and G's manifold (the noise
grid carried through G). On images (8x8 digits, 5x5 strokes) it shows a grid of generated
samples with D's score on each. Either way: the losses, D's verdicts, a diversity measure
that names mode collapse, and the book's stopping rule (D at 0.5 on both, for a while).
"""

from dataclasses import replace

import numpy as np
from pydantic import BaseModel

from neural_playground.app.data.images import image_set
from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.common.history import History
from neural_playground.app.labs.common.training_checks import (
    check_hidden,
    check_latent,
    make_optimizer,
)
from neural_playground.app.labs.gan.commands import (
    FAMILY_DEFAULTS,
    DrawPoints,
    GanState,
    LoadPreset,
    SetData,
    SetNetworks,
    SetNoise,
    SetOptimizer,
    SetSchedule,
    SetSeed,
    SetSlowMotion,
    StepDiscriminator,
    StepGenerator,
    family,
    preset_state,
)
from neural_playground.app.labs.gan.frame import GanRendering
from neural_playground.app.labs.neurons.commands import DenseWeights
from neural_playground.app.protocol import LabError, command_adapter
from neural_playground.engine.data.distributions import REAL_DISTRIBUTIONS, drawn, noise
from neural_playground.engine.gan import (
    GAN,
    EquilibriumWatch,
    GanTrainer,
    mean_pairwise_distance,
)
from neural_playground.engine.guard import divergence_guard

BATCH = {"plane": 64, "images": 32}
SHOWN_POINTS = 200  # real and generated points drawn on the plane
MEASURED_SAMPLES = 64  # generated images the diversity is measured on
REFERENCE_PER_LABEL = 30  # real images per label they are compared with
SHOWN_SEED = 1234  # the shown samples come from fixed noise, so they move smoothly


class GanLab(GanRendering, Lab):
    name = "gan"
    trainable = True
    commands = command_adapter(
        SetData, DrawPoints, SetNoise, SetNetworks, SetOptimizer, SetSchedule,
        StepDiscriminator, StepGenerator, SetSlowMotion, SetSeed, LoadPreset,
    )  # fmt: skip
    State = GanState

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.history = History(["d_loss", "g_loss", "d_real", "d_fake"])
        self.watch = EquilibriumWatch(
            patience=settings.gan_equilibrium_patience, warmup=settings.gan_equilibrium_warmup
        )
        self.stopped_at: int | None = None
        self.build(preset_state("b26_ring"))  # the defaults: figure B-26 on the plane

    # --- building ------------------------------------------------------------------------

    def check(self, config: GanState) -> None:
        s = self.settings
        check_hidden(config.g_hidden, s)
        check_hidden(config.d_hidden, s)
        check_latent(config.noise_dim, s, "noise")
        make_optimizer(config.g_optimizer, s)
        make_optimizer(config.d_optimizer, s)
        if len(config.drawn) > s.max_drawn_points:
            raise LabError(
                "too_many_points",
                f"A drawing may have at most {s.max_drawn_points} points.",
                limit=s.max_drawn_points,
            )
        for x, y in config.drawn:
            self.check_value(x, "x")
            self.check_value(y, "y")
        if config.data == "drawn" and not config.drawn:
            raise LabError("no_drawing", "Draw some points on the plane first.")

    def build(self, config: GanState) -> None:
        """Fresh networks for `config` (checked first; nothing changes on error)."""
        self.check(config)
        images = family(config.data) == "images"
        gan = GAN(
            self.data_dim(config.data),
            config.noise_dim,
            config.g_hidden,
            config.d_hidden,
            g_output="sigmoid" if images else "linear",
            g_optimizer=make_optimizer(config.g_optimizer, self.settings),
            d_optimizer=make_optimizer(config.d_optimizer, self.settings),
            seed=config.seed,
        )
        self.config = config.model_copy(
            update={"generator": None, "discriminator": None, "iteration": 0}
        )
        self.gan = gan
        self.trainer = GanTrainer(
            gan,
            self.real_sampler(),
            self.sample_noise,
            BATCH[family(config.data)],
            np.random.default_rng(config.seed),
            config.d_steps,
            config.g_steps,
        )
        self.shown_noise = self.fixed_noise()
        self.set_reference()
        self.step_count = 0
        self.history.clear()
        self.watch.reset()
        self.stopped_at = None
        self.diverged = self.finished = False

    @staticmethod
    def data_dim(data: str) -> int:
        """The size of one real sample: 2 on the plane, the pixel count of an image."""
        return image_set(data).n_pixels if family(data) == "images" else 2

    def rebuild(self, **changes) -> None:
        self.build(self.config.model_copy(update=changes))

    def reset(self) -> None:
        self.rebuild()

    def real_sampler(self):
        data = self.config.data
        if family(data) == "images":
            images = image_set(data).images
            return lambda n, rng: images[rng.integers(0, len(images), n)]
        if data == "drawn":
            return drawn(np.array(self.config.drawn))
        return REAL_DISTRIBUTIONS[data]

    def sample_noise(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return noise(self.config.noise_kind, n, self.config.noise_dim, rng)

    def fixed_noise(self) -> np.ndarray:
        count = MEASURED_SAMPLES if family(self.config.data) == "images" else SHOWN_POINTS
        return self.sample_noise(count, np.random.default_rng(SHOWN_SEED))

    def set_reference(self) -> None:
        """Real samples that generated ones are compared with: fixed, so measures are steady."""
        self.reference_labels = None
        if family(self.config.data) == "images":
            data = image_set(self.config.data)
            chosen = data.per_label(REFERENCE_PER_LABEL)
            self.reference, self.reference_labels = data.images[chosen], data.labels[chosen]
        else:
            sample = self.real_sampler()
            self.reference = sample(SHOWN_POINTS, np.random.default_rng(SHOWN_SEED))
        # Fixed, so computed once: the denominator of the diversity of every frame.
        self.reference_spread = mean_pairwise_distance(self.reference)

    def switch_real_data(self, name: str, points: list | None = None) -> None:
        """New real data of the same family: G and D keep what they learned."""
        update = {"data": name} if points is None else {"data": name, "drawn": points}
        config = self.config.model_copy(update=update)
        self.check(config)
        self.config = config
        self.trainer.sample_real = self.real_sampler()
        self.set_reference()
        self.watch.reset()
        self.stopped_at = None

    def handle(self, command: BaseModel) -> None:
        match command:
            case SetData(name=name):
                if family(name) != family(self.config.data):
                    self.rebuild(data=name, **FAMILY_DEFAULTS[family(name)]())
                elif self.data_dim(name) != self.gan.data_dim:
                    # Same family, other image size (8x8 digits, 5x5 strokes): G's output
                    # and D's input no longer fit, so both networks start afresh at the
                    # learner's sizes and optimizers.
                    self.rebuild(data=name)
                else:
                    self.switch_real_data(name)
            case DrawPoints(points=points):
                if family(self.config.data) == "plane":
                    self.switch_real_data("drawn", [tuple(p) for p in points])
                else:
                    self.rebuild(data="drawn", drawn=points, **FAMILY_DEFAULTS["plane"]())
            case SetNoise(kind=kind, dim=dim):
                if dim != self.config.noise_dim:
                    self.rebuild(noise_kind=kind, noise_dim=dim)
                else:  # same input size: G keeps its weights and sees the new noise
                    self.config.noise_kind = kind
                    self.shown_noise = self.fixed_noise()
            case SetNetworks(g_hidden=g_hidden, d_hidden=d_hidden):
                self.rebuild(g_hidden=g_hidden, d_hidden=d_hidden)
            case SetOptimizer(network=network, optimizer=spec):
                optimizer = make_optimizer(spec, self.settings)
                if network == "generator":
                    self.gan.g_optimizer, self.config.g_optimizer = optimizer, spec
                else:
                    self.gan.d_optimizer, self.config.d_optimizer = optimizer, spec
            case SetSchedule(d_steps=d_steps, g_steps=g_steps):
                self.config.d_steps, self.config.g_steps = d_steps, g_steps
                self.trainer.d_steps, self.trainer.g_steps = d_steps, g_steps
                self.trainer.position = 0  # a new schedule starts a new iteration
            case StepDiscriminator():
                self.guarded(self.trainer.step_discriminator)
            case StepGenerator():
                self.guarded(self.trainer.step_generator)
            case SetSlowMotion(on=on):
                self.config.slow_motion = on
            case SetSeed(seed=seed):
                self.rebuild(seed=seed)
            case LoadPreset(name=name):
                self.build(preset_state(name))
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    # --- training ------------------------------------------------------------------------

    def play_period(self) -> float:
        return self.settings.slow_motion_seconds if self.config.slow_motion else 0.0

    def train(self, steps: int) -> None:
        """`steps` iterations; in slow motion, one phase of one iteration whatever `steps`."""
        if self.config.slow_motion:
            self.guarded(self.trainer.advance_phase)
            return
        self.guarded(self.trainer.iteration, times=steps)

    def guarded(self, action, times: int = 1) -> None:
        """Run `action` `times` times, recording each finished iteration; stop early when
        training diverges (weights put back) or reaches the book's equilibrium."""
        trainer = self.trainer
        with divergence_guard(self.gan.layers(), self.settings.max_abs_value) as g:
            for _ in range(times):
                r = trainer.readings
                before = (r.iterations, r.d_updates, r.g_updates)
                kept = replace(r), trainer.position
                action()
                if not g.check(*(v for v in (r.d_loss, r.g_loss) if not np.isnan(v))):
                    # The guard puts back the weights of the last good step: the counts,
                    # readings and phase go back with them, so the page shows that step.
                    trainer.readings, trainer.position = kept
                    break
                values = {"d_loss": r.d_loss, "g_loss": r.g_loss}
                values |= {"d_real": r.d_real, "d_fake": r.d_fake}
                updated = (r.d_updates, r.g_updates) != before[1:]
                if updated and all(np.isfinite(v) for v in values.values()):
                    self.history.add(r.iterations, **values)
                if r.iterations > before[0] and self.watch.update(r.d_real, r.d_fake):
                    self.finished = True
                    self.stopped_at = r.iterations
                    self.watch.streak = 0  # playing on waits another `patience` iterations
                    break
        self.step_count = trainer.readings.iterations
        if g.diverged:
            self.diverged = True
            self.gan.g_optimizer.reset()
            self.gan.d_optimizer.reset()

    # --- whole state ---------------------------------------------------------------------

    def snapshot(self) -> GanState:
        def weights(net):
            return [DenseWeights.model_validate(w) for w in net.get_weights()]

        return self.config.model_copy(
            update={
                "iteration": self.step_count,
                "generator": weights(self.gan.generator),
                "discriminator": weights(self.gan.discriminator),
            }
        )

    def restore(self, state: GanState) -> None:
        previous = self.snapshot()  # to put back if the weights do not fit
        self.build(state)
        try:
            for net, saved in zip(
                self.gan.networks(), (state.generator, state.discriminator), strict=True
            ):
                if saved is None:
                    continue
                net.set_weights([d.model_dump() for d in saved])
        except ValueError as exc:
            self.restore(previous)
            raise LabError("bad_state", f"The weights do not fit: {exc}", detail=str(exc)) from None
        self.step_count = self.trainer.readings.iterations = state.iteration
