"""B.8.2, the GAN: a generator learns to imitate real data by fooling a discriminator.

On the plane, the real data is a 2-D distribution (ring, line, mixture, moons, or points
drawn by hand); the frame shows real and generated points, D's probability over the whole
plane, the arrow along which G would move each generated point, and G's manifold (the noise
grid carried through G). On images (8x8 digits, 5x5 strokes) it shows a grid of generated
samples with D's score on each. Either way: the losses, D's verdicts, a diversity measure
that names mode collapse, and the book's stopping rule (D at 0.5 on both, for a while).
"""

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from app.data.images import image_set
from app.labs.common.base import Lab
from app.labs.common.history import History
from app.labs.common.numbers import finite_or_none, rounded
from app.labs.common.training_checks import (
    OptimizerSpec,
    check_hidden,
    check_latent,
    divergence_guard,
    make_optimizer,
)
from app.labs.gan.presets import PRESETS as GAN_PRESETS
from app.labs.neurons.lab import DenseWeights
from app.protocol import FiniteFloat, LabError, Message, command_adapter
from engine.distributions import REAL_DISTRIBUTIONS, drawn, noise, noise_grid
from engine.gan import (
    GAN,
    EquilibriumWatch,
    GanTrainer,
    diversity,
    mean_pairwise_distance,
    nearest_labels,
)

PLANE_DATA = ("ring", "line", "mixture", "moons", "drawn")
IMAGE_DATA = ("digits", "patterns")
DataName = Literal[PLANE_DATA + IMAGE_DATA]  # type: ignore[valid-type]
NoiseKind = Literal["uniform", "gaussian"]
Network = Literal["generator", "discriminator"]
PresetName = Literal[tuple(GAN_PRESETS)]  # type: ignore[valid-type]

EXTENT = 1.25  # the plane shown is [-EXTENT, EXTENT]^2
BATCH = {"plane": 64, "images": 32}
SHOWN_POINTS = 200  # real and generated points drawn on the plane
SHOWN_SAMPLES = 16  # generated images in the grid
MEASURED_SAMPLES = 64  # generated images the diversity is measured on
REFERENCE_PER_LABEL = 30  # real images per label they are compared with
MANIFOLD_TICKS = {1: 41, 2: 15}  # noise values per axis of G's manifold
SHOWN_SEED = 1234  # the shown samples come from fixed noise, so they move smoothly
#: Mode collapse is named when G's samples are less than this varied relative to real data
#: (mean pairwise distance ratio), once G has had some updates to learn from.
COLLAPSE_DIVERSITY = 0.35
COLLAPSE_AFTER = 100
MAX_STEPS_PER_ITERATION = 10


def family(data: str) -> Literal["plane", "images"]:
    return "images" if data in IMAGE_DATA else "plane"


def plane_optimizer() -> OptimizerSpec:
    return OptimizerSpec(name="adam", learning_rate=0.005, beta1=0.5)


def image_optimizer() -> OptimizerSpec:
    return OptimizerSpec(name="adam", learning_rate=0.002, beta1=0.5)


#: Network sizes and optimizers that train well, per family; switching family loads them.
FAMILY_DEFAULTS = {
    "plane": lambda: {
        "noise_dim": 2, "g_hidden": [16, 16], "d_hidden": [16, 16],
        "g_optimizer": plane_optimizer(), "d_optimizer": plane_optimizer(),
    },
    "images": lambda: {
        "noise_dim": 8, "g_hidden": [64], "d_hidden": [64],
        "g_optimizer": image_optimizer(), "d_optimizer": image_optimizer(),
    },
}  # fmt: skip

# --- commands -----------------------------------------------------------------------------


class SetData(Message):
    type: Literal["set_data"]
    name: DataName


class DrawPoints(Message):
    """Real data drawn by hand: the points replace any earlier drawing and become the data."""

    type: Literal["draw_points"]
    points: list[tuple[FiniteFloat, FiniteFloat]] = Field(max_length=100_000)


class SetNoise(Message):
    type: Literal["set_noise"]
    kind: NoiseKind
    dim: int


class SetNetworks(Message):
    """Hidden layer widths of G and of D."""

    type: Literal["set_networks"]
    g_hidden: list[int] = Field(max_length=64)
    d_hidden: list[int] = Field(max_length=64)


class SetOptimizer(Message):
    type: Literal["set_optimizer"]
    network: Network
    optimizer: OptimizerSpec


class SetSchedule(Message):
    """k: discriminator updates, then generator updates, per iteration."""

    type: Literal["set_schedule"]
    d_steps: int = Field(ge=1, le=MAX_STEPS_PER_ITERATION)
    g_steps: int = Field(1, ge=1, le=MAX_STEPS_PER_ITERATION)


class StepDiscriminator(Message):
    type: Literal["step_discriminator"]


class StepGenerator(Message):
    type: Literal["step_generator"]


class SetSlowMotion(Message):
    """Pause at every phase of an iteration (D on real, D on fake, D update, G update)."""

    type: Literal["set_slow_motion"]
    on: bool


class SetSeed(Message):
    type: Literal["set_seed"]
    seed: int = Field(ge=0, le=2**32 - 1)


