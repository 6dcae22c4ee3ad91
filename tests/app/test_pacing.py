"""Pacing the play loop: the fair-share policy on its own, and a player that follows it."""

import asyncio
import math
from types import SimpleNamespace

import pytest

from neural_playground.app.labrun.labcalls import Framing
from neural_playground.app.labrun.labhost import LocalLab
from neural_playground.app.labs.common.base import EVERYTHING, LIGHT
from neural_playground.app.settings import Settings
from neural_playground.app.ws.limits import TokenBucket
from neural_playground.app.ws.player import (
    WHOLE_FRAME_SECONDS,
    FairShare,
    Player,
    frame_rate,
    next_frame_at,
)
from neural_playground.app.ws.session import Session
from neural_playground.app.ws.workspace import TrainingCost, Workspace
from tests.trainable_lab import TrainableLab


def costing(step_ms: float, frame_ms: float, light_ms: float = 0.0) -> TrainingCost:
    return TrainingCost(
        step_seconds=step_ms / 1000, frame_seconds=frame_ms / 1000, light_seconds=light_ms / 1000
    )


def test_each_player_gets_workers_over_players_times_fps_of_a_worker_per_frame():
    assert FairShare(workers=2, players=100, frames_per_second=20).seconds == pytest.approx(1e-3)
    assert FairShare(workers=4, players=10, frames_per_second=10).seconds == pytest.approx(0.04)
    assert FairShare(workers=2, players=0, frames_per_second=20).seconds == pytest.approx(0.1)
    assert not FairShare(workers=2, players=2, frames_per_second=20).crowded
    assert FairShare(workers=2, players=3, frames_per_second=20).crowded


def test_with_a_worker_each_the_burst_is_what_the_learner_asked_for():
    slow = costing(step_ms=50, frame_ms=40)  # nowhere near 20 frames a second of 100 steps
    assert FairShare(workers=2, players=2, frames_per_second=20).burst(100, slow) == 100
    assert FairShare(workers=4, players=1, frames_per_second=20).burst(7, slow) == 7


def test_crowded_the_burst_is_what_fits_the_share_after_the_frame():
    # 4 players on 2 workers at 20 fps: 25 ms each a frame; (25 - 5) ms / 1 ms = 20 steps.
    share = FairShare(workers=2, players=4, frames_per_second=20)
    assert share.burst(100, costing(step_ms=1, frame_ms=5)) == 20
    assert share.burst(10, costing(step_ms=1, frame_ms=5)) == 10  # never more than asked
    # 10 players on 4 workers at 10 fps: 40 ms; a whole frame of 10 ms leaves 60 steps of
    # 0.5 ms, a light frame of 2 ms leaves 76.
    share = FairShare(workers=4, players=10, frames_per_second=10)
    cost = costing(step_ms=0.5, frame_ms=10, light_ms=2)
    assert share.burst(100, cost) == 60
    assert share.burst(100, cost, light=True) == 76
    # A frame over the share alone: still one step, so training moves.
    assert share.burst(100, costing(step_ms=0.5, frame_ms=50)) == 1


def test_crowded_the_burst_keeps_within_the_pace_frames_keep():
    share = FairShare(workers=2, players=4, frames_per_second=20)
    cost = costing(step_ms=1, frame_ms=5)
    cost.allowance = 7.0  # halved after late frames (TrainingCost.pace)
    assert share.burst(100, cost) == 7
    unmeasured = TrainingCost(allowance=12.0)  # no step timed yet: the allowance alone
    assert share.burst(100, unmeasured) == 12
    # With a worker each, the allowance is not applied: frames are late for other reasons.
    assert FairShare(workers=2, players=2, frames_per_second=20).burst(100, cost) == 100


def test_crowded_frames_are_light_with_a_whole_one_at_least_once_a_second():
    # 8 players on 2 workers at 25 fps: 10 ms; a whole frame (20 ms) never fits, so one
    # whole frame comes every k = ceil((20 - 2) / (10 - 2 - 0.5)) = 3 frames.
    share = FairShare(workers=2, players=8, frames_per_second=25)
    cost = costing(step_ms=0.5, frame_ms=20, light_ms=2)
    assert share.burst(100, cost, light=True) == 16  # (10 - 2) / 0.5
    assert cost.whole_every(share.seconds) == 3
    cost.whole_at, cost.lights = 100.0, 0
    assert share.light(False, cost, now=100.1) is True
    cost.lights = 2
    assert share.light(False, cost, now=100.2) is False
    cost.lights = 0
    assert share.light(False, cost, now=100.0 + WHOLE_FRAME_SECONDS) is False
    assert share.light(True, cost, now=100.1) is False  # never light while teaching
    roomy = FairShare(workers=2, players=2, frames_per_second=25)
    assert roomy.light(False, cost, now=100.1) is False


