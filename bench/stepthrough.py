"""The step-through and the training pages: the cost of recording an iteration, of training
while playing, and of the B.4 page's loss landscapes."""

import copy
import time

import numpy as np

from neural_playground.app.labs.common.training import StepPhase
from neural_playground.app.labs.descent.commands import LoadPreset
from neural_playground.app.labs.descent.lab import DescentLab
from neural_playground.app.labs.neurons.lab import NeuronsLab
from neural_playground.app.settings import Settings
from neural_playground.engine.layers import Dense
from neural_playground.engine.model import Sequential
from neural_playground.engine.optimizers import Optimizer
from neural_playground.engine.stepthrough import step_through


def per_call_ms(fn, seconds: float = 1.5) -> float:
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        calls += 1
    return (time.perf_counter() - start) / calls * 1000


def book_network() -> Sequential:
    hidden, output = Dense(2, 2, use_bias=False), Dense(2, 1, use_bias=False)
    hidden.params["w"][...] = [[1.0, 0.5], [2.0, 1.0]]
    output.params["w"][...] = [[1.0], [0.5]]
    return Sequential([hidden, output])


def play_steps_per_second(steps_per_frame: int, seconds: float = 2.0) -> float:
    """What the session's play loop does, without the socket: train, then encode a frame."""
    lab = NeuronsLab(Settings())
    lab.trainer.optimizer.learning_rate = 0.001
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        lab.train(steps_per_frame)
        lab.frame().model_dump_json()
        steps += steps_per_frame
    return steps / (time.perf_counter() - start)


def run() -> list[tuple[str, str, str]]:
    x, y = np.array([[2.0, 1.0]]), np.array([[3.0]])
    model, sgd = book_network(), Optimizer("sgd", learning_rate=0.001)
    record_ms = per_call_ms(lambda: step_through(model, x, y, "mse", sgd))
    plain = book_network()
    plain_ms = per_call_ms(lambda: plain.train_step(x, y, "mse", sgd))

    lab = NeuronsLab(Settings())
    phase = StepPhase(type="step_phase")
    phase_ms = per_call_ms(lambda: (lab.handle(phase), lab.frame().model_dump_json()))

    descent = DescentLab(Settings())
    descent.handle(LoadPreset(type="load_preset", name="b3_network"))
    surface_ms = per_call_ms(lambda: (descent.restart_trail(), descent.frame().model_dump_json()))
    steady = copy.deepcopy(descent)
    steady.frame()
    curve_ms = per_call_ms(lambda: steady.frame().model_dump_json())
    one, sixty = play_steps_per_second(1), play_steps_per_second(60)
    return [
        ("step-through: record one iteration, B.3 2-2-1", f"{record_ms:.3f}", "ms"),
        ("plain train_step, B.3 2-2-1 (for comparison)", f"{plain_ms:.3f}", "ms"),
        ("neurons page: one Step (phase) + its frame", f"{phase_ms:.2f}", "ms"),
        ("neurons page playing, 1 step per frame", f"{one:,.0f}", "steps/s"),
        ("neurons page playing, 60 steps per frame", f"{sixty:,.0f}", "steps/s"),
        ("descent page: frame with a new 41x41 surface", f"{surface_ms:.1f}", "ms"),
        ("descent page: frame, curve and slopes only", f"{curve_ms:.2f}", "ms"),
    ]
