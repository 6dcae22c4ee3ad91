"""B.8.1, the autoencoder: small images squeezed through a bottleneck of a few numbers and
rebuilt, trained live. The frame shows originals beside their reconstructions, the loss
curve, every image's code on the latent plane, the image decoded from any point of that
plane, and the learner's own drawing going through the same network.
"""

import numpy as np
from pydantic import BaseModel

from neural_playground.app.data.images import ImageSet, image_set
from neural_playground.app.labs.autoencoder.commands import (
    AutoencoderState,
    Decode,
    LoadPreset,
    SetActivation,
    SetArchitecture,
    SetDataset,
    SetDrawing,
    SetNoise,
    SetOptimizer,
    SetSeed,
)
from neural_playground.app.labs.autoencoder.frame import AutoencoderRendering
from neural_playground.app.labs.autoencoder.presets import PRESETS as AUTOENCODER_PRESETS
from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.common.history import History
from neural_playground.app.labs.common.training_checks import (
    check_hidden,
    check_latent,
    make_optimizer,
)
from neural_playground.app.labs.neurons.commands import DenseWeights
from neural_playground.app.protocol import LabError, command_adapter
from neural_playground.engine.autoencoder import Autoencoder, add_noise
from neural_playground.engine.guard import divergence_guard

BATCH_SIZE = 32


class AutoencoderLab(AutoencoderRendering, Lab):
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
        with divergence_guard(self.model.layers, self.settings.max_abs_value) as guard:
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
            try:
                self.model.set_weights([d.model_dump() for d in state.weights])
            except ValueError as exc:
                self.restore(previous)
                raise LabError(
                    "bad_state", f"The weights do not fit: {exc}", detail=str(exc)
                ) from None
        self.step_count = state.step
