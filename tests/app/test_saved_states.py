"""Saved states are checked alike for every lab (app/labs/common/saved_state.py): every number
within NP_MAX_ABS_VALUE, no ragged rows, and whatever a lab's network still refuses is
`bad_state` too: over the websocket (`set_state`) and from the weights export, never an
internal error or a 500."""

import copy
import re
from collections.abc import Iterator

import numpy as np
import pytest

from neural_playground.app.labs import LABS
from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.common.saved_state import read_state, restore_saved
from neural_playground.app.protocol import FiniteFloat, LabError, Message
from neural_playground.app.settings import Settings
from tests.wsutil import open_lab, receive_until

HUGE = 1.7e308  # finite, so pydantic lets it through; a bias of it made `inf` outputs

#: Where a state holds readings (losses) that need only be finite.
READINGS = {"history", "curve"}


def float_places(data: object, path: tuple = ()) -> Iterator[tuple]:
    """The path of every float in a state's JSON form."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from float_places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from float_places(value, (*path, index))
    elif isinstance(data, float):
        yield path


def list_places(data: object, path: tuple = ()) -> Iterator[tuple]:
    """The path of every list in a state's JSON form."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from list_places(value, (*path, key))
    elif isinstance(data, list):
        yield path
        for index, value in enumerate(data):
            yield from list_places(value, (*path, index))


def one_per_kind(places: Iterator[tuple]) -> list[tuple]:
    """One path per field, whatever its indices (weights.*.b.*): every kind of number once."""
    kinds: dict[tuple, tuple] = {}
    for path in places:
        kinds.setdefault(tuple("*" if isinstance(k, int) else k for k in path), path)
    return list(kinds.values())


def get(data: dict, path: tuple) -> object:
    for key in path:
        data = data[key]
    return data


def put(data: dict, path: tuple, value: object) -> dict:
    data = copy.deepcopy(data)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return data


def trained_state(name: str) -> dict:
    lab = LABS[name](Settings())
    if lab.trainable:
        lab.train(3)  # loss histories too
    return lab.snapshot().model_dump(mode="json")


def refused(name: str, data: dict) -> LabError:
    with pytest.raises(LabError) as info:
        read_state(LABS[name].State, data, Settings().max_abs_value)
    assert info.value.code == "bad_state"
    return info.value


@pytest.mark.parametrize("name", sorted(LABS))
def test_every_number_of_every_labs_state_is_bounded(name):
    state = trained_state(name)
    read_state(LABS[name].State, state, Settings().max_abs_value)  # its own state passes
    places = one_per_kind(float_places(state))
    assert places, f"{name}: a state without numbers?"
    for path in places:
        if READINGS & set(path):
            read_state(LABS[name].State, put(state, path, HUGE), Settings().max_abs_value)
        else:
            error = refused(name, put(state, path, HUGE))
            # Named where it is (or by pydantic, for fields with ranges of their own).
            assert str(path[-2] if isinstance(path[-1], int) else path[-1]) in error.message


@pytest.mark.parametrize("name", sorted(LABS))
def test_a_list_one_item_short_or_long_fits_or_is_refused_and_changes_nothing(name):
    """Wrong lengths: every kind of list of a lab's state (weights, rows, targets, inputs,
    settings, curves) one item short and one too many. The lab shows it, or refuses it
    (a `LabError`, never a crash) and is as it was."""
    state, limit = trained_state(name), Settings().max_abs_value
    lab = LABS[name](Settings())
    before = lab.snapshot()
    for path in one_per_kind(list_places(state)):
        items = get(state, path)
        for changed in (items[:-1], [*items, *items[-1:]]) if items else ():
            try:
                saved = read_state(LABS[name].State, put(state, path, changed), limit)
                restore_saved(lab, saved, lambda lab: lab.full_frame())
            except LabError:
                assert lab.snapshot() == before, path
            else:
                lab = LABS[name](Settings())  # restored: a fresh lab for the next change


