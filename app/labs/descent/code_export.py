"""The page's network as PyTorch, Keras and a notebook (app/codegen): trained on its batch."""

from neural_playground.app.codegen import CodeExport
from neural_playground.app.labs.common.code_export import step_through_export


def describe(lab) -> CodeExport:
    x, y = lab.batch()
    return step_through_export(lab, x, y, batch_size=len(x))
