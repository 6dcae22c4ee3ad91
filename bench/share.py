"""Sharing: how long a shared link gets, and how fast the weights export answers.

The link is `#s=` + base64url(deflate-raw(JSON)) (static/js/core/share.js); raw DEFLATE at
zlib's default level stands in for the browser's CompressionStream here (same format,
sizes within a few bytes). The export is timed through the app in-process (TestClient).
"""

import base64
import json
import statistics
import time
import zlib

from fastapi.testclient import TestClient

from neural_playground.app.labs.neurons.lab import NeuronsLab
from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings


def link_length(state: dict, tour: int | None = None) -> int:
    shared = {"format": 1, "lab": "neurons", "state": state, "tour": tour}
    text = json.dumps(shared, separators=(",", ":"))
    packer = zlib.compressobj(wbits=-15)
    deflated = packer.compress(text.encode()) + packer.flush()
    return len(base64.urlsafe_b64encode(deflated).rstrip(b"=")) + len("#s=")


def largest_state(settings: Settings) -> dict:
    """The biggest neurons network the server allows, with random (incompressible) weights."""
    lab = NeuronsLab(settings)
    lab.handle(
        NeuronsLab.commands.validate_python(
            {"type": "set_architecture", "hidden": [settings.max_neurons] * settings.max_layers}
        )
    )
    lab.handle(NeuronsLab.commands.validate_python({"type": "randomize", "seed": 1}))
    return lab.snapshot().model_dump(mode="json")


def run() -> list[tuple[str, str, str]]:
    settings = Settings()
    book = NeuronsLab(settings).snapshot().model_dump(mode="json")
    largest = largest_state(settings)
    shape = f"{settings.max_layers}x{settings.max_neurons}"
    rows = [
        ("share link, neurons page, book example (hash)", f"{link_length(book, 1)}", "chars"),
        (f"share link, neurons page, {shape} random weights", f"{link_length(largest)}", "chars"),
    ]
    with TestClient(create_app(settings)) as client:
        times = []
        for _ in range(200):
            started = time.perf_counter()
            response = client.post("/export/neurons/weights.npz", json=largest)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    rows.append(
        (
            "weights export .npz, largest neurons network, median",
            f"{statistics.median(times):.2f}",
            "ms",
        )
    )
    return rows
