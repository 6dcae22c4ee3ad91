"""What the generative labs share: optimizer choices and size checks.

Commands are validated by pydantic first (types, NaN); these checks add the limits that
come from the server's settings, each with an error code the page translates.
"""

from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from neural_playground.app.protocol import FiniteFloat, LabError, Message
from neural_playground.app.settings import Settings
from neural_playground.engine.optimizers import OPTIMIZER_NAMES, Optimizer

OptimizerName = Literal[OPTIMIZER_NAMES]  # type: ignore[valid-type]
MIN_LEARNING_RATE = 1e-6


class OptimizerSpec(Message):
    """An optimizer as the page chooses it: rule, learning rate, and Adam's beta1."""

    name: OptimizerName = "adam"
    learning_rate: FiniteFloat = Field(0.01, gt=0)
    #: Adam's momentum on the gradient (ignored by the others). GANs train better with 0.5
    #: than with the usual 0.9, which lets them overshoot and collapse.
    beta1: FiniteFloat = Field(0.9, ge=0, lt=1)


def check_learning_rate(value: float, settings: Settings) -> float:
    """One rule for every page: from MIN_LEARNING_RATE up to the server's maximum."""
    high = settings.max_learning_rate
    if not MIN_LEARNING_RATE <= value <= high:
        raise LabError(
            "bad_learning_rate",
            f"The learning rate must be above 0 (at least {MIN_LEARNING_RATE:g}) "
            f"and at most {high:g}.",
            low=MIN_LEARNING_RATE,
            high=high,
        )
    return value


def make_optimizer(spec: OptimizerSpec, settings: Settings) -> Optimizer:
    check_learning_rate(spec.learning_rate, settings)
    hyper = {"beta1": spec.beta1} if spec.name == "adam" else {}
    return Optimizer(spec.name, learning_rate=spec.learning_rate, **hyper)


def check_hidden(hidden: Sequence[int], settings: Settings) -> list[int]:
    """Hidden layer widths within the server's limits (an empty list is allowed)."""
    if len(hidden) > settings.max_layers:
        raise LabError(
            "too_many_layers",
            f"This server allows at most {settings.max_layers} hidden layers.",
            limit=settings.max_layers,
        )
    width = settings.max_generative_width
    if any(n < 1 or n > width for n in hidden):
        raise LabError(
            "layer_width",
            f"Each hidden layer needs 1 to {width} neurons (this server's limit).",
            limit=width,
        )
    return list(hidden)


def check_latent(size: int, settings: Settings, what: str) -> int:
    if not 1 <= size <= settings.max_latent:
        raise LabError(
            "latent_size",
            f"The {what} must have 1 to {settings.max_latent} numbers.",
            what=what,
            limit=settings.max_latent,
        )
    return size
