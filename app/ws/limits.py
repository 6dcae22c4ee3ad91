"""Token buckets: the shape of every per-session rate limit (messages, training steps)."""

import time


class TokenBucket:
    """`rate` tokens a second on average, at most `burst` saved up (default: one second's worth)."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate = rate
        self.burst = max(burst if burst is not None else rate, 1.0)
        self.tokens = self.burst
        self.stamp = time.monotonic()

    def refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def allow(self) -> bool:
        """Take one token if there is one."""
        return self.take(1) == 1

    def take(self, wanted: int) -> int:
        """Take up to `wanted` whole tokens; return how many were granted (maybe 0)."""
        self.refill()
        granted = min(wanted, int(self.tokens))
        self.tokens -= granted
        return granted

    def seconds_until(self, wanted: int = 1) -> float:
        """How long until `wanted` tokens (at most the burst) are saved up."""
        self.refill()
        missing = min(wanted, self.burst) - self.tokens
        return max(0.0, missing / self.rate)
