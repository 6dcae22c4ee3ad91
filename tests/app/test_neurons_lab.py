"""The neurons lab computes the book's B.1/B.2 numbers with the engine."""

import pytest

from neural_playground.app.labs.neurons.lab import NeuronsLab
from neural_playground.app.protocol import LabError
from tests.labutil import command, restored, send


def load(lab: NeuronsLab, name: str):
    return send(lab, "load_preset", name=name)


def test_b2_weighted_sum_is_0_9(lab):
    frame = load(lab, "b2_weighted")
    hidden = frame.layers[0]
    assert frame.inputs == [1.0, -2.0, 3.0]
    # B1 = 1*1 + 0.5*(-2) + 0.3*3: the products, then their sum.
    assert hidden.terms[0] == pytest.approx([1.0, -1.0, 0.9])
    assert hidden.z[0] == pytest.approx(0.9)
    # The other two hidden nodes keep the plain sum 1 - 2 + 3 = 2.
    assert hidden.z[1:] == pytest.approx([2.0, 2.0])
    assert frame.output == pytest.approx(0.9 + 2 + 2)
    assert frame.note is None


def test_b2_relu_passes_0_9_and_switches_off_a_negative_sum(lab):
    on = load(lab, "b2_relu").layers[0]
    assert on.activation == "relu"
    assert on.z[0] == pytest.approx(0.9)
    assert on.a[0] == pytest.approx(0.9)
    off = load(lab, "b2_relu_off").layers[0]
    assert off.z[0] == pytest.approx(1 - 3 + 0.9)  # -1.1
    assert off.a[0] == 0.0


def test_b2_plain_sum_gives_six_and_notes_the_books_slip(lab):
    frame = load(lab, "b2_plain_sum")
    assert frame.layers[0].z == pytest.approx([2.0, 2.0, 2.0])
    assert frame.output == pytest.approx(6.0)
    assert frame.note == "note.b2_plain_sum"


def test_b1_stroke_outputs_a_probability(lab):
    frame = load(lab, "b1_stroke")
    assert frame.input_names == ["input.age", "input.glucose", "input.bmi"]
    assert frame.output_kind == "probability"
    assert 0.0 < frame.output < 1.0
    # Recompute the first hidden node from the preset's own weights: 67, 228.7, 36.6.
    z0 = 0.04 * 67 + 0.01 * 228.7 + 0.03 * 36.6 - 3.0
    assert frame.layers[0].z[0] == pytest.approx(z0)


def test_editing_a_weight_changes_the_trace_and_clears_the_note(lab):
    load(lab, "b2_plain_sum")
    send(lab, "set_weight", layer=0, i=1, j=0, value=0.5)
    frame = lab.frame()
    assert frame.layers[0].z[0] == pytest.approx(1 - 1 + 3)
    assert frame.modified and frame.note is None
    lab.reset()
    assert lab.frame().layers[0].z[0] == pytest.approx(2.0)


def test_bias_input_and_activation_edits(lab):
    load(lab, "b2_weighted")
    send(lab, "set_bias", layer=0, j=0, value=-1.0)
    send(lab, "set_input", i=2, value=1.0)  # B1 = 1 - 1 + 0.3 - 1 = -0.7
    send(lab, "set_activation", layer=0, activation="relu")
    hidden = lab.frame().layers[0]
    assert hidden.z[0] == pytest.approx(-0.7)
    assert hidden.a[0] == 0.0


def test_architecture_change_keeps_existing_weights(lab):
    load(lab, "b2_weighted")
    send(lab, "set_architecture", hidden=[4, 2])
    frame = lab.frame()
    assert [len(layer.a) for layer in frame.layers] == [4, 2, 1]
    # The first three columns of layer 0 are the book's weights still.
    assert [row[0] for row in frame.layers[0].w] == pytest.approx([1.0, 0.5, 0.3])
    assert frame.layers[0].z[0] == pytest.approx(0.9)


def test_randomize_is_deterministic_under_a_seed(lab):
    send(lab, "randomize", seed=7)
    first = lab.frame().layers[0].w
    send(lab, "randomize", seed=7)
    assert lab.frame().layers[0].w == first


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (command(NeuronsLab, "set_weight", layer=5, i=0, j=0, value=1.0), "bad_index"),
        (command(NeuronsLab, "set_weight", layer=0, i=3, j=0, value=1.0), "bad_index"),
        (command(NeuronsLab, "set_input", i=0, value=1e9), "value_too_large"),
        (command(NeuronsLab, "set_architecture", hidden=[3] * 7), "too_many_layers"),
        (command(NeuronsLab, "set_architecture", hidden=[9]), "neurons_per_layer"),
        (command(NeuronsLab, "set_architecture", hidden=[0]), "neurons_per_layer"),
    ],
)
def test_out_of_range_edits_are_refused_with_a_code(lab, command, code):
    with pytest.raises(LabError) as info:
        lab.handle(command)
    assert info.value.code == code


def test_relative_edits_add_up(lab):
    load(lab, "b2_weighted")
    for _ in range(10):
        send(lab, "set_weight", layer=0, i=1, j=0, value=0.1, relative=True)
    send(lab, "set_bias", layer=0, j=0, value=-0.5, relative=True)
    hidden = lab.frame().layers[0]
    assert hidden.w[1][0] == pytest.approx(1.5)
    assert hidden.b[0] == pytest.approx(-0.5)
    assert hidden.z[0] == pytest.approx(1 - 3 + 0.9 - 0.5)


def test_snapshot_restores_the_same_network_in_a_new_lab(lab):
    load(lab, "b1_stroke")
    send(lab, "set_architecture", hidden=[4, 2])
    send(lab, "set_weight", layer=1, i=3, j=1, value=-0.75)
    send(lab, "set_input", i=0, value=45.0)
    assert restored(lab).frame() == lab.frame()


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"inputs": [1.0, 2.0]}, "inputs"),
        ({"activations": ["relu"]}, "layers"),
        ({"weights": [{"w": [[1.0]], "b": [0.0]}, {"w": [[1.0]], "b": [0.0]}]}, "shape"),
    ],
)
def test_restore_refuses_a_state_that_does_not_fit(lab, change, detail):
    data = lab.snapshot().model_dump() | change
    with pytest.raises(LabError) as info:
        lab.restore(NeuronsLab.State.model_validate(data))
    assert info.value.code == "bad_state"
    assert detail in str(info.value.params["detail"])
