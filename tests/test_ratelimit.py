"""The shared rate limiter on a fake clock: concurrency, RPM and TPM budgets, 429 cool-down."""

from __future__ import annotations

import asyncio

import pytest

from claims import ratelimit
from claims.ratelimit import RateLimiter


class FakeClock:
    """Virtual time: sleeping moves the clock to the sleeper's wake-up time (never backwards), so
    concurrent sleepers behave as if they slept side by side."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = self.now + seconds
        await asyncio.sleep(0)
        self.now = max(self.now, wake)


def _limiter(clock: FakeClock, **kw: int) -> RateLimiter:
    concurrency = kw.pop("concurrency", 100)
    return RateLimiter(concurrency, clock=clock, sleep=clock.sleep, **kw)


async def _request(limiter: RateLimiter, clock: FakeClock, starts: list[float], tokens: int = 1,
                   hold: float = 0.0, used: tuple[int, int] | None = None) -> None:  # fmt: skip
    await limiter.acquire(tokens)
    starts.append(clock())
    try:
        await clock.sleep(hold) if hold else await asyncio.sleep(0)
        if used:
            limiter.settle(tokens, *used)
    finally:
        limiter.release()


def _max_in_window(starts: list[float], window: float) -> int:
    return max(sum(1 for t in starts if s <= t < s + window) for s in starts)


def test_rpm_spreads_requests_over_the_minute() -> None:
    clock = FakeClock()
    limiter = _limiter(clock, rpm=60)
    starts: list[float] = []

    async def main() -> None:
        await asyncio.gather(*(_request(limiter, clock, starts) for _ in range(10)))

    asyncio.run(main())
    assert len(starts) == 10
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert all(g >= 1.0 - 1e-9 for g in gaps), gaps  # 60 per minute: one a second
    assert starts[-1] == pytest.approx(9.0)  # and no slower than that


def test_without_limits_nothing_waits() -> None:
    clock = FakeClock()
    limiter = _limiter(clock)
    starts: list[float] = []

    async def main() -> None:
        await asyncio.gather(*(_request(limiter, clock, starts) for _ in range(50)))

    asyncio.run(main())
    assert starts == [0.0] * 50


def test_concurrency_is_never_exceeded_and_slots_are_reused() -> None:
    clock = FakeClock()
    limiter = _limiter(clock, concurrency=3)
    starts: list[float] = []

    async def main() -> None:
        await asyncio.gather(*(_request(limiter, clock, starts, hold=2.0) for _ in range(9)))

    asyncio.run(main())
    assert limiter.peak_in_flight == 3
    assert limiter.in_flight == 0
    assert len(starts) == 9 and limiter.counters.requests == 9


def test_tpm_limits_tokens_and_is_corrected_by_real_usage() -> None:
    clock = FakeClock()
    limiter = _limiter(clock, tpm=6000)  # 100 tokens a second
    starts: list[float] = []

    async def main() -> None:
        # each request is estimated at 100 tokens but really uses 300 (prompt 200 + completion 100)
        await asyncio.gather(*(_request(limiter, clock, starts, tokens=100, used=(200, 100)) for _ in range(6)))

    asyncio.run(main())
    assert limiter.counters.prompt_tokens == 1200 and limiter.counters.completion_tokens == 600
    # 1800 tokens at 100/s cannot fit in much less than 18 s minus the initial burst of 100
    assert clock() >= 12.0, starts
    assert _max_in_window(starts, 3.0) <= 2


def test_a_429_slows_every_request_of_the_run() -> None:
    clock = FakeClock()
    limiter = _limiter(clock, concurrency=8, rpm=600)
    assert limiter.limit == 8
    limiter.throttle(retry_after=5.0)
    assert limiter.limit == 4  # concurrency halved
    starts: list[float] = []

    async def main() -> None:
        await asyncio.gather(*(_request(limiter, clock, starts) for _ in range(4)))

    asyncio.run(main())
    assert min(starts) >= 5.0  # nobody went before the shared cool-down ended
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert all(g >= 0.2 - 1e-9 for g in gaps), gaps  # 600 rpm halved: one per 0.2 s
    assert limiter.counters.throttled == 1


def test_throttling_recovers_with_successes_and_has_a_floor() -> None:
    limiter = RateLimiter(8)
    for _ in range(10):
        limiter.throttle(None)
    assert limiter.factor == ratelimit.MIN_FACTOR and limiter.limit == 1
    for _ in range(100):
        limiter.settle(0, 10, 10)
    assert limiter.factor == 1.0 and limiter.limit == 8


def test_slot_throttles_on_429_and_releases_on_error() -> None:
    class Http429(Exception):
        status_code = 429

    limiter = RateLimiter(2)

    async def main() -> None:
        with ratelimit.installed(limiter):
            with pytest.raises(Http429):
                async with ratelimit.slot(10, lambda exc: 0.0):
                    assert limiter.in_flight == 1
                    raise Http429()
            with pytest.raises(ValueError):
                async with ratelimit.slot(10, lambda exc: 0.0):
                    raise ValueError()

    asyncio.run(main())
    assert limiter.in_flight == 0
    assert limiter.counters.throttled == 1 and limiter.counters.requests == 2


def test_no_installed_limiter_means_no_accounting() -> None:
    async def main() -> None:
        assert ratelimit.current() is None
        async with ratelimit.slot(10, lambda exc: None) as held:
            held.settle(object())

    asyncio.run(main())
