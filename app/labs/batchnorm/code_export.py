"""Both networks of the B.5 page as PyTorch, Keras and a notebook (app/codegen): the plain
one and the one with batch normalization, trained on the same points with SGD; checked in
evaluation mode (batch normalization with its running statistics)."""

from neural_playground.app.codegen import Check, CodeExport, Network, Supervised
from neural_playground.app.labs.batchnorm.networks import RUNS


def describe(lab) -> CodeExport:
    networks = [Network(name, run.model) for name, run in zip(RUNS, lab.runs, strict=True)]
    return CodeExport(
        lesson=lab.name,
        networks=networks,
        arrays={"X": lab.x, "Y": lab.y},
        checks=[Check(net.name, "X", net.model.predict(lab.x)) for net in networks],
        training=Supervised(
            networks=list(RUNS),
            x="X",
            y="Y",
            loss="binary_crossentropy",
            from_logits=True,
            optimizer=lab.runs[0].optimizer,
            batch_size=lab.config.batch_size,
        ),
        notes=[("batchnorm", {}), ("logits", {}), ("batchnorm_torch", {})],
    )
