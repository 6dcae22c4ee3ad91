"""The B.6 pipeline as PyTorch, Keras and a notebook (app/codegen): the learner's kernels
(convolution, ReLU or not, pooling, flatten) and the dense head trained for them, as one
network; the kernels stay fixed and only the head trains, full-batch Adam on the strokes,
as on the page. Checked on the strokes and the learner's picture."""

import numpy as np

from neural_playground.app.codegen import Check, CodeExport, Network, Supervised
from neural_playground.app.labs.conv.head import LEARNING_RATE, stroke_data
from neural_playground.engine.model import Sequential
from neural_playground.engine.optimizers import Optimizer


def describe(lab) -> CodeExport:
    _, head = lab.head_model()
    pipeline = lab.pipeline()
    features = pipeline.feature_model()
    model = Sequential(features.layers + head.layers)
    x, y, _, _ = stroke_data(len(pipeline.kernels))
    picture = lab.image[None]
    shown = np.concatenate([x, picture]) if picture.shape[1:] == x.shape[1:] else x
    return CodeExport(
        lesson=lab.name,
        networks=[Network("model", model, frozen=(0,))],
        arrays={"X": x, "Y": y, "SHOWN": shown},
        checks=[Check("model", "SHOWN", model.predict(shown))],
        training=Supervised(
            networks=["model"],
            x="X",
            y="Y",
            loss="categorical_crossentropy",
            optimizer=Optimizer("adam", learning_rate=LEARNING_RATE),
            batch_size=len(x),
        ),
        notes=[("conv", {})],
        epochs=20,
    )
