"""The code export of the step-through pages (neurons, backprop, descent, playground): one
network trained by a `Trainer` on `x -> y`; each page says which data and batch size."""

from __future__ import annotations

import numpy as np

from neural_playground.app.codegen import Check, CodeExport, Network, Supervised
from neural_playground.app.labs.common.training import StepThroughLab


def step_through_export(
    lab: StepThroughLab,
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shown: np.ndarray | None = None,
    notes: list[tuple[str, dict]] | None = None,
) -> CodeExport:
    """`lab.model` trained on (x, y) as the page trains it; checked on `shown` (default x),
    the points the page predicts."""
    trainer = lab.trainer
    shown = x if shown is None else shown
    notes = list(notes or [])
    if trainer.from_logits:
        notes.append(("logits", {}))
    arrays = {"X": x, "Y": y} | ({"SHOWN": shown} if shown is not x else {})
    return CodeExport(
        lesson=lab.name,
        networks=[Network("model", lab.model)],
        arrays=arrays,
        checks=[Check("model", "SHOWN" if shown is not x else "X", lab.model.predict(shown))],
        training=Supervised(
            networks=["model"],
            x="X",
            y="Y",
            loss=trainer.loss,
            optimizer=trainer.optimizer,
            batch_size=batch_size,
            from_logits=trainer.from_logits,
            regularizer=trainer.regularizer,
        ),
        notes=notes,
    )
