"""The convolution page (B.6): stroke-to-frame latency, frame cost, and training the head."""

import asyncio
import statistics
import time

from bench.latency import measure, summary
from bench.server import running_server
from neural_playground.app.labs.conv.commands import LoadPreset, SetConv, SetKernelSize, SetMode
from neural_playground.app.labs.conv.head import Pipeline, train_head
from neural_playground.app.labs.conv.lab import ConvLab
from neural_playground.app.settings import Settings


def stroke(k: int) -> dict:
    """A one-cell stroke wandering over the grid, alternating the two inks."""
    return {"type": "paint", "cells": [[k % 5, (k // 5) % 5]], "value": 1 + k % 2}


def frame_ms(lab: ConvLab, repeats: int = 200) -> float:
    lab.frame()  # trains (or fetches) the head once
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        lab.frame().model_dump_json()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def head_training_ms(pipeline: Pipeline, steps: int, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        train_head(pipeline, steps)
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def run() -> list[tuple[str, str, str]]:
    settings = Settings()
    book = ConvLab(settings)
    colour = ConvLab(settings)
    colour.handle(LoadPreset(type="load_preset", name="colour"))
    colour.handle(SetMode(type="set_mode", mode="rgb"))
    colour.handle(SetKernelSize(type="set_kernel_size", size=3))
    colour.handle(SetConv(type="set_conv", stride=1, padding=2))  # the largest frame: 7x7
    with running_server() as host:
        latency = asyncio.run(measure(host, 300, lab="conv", message=stroke))
    return [
        *summary("stroke-to-frame latency, conv page", latency),
        ("conv frame + JSON, book example (head cached)", f"{frame_ms(book):.2f}", "ms"),
        ("conv frame + JSON, RGB 3x3 kernels, padding 2", f"{frame_ms(colour):.2f}", "ms"),
        (
            f"conv head training, new grey pipeline ({settings.conv_head_steps} steps)",
            f"{head_training_ms(book.pipeline(), settings.conv_head_steps):.0f}",
            "ms",
        ),
        (
            f"conv head training, new RGB pipeline ({settings.conv_head_steps} steps)",
            f"{head_training_ms(colour.pipeline(), settings.conv_head_steps):.0f}",
            "ms",
        ),
    ]
