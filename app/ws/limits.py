"""Limits: token buckets, the shape of every rate limit (messages, training steps, wrong
guesses), and the limits a page is told in `hello` (to check input before sending it)."""

import time

from neural_playground.app.settings import Settings


def max_steps_per_frame(settings: Settings) -> int:
    """The most steps one frame may carry: the per-second budget spread over the frames."""
    return max(1, int(settings.max_steps_per_second / settings.frames_per_second))


def public_limits(settings: Settings, steps_per_request: int) -> dict[str, float | int]:
    """The limits a page is told in `hello`; `steps_per_request`: its lab's own cap on a
    request's steps (the RNN page's is lower than NP_MAX_STEPS_PER_REQUEST)."""
    s = settings
    return {
        "max_layers": s.max_layers,
        "max_neurons": s.max_neurons,
        "max_inputs": s.max_inputs,
        "max_data_points": s.max_data_points,
        "max_message_bytes": s.max_message_bytes,
        "max_messages_per_second": s.max_messages_per_second,
        "max_steps_per_request": steps_per_request,
        "max_steps_per_second": s.max_steps_per_second,
        "max_steps_per_frame": max_steps_per_frame(s),
        "frames_per_second": s.frames_per_second,
        "max_abs_value": s.max_abs_value,
    }


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


class GuessThrottle:
    """Wrong guesses of a secret (the access code, a room code) per key: an address, or a
    session. Each key has a bucket of `burst` wrong guesses, refilled one every
    `refill_seconds`; a right answer never spends one, so a class behind one school NAT
    (a shared address) with a few typos never runs it dry, while a guesser is slowed to one
    try per refill once their burst is spent.

    While a key's bucket is empty, its attempts are refused *without checking them*: an
    answer that let a right guess through would tell the guesser which one was right. So a
    learner behind the same address as a guesser waits at most one refill.
    """

    def __init__(self, burst: int, refill_seconds: float, max_keys: int = 10_000) -> None:
        self.burst = burst
        self.rate = 1.0 / refill_seconds
        self.max_keys = max_keys
        self.buckets: dict[str, TokenBucket] = {}  # in order of creation

    def allowed(self, *keys: str) -> bool:
        """Whether every one of `keys` may try (has a wrong guess left)."""
        for key in keys:
            bucket = self.buckets.get(key)
            if bucket is not None and bucket.seconds_until(1) > 0:
                return False
        return True

    def failed(self, *keys: str) -> None:
        """A wrong guess by each of `keys`."""
        for key in keys:
            bucket = self.buckets.get(key)
            if bucket is None:
                self.make_room()
                bucket = self.buckets[key] = TokenBucket(self.rate, burst=self.burst)
            bucket.take(1)

    def retry_after(self, *keys: str) -> float:
        """Seconds until every one of `keys` may try again."""
        waits = [self.buckets[k].seconds_until(1) for k in keys if k in self.buckets]
        return max(waits, default=0.0)

    def make_room(self) -> None:
        """A bounded table: forget refilled buckets (they are new ones), then the oldest."""
        if len(self.buckets) < self.max_keys:
            return
        for key in [k for k, b in self.buckets.items() if b.seconds_until(self.burst) == 0]:
            del self.buckets[key]
        while len(self.buckets) >= self.max_keys:
            del self.buckets[next(iter(self.buckets))]
