"""What the B.3 page may send: the problem, the book's stages and examples, and the whole
state (`set_state`, shared links)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from neural_playground.app.labs.backprop.presets import (
    BOOK_STAGES,
    PRESETS,
    PROBLEMS,
)
from neural_playground.app.labs.common.batch_network import LayerWeights
from neural_playground.app.labs.common.training import TrainingSettings
from neural_playground.app.protocol import FiniteFloat, Message

ProblemName = Literal[tuple(PROBLEMS)]  # type: ignore[valid-type]
StageName = Literal[tuple(BOOK_STAGES)]  # type: ignore[valid-type]
PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]


class SetProblem(Message):
    """Choose a row of the loss table: its network, batch and recommended loss."""

    type: Literal["set_problem"]
    problem: ProblemName


class LoadBookStage(Message):
    """Put the weights of one of the book's figures (B-4, B-5, B-6) into the 2-2-1 network."""

    type: Literal["load_book_stage"]
    stage: StageName


class LoadPreset(Message):
    """One of the book's figures: the 2-2-1 example afresh, with that stage's weights."""

    type: Literal["load_preset"]
    name: PresetName


class BackpropState(Message):
    problem: ProblemName
    preset: PresetName | None = None  # the figure last loaded, if any
    weights: list[LayerWeights] = Field(min_length=1, max_length=8)
    targets: list[list[FiniteFloat]] = Field(max_length=64)
    training: TrainingSettings
