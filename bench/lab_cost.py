"""What a playing session costs its lab process: one training step, one frame.

The 2-D playground with TensorFlow Playground's network (2-8-8-1 tanh, 500 points, batches
of 10), asked what the play loop asks (`Train`, playing, for a page that draws its own
maps): bursts of 1 step and of 100 steps, each with its frame. A step costs the difference
over 99; a frame (the losses over every point, the frame, its JSON) what a 1-step burst
costs beyond its step; a light frame (a full room: the losses every other frame) likewise,
averaged over light frames in a row.

Measured in the thread's own CPU time (best of ROUNDS), not in wall time: on a machine
busy with other work the figures stay what this code costs, so two versions of it can be
compared there. The server process's own share of a frame (the pipe, the websocket) is not
in it: `python -m bench.load` has the whole.

`python -m bench lab_cost`.
"""

import time

from neural_playground.app.labrun.labcalls import Framing, Train
from neural_playground.app.labs.common.base import LIGHT, Parts
from neural_playground.app.labs.playground.lab import PlaygroundLab
from neural_playground.app.settings import Settings

ROUNDS = 5
DRAWS = frozenset({"maps"})  # what the playground's page draws itself
WHOLE = Framing(Parts(without=DRAWS))
LIGHT_FRAME = Framing(Parts(stale=LIGHT.stale, without=DRAWS))


def playing_lab() -> PlaygroundLab:
    lab = PlaygroundLab(Settings())
    network = {"type": "set_network", "hidden": [8, 8], "activations": ["tanh", "tanh"]}
    lab.handle(lab.commands.validate_python(network))
    return lab


def cpu_seconds(call: Train, lab: PlaygroundLab, times: int) -> float:
    """CPU seconds of one `call`, the mean of `times` in a row."""
    started = time.thread_time()
    for _ in range(times):
        call.apply(lab)
    return (time.thread_time() - started) / times


def run() -> list[tuple[str, str, str]]:
    lab = playing_lab()
    calls = {
        "one": (Train(1, WHOLE, True), 400),
        "hundred": (Train(100, WHOLE, True), 20),
        "light": (Train(1, LIGHT_FRAME, True), 400),
    }
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(ROUNDS):  # interleaved: a busy moment falls on all of them alike
        for name, (call, times) in calls.items():
            best[name] = min(best[name], cpu_seconds(call, lab, times))
    step = (best["hundred"] - best["one"]) / 99
    name = "playground 2-8-8-1, lab process CPU"
    return [
        (f"{name}: a playing step", f"{step * 1e6:.1f}", "µs"),
        (
            f"{name}: a frame (losses over every point, JSON)",
            f"{(best['one'] - step) * 1e6:.1f}",
            "µs",
        ),
        (
            f"{name}: a light frame (losses every other frame)",
            f"{(best['light'] - step) * 1e6:.1f}",
            "µs",
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print("| " + " | ".join(row) + " |")
