"""B.1 and B.2, "Neurons and weights": a small network whose every number the learner can edit.

The lab keeps a `Sequential` of Dense layers and one input vector; after every edit the
engine's forward trace is the frame: each neuron's products w*x, its sum z and its output a.
"""

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.base import Lab, sequential_weights
from neural_playground.app.labs.common.training import (
    TRAINING_COMMANDS,
    SetTarget,
    StepThroughLab,
    Trainer,
    TrainingSettings,
)
from neural_playground.app.labs.neurons.commands import (
    LoadPreset,
    NeuronsState,
    Randomize,
    SetActivation,
    SetArchitecture,
    SetBias,
    SetInput,
    SetWeight,
)
from neural_playground.app.labs.neurons.frame import NeuronsRendering
from neural_playground.app.labs.neurons.presets import DEFAULT_PRESET, PRESETS, NetworkPreset
from neural_playground.app.protocol import LabError, command_adapter
from neural_playground.engine.model import Sequential, mlp


def edit_parameter(lab: Lab, model: Sequential, command: SetWeight | SetBias) -> None:
    """Write one weight or bias edit into `model`'s Dense layer; indices and size checked first.

    Shared by every lab whose page lets the learner type a weight (neurons, playground).
    """
    lab.require_index(command.layer, len(model.layers), "layer")
    params = model.layers[command.layer].params
    if isinstance(command, SetWeight):
        w, i, j = params["w"], command.i, command.j
        lab.require_index(i, w.shape[0], "i")
        lab.require_index(j, w.shape[1], "j")
        base = w[i, j] if command.relative else 0.0
        w[i, j] = lab.check_value(command.value + base, "weight")
    else:
        b, j = params["b"], command.j
        lab.require_index(j, b.shape[0], "j")
        b[j] = lab.check_value(command.value + (b[j] if command.relative else 0.0), "bias")