class LoadPreset(Message):
    """One of the examples: its data with the sizes and optimizers that train well on it,
    fresh weights from seed 0, untrained."""

    type: Literal["load_preset"]
    name: PresetName


# --- state --------------------------------------------------------------------------------


class GanState(Message):
    data: DataName = "ring"
    drawn: list[tuple[FiniteFloat, FiniteFloat]] = Field(default_factory=list, max_length=100_000)
    noise_kind: NoiseKind = "uniform"
    noise_dim: int = 2
    g_hidden: list[int] = Field(default_factory=lambda: [16, 16], max_length=64)
    d_hidden: list[int] = Field(default_factory=lambda: [16, 16], max_length=64)
    g_optimizer: OptimizerSpec = Field(default_factory=plane_optimizer)
    d_optimizer: OptimizerSpec = Field(default_factory=plane_optimizer)
    d_steps: int = Field(1, ge=1, le=MAX_STEPS_PER_ITERATION)
    g_steps: int = Field(1, ge=1, le=MAX_STEPS_PER_ITERATION)
    slow_motion: bool = False
    seed: int = Field(0, ge=0, le=2**32 - 1)
    iteration: int = Field(0, ge=0)
    #: None for fresh weights from the seed.
    generator: list[DenseWeights] | None = Field(None, max_length=65)
    discriminator: list[DenseWeights] | None = Field(None, max_length=65)
    preset: PresetName | None = None  # the example last loaded


def preset_state(name: str) -> GanState:
    data = GAN_PRESETS[name]["data"]
    return GanState(**{**FAMILY_DEFAULTS[family(data)](), **GAN_PRESETS[name], "preset": name})


# --- the frame ----------------------------------------------------------------------------


class Readings(BaseModel):
    d_loss: float | None
    g_loss: float | None
    d_real: float | None  # mean D(x) on the last real batch
    d_fake: float | None  # mean D(G(z)) on the last generated batch
    d_updates: int
    g_updates: int


class Phase(BaseModel):
    """Slow motion: the phase just run and the one coming next."""

    done: str | None
    next: str
    position: int  # index of `next` in `schedule`
    schedule: list[str]


class Equilibrium(BaseModel):
    """The book's stopping rule, as followed: smoothed D(real) and D(fake) against 0.5."""

    d_real: float | None
    d_fake: float | None
    tolerance: float
    streak: int  # iterations in a row within tolerance
    patience: int  # needed to stop
    warmup: int  # iterations before the rule applies
    stopped_at: int | None  # iteration at which training last stopped on its own


class Collapse(BaseModel):
    diversity: float  # mean pairwise distance of generated / of real samples
    threshold: float
    collapsed: bool
    classes_covered: int | None  # images: labels among the samples' nearest real images
    classes: int | None


class PlaneView(BaseModel):
    extent: float
    real: list[list[float]]
    fake: list[list[float]]
    arrows: list[list[float]]  # -dL_G/dx at each fake point: where G pushes it
    heatmap: list[list[float]]  # D(x) at cell centres; row 0 is the bottom (y = -extent)
    manifold: list[list[float]]  # G(noise grid): a line (1-D noise) or grid rows (2-D noise)
    manifold_ticks: int
    batch_real: list[list[float]] | None  # slow motion: the batch D is looking at
    batch_fake: list[list[float]] | None
    drawn: list[list[float]] | None


class ImageView(BaseModel):
    side: int
    glyphs: list[str]
    samples: list[list[float]]
    scores: list[float]  # D(x) of each sample
    nearest: list[int]  # label of each sample's nearest real image
    real: list[list[float]]
    real_scores: list[float]


class GanFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: Literal["gan"] = "gan"
    preset: str | None  # the example last loaded
    modified: bool  # trained or set up differently since
    state: dict  # the settings part of the state, for the controls
    kind: Literal["plane", "images"]
    iteration: int
    readings: Readings
    history: dict[str, list]
    phase: Phase | None
    equilibrium: Equilibrium
    collapse: Collapse
    plane: PlaneView | None
    images: ImageView | None


