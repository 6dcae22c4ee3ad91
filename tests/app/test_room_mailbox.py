"""A follower's mailbox: the teacher's small frame while the follower is in step, else the
whole one (see app.rooms.frames)."""

import asyncio

from neural_playground.app.rooms import frames
from neural_playground.app.rooms.hub import END, FRAME, Fanout, Mailbox


def pair(n: int) -> str:
    return frames.join(f'{{"small":{n}}}', f'{{"whole":{n}}}')


def sent(box: Mailbox) -> list[tuple[str, str]]:
    return asyncio.run(box.get())


def test_a_new_follower_is_sent_the_whole_frame_then_the_small_ones():
    box = Mailbox()
    box.put(FRAME, pair(1))
    assert sent(box) == [(FRAME, '{"whole":1}')]
    box.put(FRAME, pair(2))
    box.put("status", '{"step":2}')
    assert sent(box) == [(FRAME, '{"small":2}'), ("status", '{"step":2}')]
    box.put(FRAME, pair(3))
    assert sent(box) == [(FRAME, '{"small":3}')]


def test_a_follower_who_skips_a_frame_is_sent_the_whole_newest_one():
    box = Mailbox()
    box.put(FRAME, pair(1))
    sent(box)
    box.put(FRAME, pair(2))
    box.put(FRAME, pair(3))  # frame 2 was never sent: frame 3's small one would not draw
    assert sent(box) == [(FRAME, '{"whole":3}')]
    box.put(FRAME, pair(4))
    assert sent(box) == [(FRAME, '{"small":4}')]


def test_frames_that_are_whole_anyway_travel_as_they_are():
    box = Mailbox()
    whole = '{"whole":1}'
    assert frames.join(whole, whole) == whole and frames.split(whole) == (whole, whole)
    box.put(FRAME, whole)
    box.put(END, "")
    assert sent(box) == [(FRAME, whole), (END, "")]


def test_after_frames_may_have_been_lost_every_follower_is_sent_a_whole_one():
    fanout, box, late = Fanout(), Mailbox(), Mailbox()
    fanout.add("ROOM", box)
    fanout.deliver("ROOM", FRAME, pair(1))
    sent(box)
    fanout.lost_frames()  # e.g. the Redis connection dropped between frames 1 and 2
    fanout.deliver("ROOM", FRAME, pair(2))
    assert sent(box) == [(FRAME, '{"whole":2}')]
    fanout.add("ROOM", late)  # joins late: the room's newest frame, whole
    assert sent(late) == [(FRAME, '{"whole":2}')]
    fanout.deliver("ROOM", FRAME, pair(3))
    assert sent(box) == sent(late) == [(FRAME, '{"small":3}')]