class NeuronsLab(NeuronsRendering, StepThroughLab):
    name = "neurons"
    commands = command_adapter(
        SetWeight,
        SetBias,
        SetInput,
        SetActivation,
        SetArchitecture,
        LoadPreset,
        Randomize,
        SetTarget,
        *TRAINING_COMMANDS,
    )
    State = NeuronsState

    def __init__(self, settings, preset: str = DEFAULT_PRESET) -> None:
        super().__init__(settings)
        self.trainer = Trainer(settings)
        self.load(PRESETS[preset])

    # --- state --------------------------------------------------------------------------

    def load(self, preset: NetworkPreset) -> None:
        self.origin = preset  # what reset returns to
        self.modified = False  # an edit makes the network no longer the book's example
        self.input_names = list(preset.input_names)
        self.x = np.array(preset.inputs, dtype=float)
        sizes = [len(preset.inputs), *preset.hidden, len(preset.weights[-1][0])]
        self.model: Sequential = mlp(sizes, list(preset.activations), seed=0)
        biases = preset.biases or tuple((0.0,) * len(w[0]) for w in preset.weights)
        self.model.set_weights(
            [
                {"w": [list(r) for r in w], "b": list(b)}
                for w, b in zip(preset.weights, biases, strict=True)
            ]
        )
        self.target = np.array(preset.target, dtype=float)
        self.trainer.apply(TrainingSettings(loss=preset.loss, learning_rate=preset.learning_rate))
        self.sync()

    def reset(self) -> None:
        self.load(self.origin)

    def batch(self) -> tuple[np.ndarray, np.ndarray]:
        """One sample: the current inputs and their wanted outputs."""
        return self.x[None, :], self.target[None, :]

    def handle_lesson(self, command: BaseModel) -> None:
        match command:
            case LoadPreset(name=name):
                self.load(PRESETS[name])
            case SetWeight() | SetBias():
                edit_parameter(self, self.model, command)
                self.edited()
            case SetInput(i=i, value=value):
                self.require_index(i, self.x.shape[0], "i")
                self.x[i] = self.check_value(value, "input")
                self.edited()
            case SetActivation(layer=layer, activation=activation):
                self.dense(layer).activation = activation
                self.edited()
            case SetArchitecture(hidden=hidden):
                self.rebuild(hidden, seed=0)
            case Randomize(seed=seed):
                self.rebuild([layer.params["w"].shape[1] for layer in self.model.layers[:-1]], seed)
            case SetTarget(sample=sample, j=j, value=value):
                self.require_index(sample, 1, "sample")
                self.require_index(j, self.target.shape[0], "j")
                self.target[j] = self.check_value(value, "target")
                self.edited()
            case _:
                raise LabError("unknown_command", f"Unknown command {command!r}.")

    def edited(self) -> None:
        self.modified = True
        self.trainer.cancel()  # the iteration being walked no longer matches the network

    def dense(self, layer: int):
        self.require_index(layer, len(self.model.layers), "layer")
        return self.model.layers[layer]

    def rebuild(self, hidden: list[int], seed: int) -> None:
        """New layer sizes: keep every weight whose place still exists, fill the rest randomly."""
        self.check_architecture(hidden)
        old = self.model
        old_acts = [layer.activation for layer in old.layers]
        n_out = old.layers[-1].params["w"].shape[1]
        sizes = [self.x.shape[0], *hidden, n_out]
        hidden_act = old_acts[0] if len(old_acts) > 1 else "relu"
        acts = [old_acts[k] if k < len(old_acts) - 1 else hidden_act for k in range(len(hidden))]
        self.model = mlp(sizes, [*acts, old_acts[-1]], seed=seed)
        if seed == 0:  # an architecture change keeps what the learner set; randomize does not
            self.copy_overlap(old)
        self.trainer.optimizer.reset()  # its velocities and moments were for the old shapes
        self.edited()

    def copy_overlap(self, old: Sequential) -> None:
        """Hidden layer k takes old hidden layer k's weights; output takes old output's."""
        new, prev = self.model.layers, old.layers
        pairs = [*zip(new[:-1], prev[:-1], strict=False), (new[-1], prev[-1])]
        for dst_layer, src_layer in pairs:
            for key, dst in dst_layer.params.items():
                src = src_layer.params[key]
                region = tuple(
                    slice(0, min(a, b)) for a, b in zip(dst.shape, src.shape, strict=True)
                )
                dst[region] = src[region]

    # --- whole state ------------------------------------------------------------------

    def snapshot(self) -> NeuronsState:
        return NeuronsState(
            preset=self.origin.name,
            modified=self.modified,
            inputs=self.x.tolist(),
            activations=[layer.activation for layer in self.model.layers],
            weights=self.model.get_weights(),
            target=self.target.tolist(),
            training=self.trainer.settings_model(),
        )

    def restore(self, state: NeuronsState) -> None:
        preset = PRESETS[state.preset]
        if len(state.inputs) != len(preset.inputs):
            raise LabError(
                "bad_state",
                f"The example {preset.name} has {len(preset.inputs)} inputs.",
                detail="inputs",
            )
        if len(state.activations) != len(state.weights):
            raise LabError("bad_state", "One activation is needed per layer.", detail="layers")
        hidden = [len(d.b) for d in state.weights[:-1]]
        sizes = [len(state.inputs), *hidden, len(state.weights[-1].b)]
        self.check_architecture(hidden)
        if state.target is not None and len(state.target) != sizes[-1]:
            raise LabError("bad_state", "One target is needed per output.", detail="target")
        if state.training is not None:
            self.trainer.check_learning_rate(state.training.learning_rate)
        model = mlp(sizes, list(state.activations), seed=0)
        try:
            model.set_weights([d.model_dump() for d in state.weights])
        except ValueError as exc:
            raise LabError("bad_state", f"The weights do not fit: {exc}", detail=str(exc)) from None
        self.load(preset)
        self.model = model
        self.x = np.array(state.inputs, dtype=float)
        self.modified = state.modified
        if state.target is not None:
            self.target = np.array(state.target, dtype=float)
        if state.training is not None:
            self.trainer.apply(state.training)

    def weights(self) -> dict[str, np.ndarray]:
        return sequential_weights(self.model)
