"""What the B.1-B.2 page draws: the frame model, and `NeuronsRendering`, the part of
`NeuronsLab` that runs the network forward with its trace (every layer's sum and output)."""

from typing import Literal

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.base import CHANGES, Parts
from neural_playground.app.labs.common.stepthrough_frame import StepThroughView, TrainingView
from neural_playground.app.labs.common.training import (
    check_loss_fits,
    check_targets,
)
from neural_playground.app.protocol import LabError
from neural_playground.engine.losses import evaluate


class NeuronLayer(BaseModel):
    activation: str
    w: list[list[float]]  # (n_in, n_out)
    b: list[float]
    terms: list[list[float]]  # terms[j][i] = x_i * w_ij, the products summed into z_j
    z: list[float]
    a: list[float]


class NeuronsFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: Literal["neurons"] = "neurons"
    preset: str  # the example last loaded
    modified: bool  # edited since it was loaded
    note: str | None  # catalog key of a remark on the book's arithmetic
    input_names: list[str]
    inputs: list[float]
    layers: list[NeuronLayer]
    output: float
    output_kind: str
    target: list[float]  # the wanted outputs (B.3)
    loss_now: float | None  # the loss of the output above; None if the loss does not apply
    training: TrainingView
    step_through: StepThroughView | None  # the iteration being walked, phases so far


class NeuronsRendering:
    """The part of `NeuronsLab` that renders the traced forward pass."""

    def frame(self, parts: Parts = CHANGES) -> NeuronsFrame:
        out, trace = self.model.forward(self.x[None, :], trace=True)
        layers = []
        for layer, record in zip(self.model.layers, trace, strict=True):
            x = record["x"][0]
            w = layer.params["w"]
            layers.append(
                NeuronLayer(
                    activation=layer.activation,
                    w=w.tolist(),
                    b=layer.params["b"].tolist(),
                    terms=(x[:, None] * w).T.tolist(),
                    z=record["z"][0].tolist(),
                    a=record["a"][0].tolist(),
                )
            )
        return NeuronsFrame(
            preset=self.origin.name,
            modified=self.modified,
            note=None if self.modified else self.origin.note,
            input_names=self.input_names,
            inputs=self.x.tolist(),
            layers=layers,
            output=float(out[0, 0]),
            output_kind="probability" if layers[-1].activation == "sigmoid" else "value",
            target=self.target.tolist(),
            loss_now=self.loss_now(out),
            training=self.trainer.view(),
            step_through=self.trainer.step_through_view(),
        )

    def loss_now(self, out: np.ndarray) -> float | None:
        """The chosen loss of the output against the target, when it applies and is finite."""
        try:
            check_loss_fits(self.model, self.trainer.loss)
            check_targets(self.trainer.loss, self.target)
            value = evaluate(self.trainer.loss, out, self.target[None, :])[0]
        except (LabError, ValueError):
            return None
        return value if np.isfinite(value) else None
