"""The playground's frames by the parts asked for: what changed, everything, light (stale
maps and metrics), none of the maps (the page draws them), and a room's pair of the changes
and the whole frame."""

import json

import numpy as np
import pytest

from neural_playground.app.labrun.labcalls import (
    Framing,
    HandleCommand,
    LabCall,
    RenderFrame,
    Train,
)
from neural_playground.app.labs.common.base import EVERYTHING, LIGHT, PARTS, Parts
from neural_playground.app.labs.common.heatmaps import decode
from neural_playground.app.labs.neurons.commands import SetWeight
from neural_playground.app.labs.playground import frame as view
from neural_playground.app.labs.playground import training as playground_training
from neural_playground.app.labs.playground.commands import AddPoint, Inspect, SetData, SetNetwork
from neural_playground.app.labs.playground.lab import PlaygroundLab
from neural_playground.app.rooms import frames
from neural_playground.app.settings import Settings
from neural_playground.engine.activations import sigmoid


@pytest.fixture
def lab() -> PlaygroundLab:
    playground = PlaygroundLab(Settings())
    playground.frame()  # the page has everything
    return playground


@pytest.fixture
def map_passes(monkeypatch) -> list[int]:
    """Counts the forward passes over the grid (one per frame that computes maps)."""
    calls = []
    original = view.compute_maps

    def counted(lab, features):
        calls.append(lab.step_count)
        return original(lab, features)

    monkeypatch.setattr(view, "compute_maps", counted)
    return calls


def no_maps(frame) -> bool:
    return frame.output is None and all(m is None for ms in frame.neuron_maps for m in ms)


def all_maps(frame) -> bool:
    return frame.output is not None and all(m is not None for ms in frame.neuron_maps for m in ms)


def surface(lab) -> np.ndarray:
    features = view.grid_features(lab.data.extent, tuple(lab.network.features))
    return sigmoid(lab.model.predict(features)).reshape(view.MAP_SIZE, view.MAP_SIZE)


def test_a_new_learning_rate_computes_no_map(lab, map_passes):
    lab.handle(SetNetwork(type="set_network", learning_rate=0.1))
    frame = lab.frame()
    assert frame.config.network.learning_rate == 0.1  # the settings travel...
    assert no_maps(frame) and frame.input_maps is None  # ...the maps stay as they are
    assert map_passes == []
    lab.train(5)
    assert all_maps(lab.frame()) and map_passes == [5]


def test_a_light_frame_leaves_the_maps_out_and_the_next_whole_one_catches_up(lab, map_passes):
    lab.train(30)
    light = lab.frame(LIGHT)
    assert light.step == 30 and no_maps(light) and map_passes == []
    assert light.metrics.train_loss == pytest.approx(
        lab.evaluate(lab.train_features, lab.train_targets)[0]
    )
    assert [point[0] for point in light.history] == [30]
    whole = lab.frame()
    assert map_passes == [30] and whole.output is not None
    np.testing.assert_allclose(decode(whole.output.map), surface(lab), atol=0.5 / 255 + 1e-6)


def test_a_light_frame_still_shows_what_an_edit_did_to_the_maps(lab, map_passes):
    lab.train(10)
    lab.frame(LIGHT)
    lab.handle(SetWeight(type="set_weight", layer=2, i=0, j=0, value=3.0))
    edited = lab.frame(LIGHT)
    assert map_passes == [10] and edited.output is not None
    np.testing.assert_allclose(decode(edited.output.map), surface(lab), atol=0.5 / 255 + 1e-6)
    lab.handle(SetNetwork(type="set_network", learning_rate=0.2))  # changes no map
    assert no_maps(lab.frame(LIGHT)) and map_passes == [10]


def test_a_full_frame_carries_everything_and_the_stream_goes_on_from_it(lab):
    lab.train(20)
    lab.frame()
    full = lab.frame(EVERYTHING)
    assert full.kind == "full" and all_maps(full)
    assert full.config is not None and full.data is not None and full.input_maps is not None
    assert full.history_reset and [p[0] for p in full.history] == [0, 20]
    assert no_maps(lab.frame())  # the page now has every map


def test_the_inspected_map_is_sent_when_chosen_and_again_only_when_it_changes(lab):
    lab.handle(Inspect(type="inspect", layer=0, j=1))
    chosen = lab.frame()
    assert (chosen.inspected.layer, chosen.inspected.j) == (0, 1)
    assert lab.frame().inspected is None  # unchanged: the page keeps it
    lab.train(50)
    assert lab.frame().inspected.map.size == view.MAP_SIZE
    lab.handle(Inspect(type="inspect", layer=None))
    lab.handle(Inspect(type="inspect", layer=0, j=1))  # pointed at again: sent again
    assert lab.frame().inspected is not None


