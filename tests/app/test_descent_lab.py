"""The B.4 lab: the book's w^2 and its slopes, learning-rate regimes, the two-weight view."""

import json
import math

import numpy as np
import pytest

from neural_playground.app.labs.common.training import SetLearningRate, StepPhase
from neural_playground.app.labs.descent.commands import (
    LoadPreset,
    SelectWeight,
    SetWeightValue,
    WeightRef,
)
from neural_playground.app.labs.descent.lab import DescentLab
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from tests.labutil import restored
from tests.wsutil import ask, open_lab, receive_until

W_OUT = WeightRef(layer=0, param="w", index=[0, 0])


def with_rate(lab: DescentLab, rate: float) -> DescentLab:
    lab.handle(SetLearningRate(type="set_learning_rate", value=rate))
    return lab


def test_b8_curve_is_w_squared(lab):
    curve = lab.frame().curve
    values = np.array(curve.values)
    np.testing.assert_allclose(curve.losses, values**2, atol=1e-12)
    assert values[0] <= -4 and values[-1] >= 4


def test_b9_slopes_at_3_2_1_0_minus_1(lab):
    marks = lab.frame().marks
    assert [m.w for m in marks] == [3, 2, 1, 0, -1]
    assert [m.slope for m in marks] == [6, 4, 2, 0, -2]
    assert [m.loss for m in marks] == [9, 4, 1, 0, 1]
    # The tangent through (3, 9) with slope 6.
    tangent = marks[0].tangent
    assert tangent.loss[1] - tangent.loss[0] == pytest.approx(6 * (tangent.w[1] - tangent.w[0]))


def test_the_current_point_its_slope_and_tangent(lab):
    frame = lab.frame()
    assert frame.point.values == [3.0] and frame.point.loss == 9.0 and frame.point.slopes == [6.0]
    t = frame.curve.tangent
    assert np.mean(t.w) == pytest.approx(3.0) and np.mean(t.loss) == pytest.approx(9.0)


def test_each_step_is_w_minus_rate_times_slope(lab):
    lab.train(3)  # learning rate 0.1: w <- w - 0.1 * 2w = 0.8 w
    trail = lab.frame().trail
    assert [p.values[0] for p in trail] == pytest.approx([3.0, 2.4, 1.92, 1.536])
    assert [p.slopes[0] for p in trail] == pytest.approx([6.0, 4.8, 3.84, 3.072])


@pytest.mark.parametrize(
    ("rate", "behaviour"),
    [
        (0.01, "crawling"),  # w shrinks by 2 % a step
        (0.1, "descending"),
        (0.5, "settled"),  # 3 - 0.5 * 6 = 0 in one step
        (0.9, "oscillating"),  # w <- -0.8 w
        (1.0, "oscillating"),  # w <- -w: back and forth for ever
        (1.5, "growing"),  # w <- -2 w
    ],
)
def test_the_learning_rate_decides_how_the_steps_go(lab, rate, behaviour):
    with_rate(lab, rate).train(6)
    frame = lab.frame()
    assert frame.behaviour == behaviour
    assert not lab.diverged


def test_an_absurd_rate_diverges_and_no_nan_reaches_the_frame(lab):
    with_rate(lab, 10.0).train(50)  # w <- -19 w: past 1e6 after five steps
    assert lab.diverged and lab.step_count == 4
    text = lab.frame().model_dump_json()
    assert "NaN" not in text and "Infinity" not in text
    frame = json.loads(text)
    assert frame["training"]["diverged"] and frame["behaviour"] == "growing"
    assert frame["point"]["values"] == [pytest.approx(3 * (-19) ** 4)]
    assert all(v is None or math.isfinite(v) for v in frame["curve"]["losses"])
    with pytest.raises(LabError) as info:
        lab.handle(SetLearningRate(type="set_learning_rate", value=1e9))
    assert info.value.code == "bad_learning_rate"
    lab.reset()
    assert not lab.diverged and lab.frame().point.values == [3.0]


