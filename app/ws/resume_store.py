"""Parked work that any replica can take back, so a reconnect need not reach the same one.

A closed session's workspace stays in its replica's memory for the grace period (exact, even
mid-training). With REDIS_URL set, its whole state (the lab's `State`) is also kept in Redis
for the same time, so a reconnect that the load balancer sends to another replica still
finds it. Without Redis this store keeps nothing and only the local parking applies.
"""

import asyncio
import json
import logging

import redis.asyncio as aioredis

log = logging.getLogger(__name__)

#: What a Redis call that fails or outlives its deadline raises.
REDIS_FAULTS = (aioredis.RedisError, OSError, TimeoutError)


def resume_key(token: str) -> str:
    return f"np:resume:{token}"


class ResumeStore:
    def __init__(self, redis_url: str | None, grace_seconds: float, timeout: float = 1.0) -> None:
        self.redis = (
            aioredis.from_url(redis_url, decode_responses=True, socket_connect_timeout=timeout)
            if redis_url
            else None
        )
        self.ttl = max(1, int(grace_seconds))
        #: NP_REDIS_TIMEOUT_SECONDS: a frozen Redis costs a closing or reconnecting tab this
        #: long, then the work is only in this replica's memory (or starts afresh).
        self.timeout = timeout

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()

    async def reachable(self, timeout: float) -> bool:
        """Whether Redis answers a ping within `timeout` seconds (readiness)."""
        if self.redis is None:
            return False
        try:
            async with asyncio.timeout(timeout):
                return bool(await self.redis.ping())
        except (aioredis.RedisError, OSError, TimeoutError):
            return False

    async def put(self, token: str, lab: str, state: dict, playing: bool) -> bool:
        """Keep a state for `token`; whether Redis has it."""
        if self.redis is None:
            return False
        record = json.dumps({"lab": lab, "state": state, "playing": playing})
        try:
            async with asyncio.timeout(self.timeout):
                await self.redis.set(resume_key(token), record, ex=self.ttl)
        except REDIS_FAULTS:
            log.warning("could not keep a closed session's state in redis")
            return False
        return True

    async def take(self, token: str, lab: str) -> tuple[dict, bool] | None:
        """The state parked under `token` for `lab`, once; None if there is none."""
        if self.redis is None:
            return None
        try:
            async with asyncio.timeout(self.timeout):
                raw = await self.redis.getdel(resume_key(token))
        except REDIS_FAULTS:
            log.warning("could not read a closed session's state from redis")
            return None
        record = json.loads(raw) if raw else None
        if record is None or record["lab"] != lab:
            return None
        return record["state"], record["playing"]

    async def drop(self, token: str) -> None:
        if self.redis is not None:
            try:
                async with asyncio.timeout(self.timeout):
                    await self.redis.delete(resume_key(token))
            except REDIS_FAULTS:
                log.warning("could not drop a resumed session's state from redis")
