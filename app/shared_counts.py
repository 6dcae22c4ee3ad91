"""Limits that hold across replicas: open sessions (NP_MAX_SESSIONS) and rooms (NP_MAX_ROOMS)
counted in Redis when REDIS_URL is set.

Each replica keeps its own count in a Redis hash (`np:count:<name>`, one field per replica)
and says when it last did (`np:count:<name>:seen`): a replica that died stops counting once
it has been silent for STALE_SECONDS. A claim checks the sum and takes one in a single Lua
script, so that simultaneous connections on several replicas cannot all pass; a release
gives it back; every few seconds each replica writes its true count (what this process
holds), so a count a fault left wrong is put right; a release wakes that write at once.

Redis away (`NP_REDIS_TIMEOUT_SECONDS`): the claim is decided by this replica's own count,
as without Redis; the class goes on.
"""

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable

import redis.asyncio as aioredis

from neural_playground.app.aio import wait_set

log = logging.getLogger(__name__)

REDIS_FAULTS = (aioredis.RedisError, OSError, TimeoutError)
BEAT_SECONDS = 5.0
STALE_SECONDS = 30.0

# KEYS: counts, seen. ARGV: now, cap, replica, stale seconds. 1 when taken, else 0.
CLAIM = """
local counts = redis.call('HGETALL', KEYS[1])
local now, cap, me, stale = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local total = 0
for i = 1, #counts, 2 do
  local seen = tonumber(redis.call('HGET', KEYS[2], counts[i]) or '0')
  if counts[i] == me or now - seen <= stale then total = total + tonumber(counts[i + 1]) end
end
if total >= cap then return 0 end
redis.call('HINCRBY', KEYS[1], me, 1)
redis.call('HSET', KEYS[2], me, ARGV[1])
return 1
"""


class SharedCount:
    """One limit counted over every replica. `held()` is what this replica holds now."""

    def __init__(self, redis, name: str, held: Callable[[], int], timeout: float) -> None:
        self.redis = redis
        self.key, self.seen_key = f"np:count:{name}", f"np:count:{name}:seen"
        self.held = held
        self.timeout = timeout
        self.replica = secrets.token_hex(6)
        self.claim_script = redis.register_script(CLAIM)
        self.wake = asyncio.Event()  # write the count now, not at the next beat

    async def claim(self, cap: int) -> bool:
        """Take one if the replicas together hold fewer than `cap`."""
        try:
            async with asyncio.timeout(self.timeout):
                keys = [self.key, self.seen_key]
                args = [time.time(), cap, self.replica, STALE_SECONDS]
                return bool(await self.claim_script(keys=keys, args=args))
        except REDIS_FAULTS:
            log.warning("redis unreachable: counting this replica only", extra={"count": self.key})
            return True  # this replica's own count (checked before) decides

    async def release(self) -> None:
        """One given back: the beat writes the true count now (no Redis call here: a tab
        closing as the server stops must not open a connection after Redis was let go)."""
        self.refresh()

    async def total(self) -> int | None:
        """What the live replicas hold together; None when Redis cannot say."""
        try:
            async with asyncio.timeout(self.timeout):
                counts = await self.redis.hgetall(self.key)
                seen = await self.redis.hgetall(self.seen_key)
        except REDIS_FAULTS:
            return None
        now = time.time()
        return sum(
            int(n)
            for replica, n in counts.items()
            if replica == self.replica or now - float(seen.get(replica, 0)) <= STALE_SECONDS
        )

    async def beat(self) -> None:
        """Write this replica's true count, and that it is alive."""
        async with asyncio.timeout(self.timeout), self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.key, self.replica, self.held())
            pipe.hset(self.seen_key, self.replica, time.time())
            await pipe.execute()

    async def run(self) -> None:
        while True:
            try:
                await self.beat()
            except REDIS_FAULTS:
                log.warning("redis unreachable: count not written", extra={"count": self.key})
            await wait_set(self.wake, BEAT_SECONDS)
            self.wake.clear()

    def refresh(self) -> None:
        """Write the true count now (something was given up), not at the next beat."""
        self.wake.set()

    async def forget(self) -> None:
        """This replica stops: its count goes with it."""
        with contextlib.suppress(*REDIS_FAULTS):
            async with asyncio.timeout(self.timeout):
                await self.redis.hdel(self.key, self.replica)
                await self.redis.hdel(self.seen_key, self.replica)
