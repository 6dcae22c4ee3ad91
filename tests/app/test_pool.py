"""The lab workers: order within a lab, interactive first, round-robin, cancellation, stop."""

import asyncio
import threading

import pytest

from neural_playground.app.labrun.pool import LabPool, Lane, PoolStopped


def run(coro):
    return asyncio.run(coro)


def holding(gate: threading.Event) -> tuple:
    """A call that holds its worker until `gate` is set, and the event set once it runs."""
    started = threading.Event()

    def hold() -> bool:
        started.set()
        return gate.wait()

    return hold, started


async def until(condition, limit: float = 60.0) -> None:
    """Wait for a state (a call started, calls queued), not for a time: the worker threads
    of a loaded machine may take long to get going. `limit`: when the test gives up."""
    deadline = asyncio.get_running_loop().time() + limit
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "the state never came"
        await asyncio.sleep(0.001)


async def with_pool(workers: int, body):
    pool = LabPool(workers)
    pool.start()
    try:
        return await body(pool)
    finally:
        pool.stop()


def test_calls_of_one_lane_run_in_order_and_never_at_once():
    active, seen, overlap = [0], [], []
    lock = threading.Lock()

    def job(k):
        def fn():
            with lock:
                active[0] += 1
                overlap.append(active[0])
            seen.append(k)
            with lock:
                active[0] -= 1
            return k

        return fn

    async def body(pool):
        lane = Lane()
        return await asyncio.gather(*(pool.run(lane, job(k)) for k in range(50)))

    assert run(with_pool(4, body)) == list(range(50))
    assert seen == list(range(50))
    assert max(overlap) == 1


def test_interactive_calls_jump_ahead_and_lanes_take_turns():
    order = []
    gate = threading.Event()

    async def body(pool):
        first, a, b = Lane(), Lane(), Lane()
        hold, started = holding(gate)
        blocker = asyncio.ensure_future(pool.run(first, hold))  # holds the one worker
        await until(started.is_set)
        calls = [
            pool.run(a, lambda: order.append("a-bg1"), interactive=False),
            pool.run(a, lambda: order.append("a-bg2"), interactive=False),
            pool.run(b, lambda: order.append("b-bg1"), interactive=False),
            pool.run(b, lambda: order.append("b-edit"), interactive=True),
        ]
        tasks = [asyncio.ensure_future(c) for c in calls]
        await until(lambda: a.pending() == b.pending() == 2)  # all four queued
        gate.set()
        await asyncio.gather(blocker, *tasks)

    run(with_pool(1, body))
    # b's edit first; then lanes alternate instead of a running both its bursts in a row.
    assert order == ["b-edit", "a-bg1", "b-bg1", "a-bg2"]


def test_errors_reach_the_caller_and_the_lane_goes_on():
    def boom():
        raise ValueError("lab bug")

    async def body(pool):
        lane = Lane()
        with pytest.raises(ValueError, match="lab bug"):
            await pool.run(lane, boom)
        return await pool.run(lane, lambda: 42)

    assert run(with_pool(2, body)) == 42


def test_a_cancelled_call_that_has_not_started_never_runs():
    ran = []
    gate = threading.Event()

    async def body(pool):
        lane = Lane()
        blocker = asyncio.ensure_future(pool.run(lane, gate.wait))
        doomed = asyncio.ensure_future(pool.run(lane, lambda: ran.append("doomed")))
        await asyncio.sleep(0.02)
        doomed.cancel()
        gate.set()
        await blocker
        await pool.run(lane, lambda: ran.append("after"))

    run(with_pool(1, body))
    assert ran == ["after"]


def test_stop_fails_waiting_calls_and_refuses_new_ones():
    gate = threading.Event()

    async def body():
        pool = LabPool(1)
        pool.start()
        hold, started = holding(gate)
        blocker = asyncio.ensure_future(pool.run(Lane(), hold))
        waiting_lane = Lane()
        waiting = asyncio.ensure_future(pool.run(waiting_lane, lambda: "never"))
        await until(lambda: started.is_set() and waiting_lane.interactive)
        stopper = asyncio.get_running_loop().run_in_executor(None, pool.stop)
        await until(lambda: pool.stopping)
        gate.set()
        await stopper
        assert await blocker is True
        with pytest.raises(PoolStopped):
            await waiting
        with pytest.raises(PoolStopped):
            await pool.run(Lane(), lambda: None)
        assert not pool.threads

    run(body())


def test_each_worker_serves_its_own_lanes_so_a_busy_one_does_not_hold_up_the_other():
    gate = threading.Event()

    async def body(pool):
        first, second, third = pool.new_lane(), pool.new_lane(), pool.new_lane()
        assert (first.home, second.home, third.home) == (0, 1, 0)
        blocked = asyncio.ensure_future(pool.run(first, gate.wait))
        # Worker 1 answers while worker 0 is stuck on the first lane...
        worker = await pool.run(second, lambda: threading.current_thread().name)
        assert worker == "lab-worker-1"
        done = asyncio.ensure_future(pool.run(third, lambda: "third"))
        await asyncio.sleep(0.05)
        assert not done.done()  # ...and the third lane, homed on worker 0, waits for it.
        gate.set()
        assert await done == "third"
        await blocked

    run(with_pool(2, body))