def test_playing_records_no_step_through_but_a_single_step_does(lab):
    lab.play(1)
    assert lab.frame().step_through is None
    lab.train(1)
    walk = lab.frame().step_through
    assert walk is not None and walk.complete


def test_the_lab_host_renders_the_parts_it_is_asked_for(lab):
    text, trained, framed = Train(5, Framing(LIGHT), playing=True).apply(lab)
    light = json.loads(text)
    assert light["step"] == 5 and light["output"] is None and trained > 0 and framed > 0
    assert json.loads(RenderFrame(Framing()).apply(lab))["output"] is not None
    assert json.loads(RenderFrame().apply(lab))["kind"] == "full"
    assert Train(1, None, playing=False).apply(lab)[0] is None  # a slice of a longer request


def test_a_page_that_draws_its_maps_is_sent_none_nor_a_room_of_such_pages(map_passes):
    lab = PlaygroundLab(Settings())
    draws = frozenset({"maps"})
    first = lab.frame(Parts(whole=PARTS - draws, without=draws))
    assert first.kind == "full" and first.config is not None and first.data is not None
    assert no_maps(first) and first.input_maps is None and first.layers
    lab.handle(Inspect(type="inspect", layer=0, j=1))
    small, whole = room_frame(lab, Train(5, Framing(Parts(without=draws), room=True)))
    assert small["step"] == whole["step"] == 5 and whole["kind"] == "full"
    assert whole["output"] is None and whole["input_maps"] is None and whole["inspected"] is None
    assert map_passes == []  # not one pass over the grid


def test_before_light_frames_the_losses_are_measured_every_other_burst(lab):
    lab.train(5)
    first = lab.frame()
    lab.play(1, light=True)
    skipped = lab.frame(LIGHT)  # shows the losses last measured, adds no curve point
    assert skipped.step == 6 and skipped.metrics == first.metrics and skipped.history == []
    lab.play(1, light=True)
    measured = lab.frame(LIGHT)
    assert measured.step == 7 and [point[0] for point in measured.history] == [7]
    assert measured.metrics.train_loss == pytest.approx(
        lab.evaluate(lab.train_features, lab.train_targets)[0]
    )
    lab.play(1)  # a whole frame follows: always measured
    assert [point[0] for point in lab.frame().history] == [8]


def draw(page: dict, frame: dict) -> dict:
    """What a page shows after `frame`, applied as static/js/lessons/playground.js does: parts
    that are absent (None) stay as they were, the curve's points are appended unless reset."""
    page = dict(page)
    for key, value in frame.items():
        if key == "neuron_maps":
            old = page.get(key) or []
            page[key] = [
                [
                    m if m is not None else (old[k][j] if k < len(old) else None)
                    for j, m in enumerate(layer)
                ]
                for k, layer in enumerate(value)
            ]
        elif key == "history":
            page[key] = value if frame["history_reset"] else [*page.get(key, []), *value]
        elif key in ("config", "data", "input_maps", "output", "inspected") and value is None:
            continue
        elif key not in ("kind", "history_reset"):
            page[key] = value
    return page


ROOM = Framing(room=True)  # a teacher's page that keeps up


def room_frame(lab, call: LabCall) -> tuple[dict, dict]:
    """The lab host's answer while teaching a room (playing, for `Train`): (small, whole)."""
    text = call.apply(lab)
    small, whole = frames.split(text[0] if isinstance(call, Train) else text)
    return json.loads(small), json.loads(whole)


def test_a_rooms_whole_frame_shows_what_every_small_frame_before_it_added_up_to(monkeypatch):
    # So that the curve is thinned on the way:
    monkeypatch.setattr(playground_training, "HISTORY_LIMIT", 8)
    lab = PlaygroundLab(Settings())
    in_step = {}

    def train(steps: int) -> Train:
        return Train(steps, ROOM, playing=True)

    def handle(command) -> HandleCommand:
        return HandleCommand(command, ROOM)

    edits = [
        train(5),
        handle(SetNetwork(type="set_network", learning_rate=0.1)),  # no map changes
        train(1),  # maps barely move: some are left out of the small frame
        handle(Inspect(type="inspect", layer=0, j=1)),
        train(20),
        handle(AddPoint(type="add_point", x1=1.0, x2=-1.0, label=1)),
        handle(SetNetwork(type="set_network", hidden=[3])),  # new shapes: every map
        train(40),
        handle(SetData(type="set_data", kind="multi_gauss", classes=3)),
        train(2),
        train(1),
    ]
    left_out = 0
    for call in edits:
        small, whole = room_frame(lab, call)
        in_step = draw(in_step, small)
        assert whole["kind"] == "full" and whole["history_reset"]
        assert draw({}, whole) == in_step, call
        left_out += small["output"] is None or None in sum(small["neuron_maps"], [])
    assert left_out >= 2  # the small frames did leave maps out
    assert len(in_step["history"]) <= 2 * 8 and in_step["output"]["kind"] == "classes"
