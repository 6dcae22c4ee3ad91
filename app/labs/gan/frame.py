"""What the GAN page draws: the frame model, and `GanRendering`, the part of `GanLab` that
renders it (the plane with D's map, G's arrows and manifold, or the grid of samples; the
readings, the phase in slow motion, the equilibrium watch and mode collapse)."""

from typing import Literal

import numpy as np
from pydantic import BaseModel

from neural_playground.app.data.images import image_set
from neural_playground.app.labs.common.base import CHANGES, Parts
from neural_playground.app.labs.common.examples import left_example
from neural_playground.app.labs.common.numbers import finite_or_none, rounded
from neural_playground.app.labs.gan.commands import family, preset_state
from neural_playground.engine.data.distributions import noise_grid
from neural_playground.engine.gan import (
    diversity,
    nearest_labels,
)

EXTENT = 1.25  # the plane shown is [-EXTENT, EXTENT]^2
SHOWN_SAMPLES = 16  # generated images in the grid
MANIFOLD_TICKS = {1: 41, 2: 15}  # noise values per axis of G's manifold
#: Mode collapse is named when G's samples are less than this varied relative to real data
#: (mean pairwise distance ratio), once G has had some updates to learn from.
COLLAPSE_DIVERSITY = 0.35
COLLAPSE_AFTER = 100


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


class GanRendering:
    """The part of `GanLab` that renders what the page draws, from G, D and the readings."""

    #: What only changes how training is watched, not the example.
    VIEW_FIELDS = frozenset({"generator", "discriminator", "iteration", "slow_motion", "preset"})

    def modified(self) -> bool:
        name = self.config.preset
        example = None if name is None else preset_state(name)
        trained = self.trainer.readings.d_updates + self.trainer.readings.g_updates > 0
        return left_example(self.config, example, trained, self.VIEW_FIELDS)

    def frame(self, parts: Parts = CHANGES) -> GanFrame:
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
