"""The generative labs (B.8): training speed, and the cost and size of one frame.

Frames carry images, a heatmap and hundreds of points, so their size and build time decide
how many learners one server can stream to at the capped frame rate.
"""

import time

from neural_playground.app.labs.autoencoder.lab import AutoencoderLab
from neural_playground.app.labs.gan.commands import SetData
from neural_playground.app.labs.gan.lab import GanLab
from neural_playground.app.settings import Settings


def rate(fn, seconds: float = 2.0) -> float:
    """Calls of fn() per second over about `seconds`."""
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        calls += 1
    return calls / (time.perf_counter() - start)


def lab_rows(name: str, lab, unit: str) -> list[tuple[str, str, str]]:
    lab.train(50)  # past the first steps, with a history to send
    steps = rate(lambda: lab.train(10)) * 10
    frames = rate(lambda: lab.frame().model_dump_json(), seconds=1.0)
    size = len(lab.frame().model_dump_json())
    return [
        (f"{name}: training", f"{steps:,.0f}", unit),
        (f"{name}: frame built and encoded", f"{1000 / frames:.1f}", "ms"),
        (f"{name}: frame size", f"{size / 1000:.1f}", "KB"),
    ]


def run() -> list[tuple[str, str, str]]:
    settings = Settings()
    images = GanLab(settings)
    images.handle(SetData(type="set_data", name="digits"))
    return [
        *lab_rows("autoencoder 64-32-2-32-64, batch 32", AutoencoderLab(settings), "steps/s"),
        *lab_rows("GAN on the plane (ring), batch 64", GanLab(settings), "iterations/s"),
        *lab_rows("GAN on 8x8 digits, batch 32", images, "iterations/s"),
    ]
