"""B.8.1, the autoencoder: small images squeezed through a bottleneck of a few numbers and
rebuilt, trained live. The frame shows originals beside their reconstructions, the loss
curve, every image's code on the latent plane, the image decoded from any point of that
plane, and the learner's own drawing going through the same network.
"""

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from app.data.images import ImageSet, ImageSetName, image_set
from app.labs.autoencoder.presets import PRESETS as AUTOENCODER_PRESETS
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
from app.labs.neurons.lab import DenseWeights
from app.protocol import FiniteFloat, LabError, Message, command_adapter
from engine.autoencoder import Autoencoder, add_noise, edge_strength, plane_projection
from engine.losses import mse

HiddenActivation = Literal["tanh", "relu", "leaky_relu", "sigmoid"]
PresetName = Literal[tuple(AUTOENCODER_PRESETS)]  # type: ignore[valid-type]
BATCH_SIZE = 32
#: Images shown as originals / reconstructions, per label; points on the latent plane, per label.
SHOWN_PER_LABEL = {"digits": 1, "patterns": 2}
PLOTTED_PER_LABEL = {"digits": 20, "patterns": 5}
#: The noise on the shown originals is drawn from its own fixed seed: it stays put between
#: frames, so only the reconstructions change as the network learns.
SHOWN_NOISE_SEED = 7

# --- commands -----------------------------------------------------------------------------


class SetDataset(Message):
    type: Literal["set_dataset"]
    name: ImageSetName


class SetArchitecture(Message):
    """Hidden layer widths of the encoder (the decoder mirrors them) and the code size."""

    type: Literal["set_architecture"]
    hidden: list[int] = Field(max_length=64)
    bottleneck: int


class SetActivation(Message):
    type: Literal["set_activation"]
    activation: HiddenActivation


class SetOptimizer(Message):
    type: Literal["set_optimizer"]
    optimizer: OptimizerSpec


class SetNoise(Message):
    """Denoising: the encoder sees images with this much Gaussian noise, the target is clean."""

    type: Literal["set_noise"]
    level: FiniteFloat = Field(ge=0, le=1)


class SetSeed(Message):
    """Fresh weights and batches from this seed."""

    type: Literal["set_seed"]
    seed: int = Field(ge=0, le=2**32 - 1)


class Decode(Message):
    """Decode the point (x, y) of the latent plane into an image."""

    type: Literal["decode"]
    x: FiniteFloat
    y: FiniteFloat


class SetDrawing(Message):
    """The learner's own image, row by row, pixels 0 (paper) to 1 (ink); null clears it."""

    type: Literal["set_drawing"]
    pixels: list[FiniteFloat] | None = Field(max_length=1024)


class LoadPreset(Message):
    """One of the examples: its settings, fresh weights from seed 0, untrained."""

    type: Literal["load_preset"]
    name: PresetName


# --- state --------------------------------------------------------------------------------


class AutoencoderState(Message):
    """Everything to rebuild the page: data, network, weights, training settings, probes."""

    dataset: ImageSetName = "digits"
    hidden: list[int] = Field(default_factory=lambda: [32], max_length=64)
    bottleneck: int = 2
    activation: HiddenActivation = "tanh"
    optimizer: OptimizerSpec = Field(default_factory=OptimizerSpec)
    noise: FiniteFloat = Field(0.0, ge=0, le=1)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    step: int = Field(0, ge=0)
    #: Encoder layers then decoder layers; None for fresh weights from the seed.
    weights: list[DenseWeights] | None = Field(None, max_length=130)
    probe: tuple[FiniteFloat, FiniteFloat] | None = None
    drawing: list[FiniteFloat] | None = Field(None, max_length=1024)
    preset: PresetName | None = None  # the example last loaded


# --- the frame ----------------------------------------------------------------------------


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


