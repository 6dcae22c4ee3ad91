"""app.aio.wait_set: a background loop built on it always ends when it is cancelled, which
`asyncio.wait_for` on Python 3.11 did not guarantee (a replica's shutdown hung on it)."""

import asyncio

from neural_playground.app.aio import wait_set


async def beating(event: asyncio.Event, swallow: bool, beats: list[int]) -> None:
    while True:
        try:
            beats.append(1)
            await asyncio.sleep(10 if swallow else 0)  # swallow: the cancel lands here
        except asyncio.CancelledError:
            if not swallow:
                raise
            # What redis-py may do with a cancellation mid-command: a connection error.
        await wait_set(event, 5.0)
        event.clear()


def run_until_cancelled(swallow: bool, set_with_cancel: bool) -> list[int]:
    async def main() -> list[int]:
        event, beats = asyncio.Event(), []
        task = asyncio.create_task(beating(event, swallow, beats))
        await asyncio.sleep(0.01)
        if set_with_cancel:
            event.set()  # the event and the cancellation arrive together
        task.cancel()
        await asyncio.wait({task}, timeout=2)  # the bug: the task never finished
        assert task.done()
        return beats

    return asyncio.run(main())


def test_a_cancellation_that_arrives_as_the_event_is_set_ends_the_loop():
    assert run_until_cancelled(swallow=False, set_with_cancel=True)


def test_a_cancellation_swallowed_on_the_way_ends_the_loop_at_its_next_wait():
    assert run_until_cancelled(swallow=True, set_with_cancel=False)


def test_it_returns_when_the_event_is_set_or_the_time_is_up():
    async def main() -> None:
        event = asyncio.Event()
        event.set()
        async with asyncio.timeout(1):
            await wait_set(event, 60)  # at once: the event is set
        async with asyncio.timeout(1):
            await wait_set(asyncio.Event(), 0.01)  # the time is up

    asyncio.run(main())