def test_a_click_on_the_curve_moves_the_weight_and_restarts_the_trail(lab):
    lab.train(2)
    lab.handle(SetWeightValue(type="set_weight", weight=W_OUT, value=-1.0))
    frame = lab.frame()
    assert frame.point.values == [-1.0] and frame.point.slopes == [-2.0]
    assert len(frame.trail) == 1


def test_the_bowl_surface_and_descent_path(lab):
    lab.handle(LoadPreset(type="load_preset", name="bowl"))
    frame = lab.frame()
    surface = frame.surface
    grid = Settings().landscape_grid
    assert len(surface.values1) == len(surface.values2) == grid
    assert len(surface.losses) == grid and len(surface.losses[0]) == grid
    x, y = np.array(frame.x), np.array(frame.y)[:, 0]
    r, c = 7, 30
    w = np.array([surface.values1[c], surface.values2[r]])
    assert surface.losses[r][c] == pytest.approx(np.mean((x @ w - y) ** 2))
    # The least-squares weights 1 and -2 lie inside the drawn range.
    assert surface.values1[0] < 1 < surface.values1[-1]
    assert surface.values2[0] < -2 < surface.values2[-1]
    lab.train(30)
    later = lab.frame()
    assert later.surface_unchanged and later.surface is None  # only two weights: still exact
    assert len(later.trail) == 31 and later.trail[-1].loss < later.trail[0].loss


def test_selecting_weights(lab):
    lab.handle(LoadPreset(type="load_preset", name="b3_network"))
    first = WeightRef(layer=0, param="w", index=[1, 0])
    lab.handle(SelectWeight(type="select_weight", slot=0, weight=first))
    frame = lab.frame()
    assert frame.selected[0] == first
    # dL/dw for the weight x2 -> h1: x2 * dL/dh1 = 1 * 4.
    assert frame.point.slopes[0] == pytest.approx(4.0)
    lab.handle(SelectWeight(type="select_weight", slot=1, weight=None))
    assert lab.frame().surface is None and len(lab.frame().selected) == 1
    for weight, code in (
        (WeightRef(layer=3, param="w", index=[0, 0]), "bad_weight"),
        (WeightRef(layer=0, param="b", index=[0]), "bad_weight"),  # this network has no bias
    ):
        with pytest.raises(LabError) as info:
            lab.handle(SelectWeight(type="select_weight", slot=1, weight=weight))
        assert info.value.code == code
    with pytest.raises(LabError) as info:
        lab.handle(SelectWeight(type="select_weight", slot=1, weight=first))
    assert info.value.code == "same_weight"


def test_the_walk_extends_the_trail_at_its_update(lab):
    for _ in range(3):  # forward, loss, backward: no step yet
        lab.handle(StepPhase(type="step_phase"))
    assert len(lab.frame().trail) == 1
    lab.handle(StepPhase(type="step_phase"))
    assert [p.values[0] for p in lab.frame().trail] == pytest.approx([3.0, 2.4])


def test_the_trail_is_capped(lab):
    lab.settings = Settings(max_trail_points=10)
    with_rate(lab, 0.001).train(25)
    assert len(lab.frame().trail) == 10


def test_snapshot_and_restore(lab):
    lab.handle(LoadPreset(type="load_preset", name="b3_network"))
    lab.train(3)
    assert restored(lab).frame().point == lab.frame().point


def test_play_streams_frames_with_the_surface_only_when_it_changes(client):
    with open_lab(client, "descent") as (ws, first):
        assert first["surface"] is None and first["marks"][0]["slope"] == 6
        ws.send_json({"type": "load_preset", "name": "bowl"})
        assert receive_until(ws, "frame")["surface"] is not None
        frame = ask(ws, {"type": "play"})
        assert frame["surface"] is None and frame["surface_unchanged"] is True
        ws.send_json({"type": "pause"})
        assert receive_until(ws, "status", limit=100)["running"] is False
