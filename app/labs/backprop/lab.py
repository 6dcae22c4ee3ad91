"""B.3, "Loss functions and backpropagation": the book's 2-2-1 example and the loss table.

The learner picks a row of the book's tf.keras loss table (a kind of problem); the lab loads a
small network and batch for it and trains it with the step-through. For the book's own
example (regression to any value) the frame also carries the book's hand adjustment beside
what gradient descent really does, every number computed by the engine.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.backprop.commands import (
    BackpropState,
    LoadBookStage,
    LoadPreset,
    SetProblem,
)
from neural_playground.app.labs.backprop.frame import (
    BackpropRendering,
    BookView,
)
from neural_playground.app.labs.backprop.presets import (
    BOOK_STAGES,
    DEFAULT_PROBLEM,
    PRESETS,
    PROBLEMS,
    Problem,
)
from neural_playground.app.labs.common.batch_network import (
    LayerWeights,
    build_model,
    restore_model,
    weights_of,
)
from neural_playground.app.labs.common.training import (
    TRAINING_COMMANDS,
    SetTarget,
    StepThroughLab,
    Trainer,
    TrainingSettings,
)
from neural_playground.app.protocol import LabError, command_adapter


class BackpropLab(BackpropRendering, StepThroughLab):
    name = "backprop"
    commands = command_adapter(SetProblem, LoadBookStage, LoadPreset, SetTarget, *TRAINING_COMMANDS)
    State = BackpropState

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.trainer = Trainer(settings)
        self._book: tuple[float | None, BookView | None] = (None, None)
        self.load(PROBLEMS[DEFAULT_PROBLEM])
        self.preset: str | None = "b4_start"  # the default problem is figure B-4

    # --- state --------------------------------------------------------------------------

    def load(self, problem: Problem) -> None:
        self.problem = problem
        self.model = build_model(problem.activations, self.preset_weights(problem))
        self.x = np.array(problem.x, dtype=float)
        self.y = np.array(problem.y, dtype=float)
        self.trainer.apply(
            TrainingSettings(loss=problem.losses[0], learning_rate=problem.learning_rate)
        )
        self.sync()

    @staticmethod
    def preset_weights(problem: Problem) -> list[LayerWeights]:
        return [
            LayerWeights(w=[list(r) for r in w], b=None if b is None else list(b))
            for w, b in zip(problem.weights, problem.biases, strict=True)
        ]

    def reset(self) -> None:
        if self.preset is not None:
            self.load_preset(self.preset)
        else:
            self.load(self.problem)

    def load_preset(self, name: str) -> None:
        self.load(PROBLEMS["regression"])
        self.set_stage(PRESETS[name])
        self.preset = name

    def set_stage(self, name: str) -> None:
        stage = BOOK_STAGES[name]
        self.model.set_weights([{"w": stage.w1}, {"w": stage.w2}])
        self.trainer.cancel()
        self.trainer.optimizer.reset()

    def modified(self) -> bool:
        """Whether the page still shows the figure `preset` as loaded."""
        if self.preset is None:
            return False
        stage, problem = BOOK_STAGES[PRESETS[self.preset]], PROBLEMS["regression"]
        settings = TrainingSettings(loss=problem.losses[0], learning_rate=problem.learning_rate)
        return not (
            self.problem is problem
            and all(
                np.array_equal(layer.params["w"], w)
                for layer, w in zip(self.model.layers, (stage.w1, stage.w2), strict=True)
            )
            and np.array_equal(self.y, problem.y)
            and self.trainer.settings_model() == settings
            and not self.trainer.walking
        )

    def batch(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x, self.y

    def handle_lesson(self, command: BaseModel) -> None:
        match command:
            case SetProblem(problem=name):
                self.load(PROBLEMS[name])
                self.preset = None
            case LoadPreset(name=name):
                self.load_preset(name)
            case LoadBookStage(stage=name):
                if self.problem.name != "regression":
                    self.load(PROBLEMS["regression"])
                self.set_stage(name)
                self.preset = next(p for p, s in PRESETS.items() if s == name)
            case SetTarget(sample=sample, j=j, value=value):
                self.require_index(sample, self.y.shape[0], "sample")
                self.require_index(j, self.y.shape[1], "j")
                self.y[sample, j] = self.check_value(value, "target")
                self.trainer.cancel()
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    def snapshot(self) -> BackpropState:
        return BackpropState(
            problem=self.problem.name,
            preset=self.preset,
            weights=weights_of(self.model),
            targets=self.y.tolist(),
            training=self.trainer.settings_model(),
        )

    def restore(self, state: BackpropState) -> None:
        problem = PROBLEMS[state.problem]
        like = build_model(problem.activations, self.preset_weights(problem))
        model = restore_model(problem.activations, state.weights, like)
        targets = np.array(state.targets, dtype=float)
        if targets.shape != np.shape(problem.y):
            raise LabError("bad_state", "The targets do not fit the batch.", detail="targets")
        self.trainer.check_learning_rate(state.training.learning_rate)
        self.load(problem)
        self.model, self.y = model, targets
        self.trainer.apply(state.training)
        self.preset = state.preset if state.problem == "regression" else None
        self.sync()