class AutoencoderLab(Lab):
    name = "autoencoder"
    trainable = True
    commands = command_adapter(
        SetDataset, SetArchitecture, SetActivation, SetOptimizer, SetNoise, SetSeed, Decode,
        SetDrawing, LoadPreset,
    )  # fmt: skip
    State = AutoencoderState

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.history = History(["loss"])
        self.build(AutoencoderState(preset="b25_compress"))  # the defaults: figure B-25

    # --- building ------------------------------------------------------------------------

    def build(self, config: AutoencoderState) -> None:
        """A fresh network and optimizer for `config` (checked first; nothing changes on error)."""
        hidden = check_hidden(config.hidden, self.settings)
        check_latent(config.bottleneck, self.settings, "bottleneck")
        optimizer = make_optimizer(config.optimizer, self.settings)
        data = image_set(config.dataset)
        model = Autoencoder(
            data.n_pixels, hidden, config.bottleneck, config.activation, seed=config.seed
        )
        if config.drawing is not None:
            self.check_drawing(config.drawing, data)
        self.config = config.model_copy(update={"weights": None, "step": 0})
        self.data: ImageSet = data
        self.model, self.optimizer = model, optimizer
        self.rng = np.random.default_rng(config.seed)
        self.step_count = 0
        self.last_loss = float("nan")
        self.history.clear()
        self.diverged = False

    def rebuild(self, **changes) -> None:
        self.build(self.config.model_copy(update=changes))

    def reset(self) -> None:
        self.rebuild()

    def handle(self, command: BaseModel) -> None:
        match command:
            case SetDataset(name=name):
                self.rebuild(dataset=name, drawing=None, probe=None)
            case SetArchitecture(hidden=hidden, bottleneck=bottleneck):
                self.rebuild(hidden=hidden, bottleneck=bottleneck, probe=None)
            case SetActivation(activation=activation):
                self.rebuild(activation=activation)
            case SetSeed(seed=seed):
                self.rebuild(seed=seed)
            case SetOptimizer(optimizer=spec):
                self.optimizer = make_optimizer(spec, self.settings)  # weights stay
                self.config.optimizer = spec
            case SetNoise(level=level):
                self.config.noise = level  # weights stay: it goes on learning, now to denoise
            case Decode(x=x, y=y):
                self.config.probe = (self.check_value(x, "x"), self.check_value(y, "y"))
            case SetDrawing(pixels=pixels):
                if pixels is not None:
                    self.check_drawing(pixels, self.data)
                self.config.drawing = pixels
            case LoadPreset(name=name):
                self.build(AutoencoderState(**AUTOENCODER_PRESETS[name], preset=name))
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    @staticmethod
    def check_drawing(pixels: list[float], data: ImageSet) -> None:
        if len(pixels) != data.n_pixels or any(not 0.0 <= p <= 1.0 for p in pixels):
            raise LabError(
                "bad_drawing",
                f"A drawing needs {data.n_pixels} pixels ({data.side}x{data.side}), each "
                "between 0 and 1.",
                pixels=data.n_pixels,
                side=data.side,
            )

    # --- training ------------------------------------------------------------------------

    def train(self, steps: int) -> None:
        images = self.data.images
        batch = min(BATCH_SIZE, len(images))
        with divergence_guard(self.model.layers) as guard:
            for _ in range(steps):
                clean = images[self.rng.integers(0, len(images), batch)]
                noisy = add_noise(clean, self.config.noise, self.rng)
                loss = self.model.train_step(noisy, clean, self.optimizer)
                if not guard.check(loss):
                    break
                self.step_count += 1
                self.last_loss = loss
                self.history.add(self.step_count, loss=loss)
        if guard.diverged:
            self.diverged = True
            self.optimizer.reset()

    # --- whole state ---------------------------------------------------------------------

    def snapshot(self) -> AutoencoderState:
        weights = [DenseWeights.model_validate(w) for w in self.model.get_weights()]
        return self.config.model_copy(update={"step": self.step_count, "weights": weights})

    def restore(self, state: AutoencoderState) -> None:
        previous = self.snapshot()  # to put back if the weights do not fit
        self.build(state)
        if state.weights is not None:
            for value in (v for d in state.weights for row in d.w for v in row):
                self.check_value(value, "weight")
            try:
                self.model.set_weights([d.model_dump() for d in state.weights])
            except ValueError as exc:
                self.restore(previous)
                raise LabError(
                    "bad_state", f"The weights do not fit: {exc}", detail=str(exc)
                ) from None
        self.step_count = state.step

    # --- the frame -----------------------------------------------------------------------

    #: What a learner looks at or draws, not how the network is set up.
    VIEW_FIELDS = frozenset({"weights", "step", "probe", "drawing", "preset"})

    def modified(self) -> bool:
        """Trained since the example was loaded, or set up differently."""
        name = self.config.preset
        if name is None:
            return False
        example = AutoencoderState(**AUTOENCODER_PRESETS[name])
        same = self.config.model_dump(exclude=self.VIEW_FIELDS) == example.model_dump(
            exclude=self.VIEW_FIELDS
        )
        return self.step_count > 0 or not same

    def frame(self) -> AutoencoderFrame:
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


def plane_extent(points: np.ndarray, margin: float = 0.15) -> list[float]:
    """The region to draw: the points' bounding box grown by `margin` on each side."""
    low, high = points.min(axis=0), points.max(axis=0)
    pad = np.maximum((high - low) * margin, 0.1)
    return rounded([low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1]])
