"""The B.7 page's three networks (RNN, LSTM, GRU) as PyTorch, Keras and a notebook
(app/codegen): each a recurrent layer with the page's gate conventions and a dense readout,
trained on the task's examples with the page's optimizer and gradient clipping."""

from neural_playground.app.codegen import Check, CodeExport, Network, Supervised
from neural_playground.app.labs.rnn.tasks import BATCH_SIZE


def describe(lab) -> CodeExport:
    task, c = lab.task, lab.config
    networks = [Network(cell, model) for cell, model in lab.models.items()]
    notes = [("rnn", {}), ("rnn_torch", {}), ("rnn_keras", {})]
    if c.clip is not None:
        notes.append(("rnn_clip", {"clip": c.clip}))
    if task.from_logits:
        notes.append(("logits", {}))
    return CodeExport(
        lesson=lab.name,
        networks=networks,
        arrays={"X": task.eval_x, "Y": task.eval_y},
        checks=[Check(net.name, "X", net.model.predict(task.eval_x)) for net in networks],
        training=Supervised(
            networks=[net.name for net in networks],
            x="X",
            y="Y",
            loss=task.loss,
            from_logits=task.from_logits,
            optimizer=next(iter(lab.optimizers.values())),
            batch_size=min(BATCH_SIZE, len(task.eval_x)),
            clip_norm=c.clip,
        ),
        notes=notes,
    )
