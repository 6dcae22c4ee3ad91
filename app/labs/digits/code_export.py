"""B.6's handwritten digits as PyTorch, Keras and a notebook (app/codegen): the learner's
convolutional network `conv` and the dense network of about its size `dense`, both with the
page's weights, trained on the same digits with the page's optimizer and batch size.

The digits go in as their ink, one line of 64 base-17 digits (0-9, a-g: 0-16) per image, a
quarter as long as the numbers written out, and are scaled in the file as the page scales
them. The dense network gets a `Flatten` in front, so that both take the same (N, 1, 8, 8)
images. Checked on held-out digits and the learner's picture (drawn or picked).
"""

import numpy as np

from neural_playground.app.codegen import Check, CodeExport, Network, Supervised
from neural_playground.engine.data.digits import MAX_INK, SIDE
from neural_playground.engine.layers import Flatten
from neural_playground.engine.model import Sequential

#: Training digits written into the file (the page trains on 1,438) and held-out digits the
#: check predicts (each prediction is 10 long floats per network): enough to go on training
#: for a few epochs, small enough to read.
TRAIN_ROWS, CHECKED = 200, 40
EPOCHS = 10
INK = "0123456789abcdefg"  # base 17: one character per pixel, 0..MAX_INK


def ink_text(pixels: np.ndarray) -> str:
    """Source of a string of the images' ink, one image (64 characters) per line."""
    rows = "\n".join("".join(INK[v] for v in row) for row in pixels.tolist())
    return f'"""\n{rows}\n"""'


def images(name: str) -> str:
    """The expression turning the ink text `name` into the page's images in [0, 1]."""
    return (f"np.array([[int(c, {len(INK)}) for c in line] for line in {name}.split()])"
            f".reshape(-1, 1, {SIDE}, {SIDE}) / {MAX_INK}")  # fmt: skip


def describe(lab) -> CodeExport:
    data = lab.data
    conv, dense = (run.model for run in lab.runs)
    flat_dense = Sequential([Flatten(), *dense.layers])
    dense_names = ["flatten"] + [f"layer{k}" for k in range(len(dense.layers))]
    train = data.train[:TRAIN_ROWS]
    picture = data.pixels[data.test[lab.selected]] if lab.drawing is None else lab.drawing
    shown_pixels = np.concatenate([data.pixels[data.test[:CHECKED]], picture[None]])
    shown = shown_pixels.reshape(-1, 1, SIDE, SIDE) / MAX_INK
    return CodeExport(
        lesson=lab.name,
        networks=[
            Network("conv", conv, title="convolutional"),
            Network("dense", flat_dense, title="dense", layer_names=dense_names),
        ],
        arrays={
            "TRAIN_INK": data.pixels[train].astype(np.int64),
            "Y": data.labels[train],
            "X": data.images[train],
            "SHOWN_INK": shown_pixels.astype(np.int64),
            "SHOWN": shown,
        },
        sources={
            "TRAIN_INK": ink_text(data.pixels[train]),
            "X": images("TRAIN_INK"),
            "SHOWN_INK": ink_text(shown_pixels),
            "SHOWN": images("SHOWN_INK"),
        },
        checks=[
            Check(net, "SHOWN", model.predict(shown))
            for net, model in (("conv", conv), ("dense", flat_dense))
        ],
        training=Supervised(
            networks=["conv", "dense"],
            x="X",
            y="Y",
            loss="categorical_crossentropy",
            from_logits=True,
            optimizer=lab.runs[0].optimizer,
            batch_size=lab.config.batch_size,
        ),
        notes=[
            ("digits", {"rows": len(train), "total": len(data.train), "checked": CHECKED}),
            ("digits_torch", {}),
            ("digits_keras", {}),
            ("logits", {}),
        ],
        epochs=EPOCHS,
    )