def bare_player(players: int, step_seconds: float, frame_seconds: float) -> Player:
    """The player of a session without a socket, playing beside `players - 1` others on
    2 workers at 20 frames a second, at 100 steps a frame."""
    settings = Settings(
        lab_workers=2, frames_per_second=20, crowded_frames_per_second=20, max_steps_per_second=2000
    )
    workspace = Workspace(lab=LocalLab(TrainableLab(settings)), steps=TokenBucket(2000))
    workspace.steps_per_frame = 100
    workspace.cost = TrainingCost(step_seconds=step_seconds, frame_seconds=frame_seconds)
    runtime = SimpleNamespace(
        settings=settings, metrics=None, pool=SimpleNamespace(workers=2, players=players)
    )
    return Session(None, workspace, runtime).player


def test_a_full_room_shrinks_each_burst_to_its_fair_share():
    # With a worker to spare, the learner's speed is kept, however slow the steps are.
    assert bare_player(1, 1e-4, 1e-3).steps_for_next_frame() == 100
    assert bare_player(2, 1.0, 1e-3).steps_for_next_frame() == 100
    # 3 players: 2 workers / (3 x 20 frames/s) = 33 ms a frame, plenty for 100 steps of 0.1 ms.
    assert bare_player(3, 1e-4, 1e-3).steps_for_next_frame() == 100
    # 100 players: 1 ms a frame each; minus 0.5 ms for the frame leaves 5 steps.
    assert bare_player(100, 1e-4, 5e-4).steps_for_next_frame() == 5
    # Even when a frame alone is over the share, training still moves by one step.
    assert bare_player(100, 1e-4, 5e-3).steps_for_next_frame() == 1


def test_late_frames_halve_the_steps_and_frames_on_time_win_them_back():
    player = bare_player(3, 1e-4, 1e-3)  # more players than workers
    cost = player.session.workspace.cost
    for late, expected in [(True, 50), (True, 25), (True, 12), (False, 13), (False, 14)]:
        cost.pace(late, player.wanted_steps())
        assert player.steps_for_next_frame() == expected
    for _ in range(200):
        cost.pace(False, player.wanted_steps())
    assert player.steps_for_next_frame() == 100  # never above what the learner asked for
    for _ in range(20):
        cost.pace(True, player.wanted_steps())
    assert player.steps_for_next_frame() == 1  # and never below one step a frame


def test_a_slow_labs_step_request_is_cut_into_short_slices():
    player = bare_player(1, step_seconds=0.01, frame_seconds=1e-3)  # 10 ms a step
    calls = []

    async def run(lane, fn, interactive=True):
        calls.append(interactive)
        return fn()

    sent = []

    async def send_frame_text(text):
        sent.append(text)

    player.session.runtime.pool = SimpleNamespace(workers=2, players=1, run=run)
    player.session.metrics = SimpleNamespace(
        steps=SimpleNamespace(labels=lambda lab: NullCounter())
    )
    player.session.send_frame_text = send_frame_text
    # The step's cost stays 10 ms: what the fake lab's steps really take (a busy machine's
    # pauses included) must not move the slices.
    player.session.workspace.cost.record = lambda *args: None
    asyncio.run(player.train_and_send(5))
    # 20 ms slices of 10 ms steps: 2 + 2 + 1 steps, one frame at the end.
    assert calls == [True, True, True]
    assert len(sent) == 1 and '"step":5' in sent[0]


class NullCounter:
    def inc(self, n: int = 1) -> None:
        pass


def test_a_full_room_sends_light_frames_between_whole_ones():
    # 100 players on 2 workers at 20 frames/s: a share of 1 ms of a worker per frame.
    player = bare_player(100, step_seconds=2e-4, frame_seconds=2.5e-3)
    cost = player.session.workspace.cost
    cost.light_seconds = 1e-4
    # One whole frame (2.5 ms) and k - 1 light ones (0.1 ms + a 0.2 ms step) fit in k ms
    # from k = 2.4 / 0.7 on: every 4th frame is whole.
    assert cost.whole_every(player.fair_share().seconds) == 4
    cost.record(0.0, 0, 2.5e-3)  # a whole frame was just sent
    lights = []
    for _ in range(8):
        lights.append(player.light_frame())
        light = lights[-1]
        cost.record(2e-4, 1, 1e-4 if light else 2.5e-3, light)
    assert lights == [True, True, True, False] * 2
    player.session.page.shown()  # the page holds a frame: the cheap one leaves maps, metrics
    assert player.session.framing(light=True).parts == LIGHT
    # A light frame leaves room for more steps than a whole one.
    assert player.steps_for_next_frame(light=True) == 4  # (1 - 0.1) / 0.2
    assert player.steps_for_next_frame() == 1


def test_maps_still_come_once_a_second_when_even_light_frames_do_not_fit():
    player = bare_player(100, step_seconds=2e-3, frame_seconds=5e-3)
    cost = player.session.workspace.cost
    assert cost.whole_every(player.fair_share().seconds) == math.inf
    cost.record(0.0, 0, 5e-3)
    assert player.light_frame() is True
    cost.whole_at -= WHOLE_FRAME_SECONDS
    assert player.light_frame() is False


