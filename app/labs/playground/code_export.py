"""The playground's network as PyTorch, Keras and a notebook (app/codegen): trained on the
training points' features in the page's mini-batches, checked on every point (train and
test), with the page's penalty."""

from neural_playground.app.codegen import CodeExport
from neural_playground.app.labs.common.code_export import step_through_export


def describe(lab) -> CodeExport:
    batch = min(lab.network.batch_size, len(lab.train_targets))
    return step_through_export(
        lab,
        lab.train_features,
        lab.train_targets,
        batch_size=batch,
        shown=lab.all_features,
        notes=[("features", {"features": ", ".join(lab.network.features)})],
    )
