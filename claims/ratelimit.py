"""One request budget shared by every article and chunk of a run: concurrency, RPM, TPM, 429s.

A `RateLimiter` is installed for the duration of a run (`installed`) and every HTTP request to the
endpoint goes through `slot()`: it waits for a free concurrency slot and for the request and token
buckets, and counts what was sent. A 429 anywhere slows the whole run: every new request waits out
a shared cool-down (Retry-After, else one second) and the rate and the concurrency are halved, then
recover a little with each success (additive increase, multiplicative decrease).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
COOLDOWN = 1.0  # seconds every request waits after a 429 without Retry-After
MIN_FACTOR = 0.125  # a run never slows below an eighth of its configured rate
RECOVER = 0.05  # factor regained per successful request after a 429
BURST_SECONDS = 1.0  # a bucket holds this many seconds of budget

_CURRENT: ContextVar[RateLimiter | None] = ContextVar("claims_rate_limiter", default=None)


class Bucket:
    """A budget refilled continuously at `per_minute`/60 per second, holding `BURST_SECONDS` of it.

    A debit may take the level below zero (a request larger than the burst still goes, and the
    next ones wait until the debt is repaid), so the long-run rate never exceeds `per_minute`.
    """

    def __init__(self, per_minute: float, now: float) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * BURST_SECONDS)
        self.level = self.capacity
        self.stamp = now

    def _refill(self, now: float, factor: float) -> None:
        if now > self.stamp:
            self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate * factor)
            self.stamp = now

    def drain(self, until: float) -> None:
        """Empty, refilling only from `until` on (after a 429 the endpoint's budget is spent)."""
        self.level = min(self.level, 0.0)
        self.stamp = max(self.stamp, until)

    def delay(self, amount: float, now: float, factor: float) -> float:
        """Seconds until `amount` may be debited (0 when it may go now)."""
        self._refill(now, factor)
        need = min(amount, self.capacity)
        if self.level >= need - 1e-9:  # float round-off must not leave a wait too short to pass
            return 0.0
        return max(1e-3, (need - self.level) / (self.rate * factor))

    def debit(self, amount: float) -> None:
        self.level -= amount


@dataclass
class Counters:
    """What went through the limiter: requests sent, tokens reported, 429s seen."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    throttled: int = 0


class RateLimiter:
    """Concurrency + requests-per-minute + tokens-per-minute limits shared across one event loop."""

    def __init__(self, concurrency: int, rpm: int | None = None, tpm: int | None = None,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:  # fmt: skip
        self.concurrency = max(1, concurrency)
        self.clock, self.sleep = clock, sleep
        now = clock()
        self.requests = Bucket(rpm, now) if rpm else None
        self.tokens = Bucket(tpm, now) if tpm else None
        self.factor = 1.0
        self.cooldown_until = 0.0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.counters = Counters()
        self._completion_mean = 0.0  # running estimate of completion tokens per request
        self._waiters: list[asyncio.Future[None]] = []

    @property
    def limit(self) -> int:
        """Requests allowed in flight now: the concurrency, reduced after 429s."""
        return max(1, math.floor(self.concurrency * self.factor))

    def estimate(self, prompt_tokens: int) -> int:
        """Tokens a request will use: its prompt plus the mean completion seen so far."""
        return prompt_tokens + round(self._completion_mean)

    async def acquire(self, tokens: int) -> None:
        """Wait for a slot, the cool-down and both buckets, then take them (atomically: no await
        between the last check and the debit)."""
        while True:
            while self.in_flight >= self.limit:
                waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                await waiter
            now = self.clock()
            wait = self.cooldown_until - now
            if wait <= 0:
                wait = max(
                    self.requests.delay(1, now, self.factor) if self.requests else 0.0,
                    self.tokens.delay(tokens, now, self.factor) if self.tokens else 0.0,
                )
            if wait <= 0 and self.in_flight < self.limit:
                if self.requests:
                    self.requests.debit(1)
                if self.tokens:
                    self.tokens.debit(tokens)
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
                self.counters.requests += 1
                return
            if wait > 0:
                await self.sleep(wait)

    def release(self) -> None:
        """Free a slot and wake the waiters (synchronous, so it is safe while being cancelled)."""
        self.in_flight -= 1
        waiters, self._waiters = self._waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(None)

    def settle(self, estimated: int, prompt_tokens: int, completion_tokens: int) -> None:
        """Record a response's real token counts; the TPM bucket is corrected by the difference."""
        self.counters.prompt_tokens += prompt_tokens
        self.counters.completion_tokens += completion_tokens
        n = max(1, self.counters.requests)
        self._completion_mean += (completion_tokens - self._completion_mean) / n
        if self.tokens:
            self.tokens.debit(prompt_tokens + completion_tokens - estimated)
        self.factor = min(1.0, self.factor + RECOVER)

    def throttle(self, retry_after: float | None) -> None:
        """A 429: every request waits out the cool-down, and the rate and concurrency halve."""
        self.counters.throttled += 1
        now = self.clock()
        self.cooldown_until = max(self.cooldown_until, now + (COOLDOWN if retry_after is None else retry_after))
        self.factor = max(MIN_FACTOR, self.factor / 2)
        for bucket in (self.requests, self.tokens):
            if bucket is not None:
                bucket.drain(self.cooldown_until)


def current() -> RateLimiter | None:
    """The limiter of the running run, if one is installed."""
    return _CURRENT.get()


@contextmanager
def installed(limiter: RateLimiter | None) -> Iterator[RateLimiter | None]:
    """Make `limiter` the one every request of this context (and the tasks it creates) uses."""
    token = _CURRENT.set(limiter)
    try:
        yield limiter
    finally:
        _CURRENT.reset(token)


class Slot:
    """One request's hold on the limiter; `settle(response)` records its token usage."""

    def __init__(self, limiter: RateLimiter | None, estimated: int) -> None:
        self.limiter, self.estimated = limiter, estimated

    def settle(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        if self.limiter is not None and usage is not None:
            self.limiter.settle(self.estimated, usage.prompt_tokens or 0, usage.completion_tokens or 0)


@asynccontextmanager
async def slot(prompt_tokens: int, retry_after: Callable[[BaseException], float | None]) -> AsyncIterator[Slot]:
    """Hold the installed limiter (if any) for one HTTP request; a 429 throttles the whole run."""
    limiter = current()
    if limiter is None:
        yield Slot(None, 0)
        return
    estimated = limiter.estimate(prompt_tokens)
    await limiter.acquire(estimated)
    try:
        yield Slot(limiter, estimated)
    except BaseException as exc:
        if getattr(exc, "status_code", None) == 429:
            limiter.throttle(retry_after(exc))
        raise
    finally:
        limiter.release()