def test_whole_frames_when_they_fit_and_room_pairs_while_teaching():
    assert bare_player(2, 1e-3, 50e-3).light_frame() is False  # a worker each
    assert bare_player(3, 1e-4, 1e-3).light_frame() is False  # 33 ms a frame: fits
    teaching = bare_player(100, 2e-4, 2.5e-3)
    teaching.session.workspace.room = "ABCDEF"
    # Never light while teaching: a student who skipped a frame is sent a whole one.
    assert teaching.light_frame() is False
    assert teaching.session.framing() == Framing(EVERYTHING, room=True)  # the page is new


def test_a_crowd_plays_at_the_crowded_frame_rate_with_larger_bursts():
    player = bare_player(100, 1e-4, 5e-4)
    player.session.runtime.settings = Settings(lab_workers=2, crowded_frames_per_second=10)
    assert player.frames_per_second() == 10
    # 2 workers / (100 players x 10 frames/s) = 2 ms a frame: (2 - 0.5) ms / 0.1 ms = 15 steps.
    assert player.steps_for_next_frame() == 15
    assert bare_player(2, 1e-4, 5e-4).frames_per_second() == 20  # a worker each: the cap


def test_a_growing_room_shares_the_frame_budget_within_the_crowded_cap():
    s = Settings(frames_per_second=20, crowded_frames_per_second=15, crowded_frame_budget=2100)
    assert frame_rate(s, workers=2, players=1) == 20  # a worker each: the cap
    assert frame_rate(s, workers=2, players=2) == 20
    assert frame_rate(s, workers=2, players=3) == 15  # crowded: the crowded cap ...
    assert frame_rate(s, workers=2, players=100) == 15  # ... while 2,100 / N is above it
    assert frame_rate(s, workers=2, players=140) == 15
    assert frame_rate(s, workers=2, players=150) == 14
    assert frame_rate(s, workers=2, players=200) == 10.5
    assert frame_rate(s, workers=4, players=300) == 7
    # Never above the frame cap, whatever the budget.
    roomy = Settings(frames_per_second=12, crowded_frames_per_second=15, crowded_frame_budget=1e6)
    assert frame_rate(roomy, workers=2, players=50) == 12


def test_frames_are_due_a_period_after_the_last_one_was_due():
    period = 0.1
    # On time: the frame took 30 ms and the loop woke 5 ms late; the next is still due at
    # 1.2, so the loop waits 65 ms, not 100.
    assert next_frame_at(1.1, period, now=1.135) == pytest.approx(1.2)
    # Late by less than a period: due at once, and the rate is made up.
    assert next_frame_at(1.1, period, now=1.25) == pytest.approx(1.2)
    # Behind by more than a period: start afresh rather than rush frames out to catch up.
    assert next_frame_at(1.1, period, now=1.5) == pytest.approx(1.4)


def test_a_crowd_of_200_plays_at_the_budgets_rate_with_larger_bursts():
    player = bare_player(200, 1e-4, 5e-4)
    player.session.runtime.settings = Settings(lab_workers=2, crowded_frame_budget=2000)
    assert player.frames_per_second() == 10
    # 2 workers / (200 players x 10 frames/s) = 1 ms a frame: (1 - 0.5) ms / 0.1 ms = 5 steps.
    assert player.steps_for_next_frame() == 5


def test_in_a_crowd_a_page_that_draws_its_maps_gets_light_frames_but_one_a_second():
    # A whole frame fits the share here (33 ms), yet a page that draws its maps from the
    # weights loses nothing but a frame's fresh metrics with a light one: the lab measures
    # every other frame. Not in a crowd, not while teaching, and a whole one each second.
    cost = costing(step_ms=0.1, frame_ms=1)
    cost.whole_at = 100.0
    crowd = FairShare(workers=2, players=3, frames_per_second=20)
    assert crowd.light(False, cost, now=100.1) is False
    assert crowd.light(False, cost, now=100.1, draws=True) is True
    assert crowd.light(False, cost, now=100.0 + WHOLE_FRAME_SECONDS, draws=True) is False
    assert crowd.light(True, cost, now=100.1, draws=True) is False
    roomy = FairShare(workers=2, players=2, frames_per_second=20)
    assert roomy.light(False, cost, now=100.1, draws=True) is False
    player = bare_player(100, step_seconds=1e-5, frame_seconds=1e-5)
    player.session.workspace.cost.record(0.0, 0, 1e-5)  # a whole frame was just sent
    assert player.light_frame() is False
    player.session.page.draws = frozenset({"maps"})
    assert player.light_frame() is True


def test_light_frames_measure_the_losses_every_other_frame():
    from neural_playground.app.labs.playground.lab import PlaygroundLab

    lab = PlaygroundLab(Settings())
    measured = []
    for _ in range(6):
        before = len(lab.history)
        lab.play(3, light=True)
        measured.append(len(lab.history) > before)
    assert measured == [False, True] * 3
    assert lab.history[-1][0] == lab.step_count == 18