def test_running_statistics_may_exceed_the_limit_but_not_its_square():
    # A healthy tanh network at a learning rate of 10 has running variances of 3e6.
    state = trained_state("batchnorm")
    layer = next(i for i, d in enumerate(state["batchnorm"]) if "running_var" in d)
    high = put(state, ("batchnorm", layer, "running_var", 0), 3e6)
    assert read_state(LABS["batchnorm"].State, high, 1e6).batchnorm[layer]["running_var"][0] == 3e6
    error = refused("batchnorm", put(state, ("batchnorm", layer, "running_mean", 0), 2e12))
    assert f"batchnorm.{layer}.running_mean.0: 2e+12" in error.message


@pytest.mark.parametrize(
    ("name", "path", "value", "where"),
    [
        ("neurons", ("weights", 0, "b", 1), HUGE, "weights.0.b.1: 1.7e+308"),
        ("neurons", ("target",), [1e9], "target.0: 1e+09"),
        ("neurons", ("inputs", 0), -2e6, "inputs.0: -2e+06"),
        ("gan", ("discriminator", 0, "b", 0), HUGE, "discriminator.0.b.0"),
        ("gan", ("generator", 1, "b", 0), -HUGE, "generator.1.b.0"),
        ("autoencoder", ("weights", 0, "b", 0), HUGE, "weights.0.b.0"),
        ("playground", ("weights", 0, "w", 1), [0.5], "weights.0.w: rows of different lengths"),
    ],
    ids=["neurons-bias", "neurons-target", "neurons-input", "gan-d-bias", "gan-g-bias",
         "autoencoder-bias", "playground-ragged-rows"],
)  # fmt: skip
def test_a_state_beyond_the_limits_is_a_bad_state_on_the_wire_and_from_the_export(
    client, name, path, value, where
):
    with open_lab(client, name) as (ws, _):
        ws.send_json({"type": "get_state"})
        state = receive_until(ws, "state")["state"]
        ws.send_json({"type": "set_state", "state": put(state, path, value)})
        error = receive_until(ws, "error")
        assert error["code"] == "bad_state"
        assert where in error["message"]
        ws.send_json({"type": "get_state"})
        assert receive_until(ws, "state")["state"] == state  # nothing changed
    if not LABS[name].has_weights():
        return
    for fmt in ("json", "npz"):
        response = client.post(f"/export/{name}/weights.{fmt}", json=put(state, path, value))
        assert response.status_code == 422
        assert response.json()["code"] == "bad_state"
        assert where in response.json()["message"]


def test_every_ragged_matrix_is_named():
    state = trained_state("conv")
    error = refused("conv", put(state, ("gray", "kernels", 0, 1), [1.0]))
    assert re.search(r"gray\.kernels(\.0)?: rows of different lengths", error.message)


class MisfitState(Message):
    w: list[FiniteFloat]


class Misfit(Lab):
    """A lab whose network refuses a state that passed every check (NumPy's shapes)."""

    name = "misfit"
    State = MisfitState

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.w = np.array([1.0, 2.0, 3.0])

    handle = reset = frame = None  # type: ignore[assignment]  # not used here

    def snapshot(self) -> MisfitState:
        return MisfitState(w=self.w.tolist())

    def restore(self, state: MisfitState) -> None:
        self.w[...] = state.w  # a ValueError for another length


def test_what_a_labs_network_still_refuses_is_a_bad_state_and_changes_nothing():
    lab = Misfit(Settings())
    with pytest.raises(LabError) as info:
        restore_saved(lab, read_state(MisfitState, {"w": [5.0, 6.0]}, 1e6), Misfit.snapshot)
    assert info.value.code == "bad_state"
    assert "broadcast" in info.value.message
    assert lab.w.tolist() == [1.0, 2.0, 3.0]
    saved = read_state(MisfitState, {"w": [4.0, 5.0, 6.0]}, 1e6)
    assert restore_saved(lab, saved, Misfit.snapshot) == saved
