"""What the autoencoder page draws: the frame model, and `AutoencoderRendering`, the part of
`AutoencoderLab` that renders it (originals and reconstructions, the latent plane, the
decoder probed at a point, the learner's drawing encoded)."""

from typing import Literal

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.autoencoder.commands import AutoencoderState
from neural_playground.app.labs.autoencoder.presets import PRESETS as AUTOENCODER_PRESETS
from neural_playground.app.labs.common.base import CHANGES, Parts
from neural_playground.app.labs.common.examples import left_example
from neural_playground.app.labs.common.numbers import finite_or_none, rounded
from neural_playground.engine.autoencoder import add_noise, edge_strength, plane_projection
from neural_playground.engine.losses import mse

#: Images shown as originals / reconstructions, per label; points on the latent plane, per label.
SHOWN_PER_LABEL = {"digits": 1, "patterns": 2}
PLOTTED_PER_LABEL = {"digits": 20, "patterns": 5}
#: The noise on the shown originals is drawn from its own fixed seed: it stays put between
#: frames, so only the reconstructions change as the network learns.
SHOWN_NOISE_SEED = 7


class LatentView(BaseModel):
    #: "code" when the plane is the 2-D code itself, "pca" when it shows the two main
    #: directions of longer codes (then a point maps back to the code mean + x*pc1 + y*pc2).
    axes: str
    points: list[list[float]]  # (N, 2)
    labels: list[int]  # index into the frame's `glyphs`
    extent: list[float]  # x_min, x_max, y_min, y_max of the plane shown


class Probe(BaseModel):
    x: float
    y: float
    code: list[float]
    image: list[float]


class DrawingView(BaseModel):
    pixels: list[float]
    point: list[float]  # where its code falls on the latent plane
    reconstruction: list[float]
    error: float


class Blur(BaseModel):
    """Why reconstructions look blurred: how much the bottleneck squeezes, and what it costs."""

    inputs: int  # numbers in one image
    bottleneck: int  # numbers in its code
    compression: float  # inputs / bottleneck
    sharpness: float  # edge strength of reconstructions / of originals (1 = as sharp)
    error: float  # mean squared error over the plotted images, clean inputs


class AutoencoderFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: Literal["autoencoder"] = "autoencoder"
    preset: str | None  # the example last loaded
    modified: bool  # trained or set up differently since
    state: dict  # the settings part of the state (no weights), for the controls
    side: int
    glyphs: list[str]
    step: int
    loss: float | None  # the last training batch's loss
    history: dict[str, list]
    originals: list[list[float]]
    inputs: list[list[float]]  # what the encoder saw: the originals, plus noise when denoising
    reconstructions: list[list[float]]
    errors: list[float]  # per shown image
    latent: LatentView
    probe: Probe | None
    drawing: DrawingView | None
    blur: Blur


def plane_extent(points: np.ndarray, margin: float = 0.15) -> list[float]:
    """The region to draw: the points' bounding box grown by `margin` on each side."""
    low, high = points.min(axis=0), points.max(axis=0)
    pad = np.maximum((high - low) * margin, 0.1)
    return rounded([low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1]])


class AutoencoderRendering:
    """The part of `AutoencoderLab` that renders what the page draws, from the trained network."""

    #: What a learner looks at or draws, not how the network is set up.
    VIEW_FIELDS = frozenset({"weights", "step", "probe", "drawing", "preset"})

    def modified(self) -> bool:
        name = self.config.preset
        example = None if name is None else AutoencoderState(**AUTOENCODER_PRESETS[name])
        return left_example(self.config, example, self.step_count > 0, self.VIEW_FIELDS)

    def frame(self, parts: Parts = CHANGES) -> AutoencoderFrame:
        data, model = self.data, self.model
        shown = data.images[data.per_label(SHOWN_PER_LABEL[data.name])]
        inputs = add_noise(shown, self.config.noise, np.random.default_rng(SHOWN_NOISE_SEED))
        recon = model.reconstruct(inputs)
        plotted = data.per_label(PLOTTED_PER_LABEL[data.name])
        plotted_images = data.images[plotted]
        points, mean, basis = plane_projection(model.encode(plotted_images))
        plotted_recon = model.reconstruct(plotted_images)
        return AutoencoderFrame(
            preset=self.config.preset,
            modified=self.modified(),
            state=self.config.model_dump(exclude={"weights", "step"}),
            side=data.side,
            glyphs=list(data.glyphs),
            step=self.step_count,
            loss=finite_or_none(self.last_loss),
            history=self.history.to_dict(),
            originals=rounded(shown, 2),
            inputs=rounded(inputs, 2),
            reconstructions=rounded(recon, 2),
            errors=rounded(np.mean((recon - shown) ** 2, axis=1), 4),
            latent=LatentView(
                axes="code" if self.config.bottleneck == 2 else "pca",
                points=rounded(points),
                labels=data.labels[plotted].tolist(),
                extent=plane_extent(points),
            ),
            probe=self.probe(mean, basis),
            drawing=self.drawing_view(mean, basis),
            blur=Blur(
                inputs=data.n_pixels,
                bottleneck=self.config.bottleneck,
                compression=round(data.n_pixels / self.config.bottleneck, 2),
                sharpness=round(
                    edge_strength(plotted_recon, data.side)
                    / edge_strength(plotted_images, data.side),
                    3,
                ),
                error=round(mse(plotted_recon, plotted_images)[0], 4),
            ),
        )

    def probe(self, mean: np.ndarray, basis: np.ndarray) -> Probe | None:
        if self.config.probe is None:
            return None
        x, y = self.config.probe
        code = mean + np.array([x, y]) @ basis
        image = self.model.decode(code[None, :])[0]
        return Probe(x=x, y=y, code=rounded(code), image=rounded(image, 2))

    def drawing_view(self, mean: np.ndarray, basis: np.ndarray) -> DrawingView | None:
        if self.config.drawing is None:
            return None
        pixels = np.array(self.config.drawing)[None, :]
        code = self.model.encode(pixels)
        recon = self.model.decode(code)
        return DrawingView(
            pixels=rounded(pixels[0], 2),
            point=rounded((code[0] - mean) @ basis.T),
            reconstruction=rounded(recon[0], 2),
            error=round(mse(recon, pixels)[0], 4),
        )
