"""The autoencoder as PyTorch, Keras and a notebook (app/codegen): encoder and decoder as one
stack whose target is its input, trained with the page's optimizer and input noise."""

from neural_playground.app.codegen import Check, CodeExport, Network, Supervised
from neural_playground.app.labs.autoencoder.lab import BATCH_SIZE
from neural_playground.engine.model import Sequential

#: Images written into the export: enough to train on, small enough to read (digits: 1797),
#: and how many of them the check reconstructs (each reconstruction is 64 long floats).
ROWS, CHECKED = 200, 40


def describe(lab) -> CodeExport:
    model = lab.model
    stack = Sequential(model.encoder.layers + model.decoder.layers)
    names = [f"encoder{k}" for k in range(len(model.encoder.layers))]
    names += [f"decoder{k}" for k in range(len(model.decoder.layers))]
    images = lab.data.images[:ROWS]
    return CodeExport(
        lesson=lab.name,
        networks=[Network("autoencoder", stack, layer_names=names)],
        arrays={"X": images, "SHOWN": images[:CHECKED]},
        checks=[Check("autoencoder", "SHOWN", stack.predict(images[:CHECKED]))],
        training=Supervised(
            networks=["autoencoder"],
            x="X",
            y="X",
            loss="mse",
            optimizer=lab.optimizer,
            batch_size=min(BATCH_SIZE, len(images)),
            input_noise=lab.config.noise,
        ),
        notes=[
            (
                "autoencoder",
                {"noise": lab.config.noise, "rows": len(images), "total": len(lab.data.images)},
            )
        ],
    )