class GanLab(Lab):
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
        data_dim = image_set(config.data).n_pixels if images else 2
        gan = GAN(
            data_dim,
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
                if family(name) == family(self.config.data):
                    self.switch_real_data(name)
                else:
                    self.rebuild(data=name, **FAMILY_DEFAULTS[family(name)]())
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
        r = self.trainer.readings
        with divergence_guard(self.gan.generator.layers + self.gan.discriminator.layers) as g:
            for _ in range(times):
                before = (r.iterations, r.d_updates, r.g_updates)
                action()
                if not g.check(*(v for v in (r.d_loss, r.g_loss) if not np.isnan(v))):
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
        self.step_count = r.iterations
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
                for value in (v for d in saved for row in d.w for v in row):
                    self.check_value(value, "weight")
                net.set_weights([d.model_dump() for d in saved])
        except (ValueError, LabError) as exc:
            self.restore(previous)
            detail = exc.message if isinstance(exc, LabError) else str(exc)
            message = f"The weights do not fit: {detail}"
            raise LabError("bad_state", message, detail=detail) from None
        self.step_count = self.trainer.readings.iterations = state.iteration

    # --- the frame -----------------------------------------------------------------------

    #: What only changes how training is watched, not the example.
    VIEW_FIELDS = frozenset({"generator", "discriminator", "iteration", "slow_motion", "preset"})

    def modified(self) -> bool:
        """Trained since the example was loaded, or set up differently."""
        name = self.config.preset
        if name is None:
            return False
        fields = self.config.model_dump(exclude=self.VIEW_FIELDS)
        example = preset_state(name).model_dump(exclude=self.VIEW_FIELDS)
        r = self.trainer.readings
        return r.d_updates + r.g_updates > 0 or fields != example

    def frame(self) -> GanFrame:
        r = self.trainer.readings
        kind = family(self.config.data)
        generated = self.gan.generate(self.shown_noise)
        nearest = None
        if kind == "images":
            nearest = nearest_labels(generated, self.reference, self.reference_labels)
        return GanFrame(
            preset=self.config.preset,
            modified=self.modified(),
            state=self.config.model_dump(exclude={"generator", "discriminator", "iteration"}),
            kind=kind,
            iteration=self.step_count,
            readings=Readings(
                d_loss=finite_or_none(r.d_loss),
                g_loss=finite_or_none(r.g_loss),
                d_real=finite_or_none(r.d_real),
                d_fake=finite_or_none(r.d_fake),
                d_updates=r.d_updates,
                g_updates=r.g_updates,
            ),
            history=self.history.to_dict(),
            phase=self.phase() if self.config.slow_motion else None,
            equilibrium=Equilibrium(
                d_real=finite_or_none(self.watch.real if self.watch.real is not None else np.nan),
                d_fake=finite_or_none(self.watch.fake if self.watch.fake is not None else np.nan),
                tolerance=self.watch.tolerance,
                streak=self.watch.streak,
                patience=self.watch.patience,
                warmup=self.watch.warmup,
                stopped_at=self.stopped_at,
            ),
            collapse=self.collapse(generated, nearest),
            plane=self.plane_view(generated) if kind == "plane" else None,
            images=self.image_view(generated, nearest) if kind == "images" else None,
        )

    def phase(self) -> Phase:
        schedule = self.trainer.schedule()
        return Phase(
            done=self.trainer.readings.phase,
            next=schedule[self.trainer.position],
            position=self.trainer.position,
            schedule=schedule,
        )

    def plane_view(self, fake: np.ndarray) -> PlaneView:
        gan, r = self.gan, self.trainer.readings
        cells = self.settings.gan_heatmap_cells
        half_cell = EXTENT / cells
        ticks = np.linspace(-EXTENT + half_cell, EXTENT - half_cell, cells)
        gx, gy = np.meshgrid(ticks, ticks)  # row i has y = ticks[i]: row 0 at the bottom
        heat = gan.score(np.column_stack([gx.ravel(), gy.ravel()])).reshape(cells, cells)
        dim = self.config.noise_dim
        ticks_per_axis = MANIFOLD_TICKS.get(dim, 0)
        manifold = (
            gan.generate(noise_grid(self.config.noise_kind, dim, ticks_per_axis))
            if ticks_per_axis
            else np.zeros((0, 2))
        )
        slow = self.config.slow_motion and r.phase is not None
        return PlaneView(
            extent=EXTENT,
            real=rounded(self.reference),
            fake=rounded(fake),
            arrows=rounded(gan.generator_gradient(fake), 4),
            heatmap=rounded(heat),
            manifold=rounded(manifold),
            manifold_ticks=ticks_per_axis,
            batch_real=rounded(r.batch_real) if slow and r.batch_real is not None else None,
            batch_fake=rounded(r.batch_fake) if slow and r.batch_fake is not None else None,
            drawn=[list(p) for p in self.config.drawn] if self.config.data == "drawn" else None,
        )

    def image_view(self, generated: np.ndarray, nearest: np.ndarray) -> ImageView:
        data = image_set(self.config.data)
        samples = generated[:SHOWN_SAMPLES]
        real = data.images[data.per_label(1 if data.name == "digits" else 2)]
        return ImageView(
            side=data.side,
            glyphs=list(data.glyphs),
            samples=rounded(samples, 2),
            scores=rounded(self.gan.score(samples)),
            nearest=nearest[:SHOWN_SAMPLES].tolist(),
            real=rounded(real, 2),
            real_scores=rounded(self.gan.score(real)),
        )

    def collapse(self, generated: np.ndarray, nearest: np.ndarray | None) -> Collapse:
        classes_covered = classes = None
        if nearest is not None:
            classes = len(image_set(self.config.data).glyphs)
            classes_covered = len(set(nearest.tolist()))
        value = diversity(generated, self.reference_spread)
        return Collapse(
            diversity=round(value, 3),
            threshold=COLLAPSE_DIVERSITY,
            collapsed=self.trainer.readings.g_updates >= COLLAPSE_AFTER
            and value < COLLAPSE_DIVERSITY,
            classes_covered=classes_covered,
            classes=classes,
        )
