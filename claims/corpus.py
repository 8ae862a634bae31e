"""Many articles in one event loop under one request budget, each reported as soon as it completes.

`run_corpus` reads and analyses articles with a bounded pool of workers (so memory does not grow
with the corpus), sends every chunk request through one shared `RateLimiter` (concurrency, RPM,
TPM, 429 cool-down), and calls `on_outcome` per article in completion order. One article failing
never stops the others. Resuming: completed chunks come from the response cache; `done_keys` reads
an earlier JSONL output so that articles already in it (same source path, same sha256) are skipped.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .config import Config
from .document import read_source
from .errors import ClaimsError
from .schemas import Analysis

if TYPE_CHECKING:
    from .ratelimit import RateLimiter

DoneKeys = frozenset[tuple[str, str]]
PRICE_ENV = ("CLAIMS_PRICE_INPUT", "CLAIMS_PRICE_OUTPUT")  # USD per million tokens


@dataclass
class Outcome:
    """One input: its analysis, or the error that stopped it, or skipped as already done."""

    index: int
    path: str
    analysis: Analysis | None = None
    error: ClaimsError | None = None
    skipped: bool = False


class Tally(list[int]):
    """Counts the chunk indexes appended to it without keeping them (flat memory on any corpus)."""

    count: int = 0  # type: ignore[assignment]  # shadows list.count on purpose

    def append(self, index: int) -> None:
        self.count += 1


@dataclass
class Summary:
    """Totals of a run, for the final line on stderr."""

    inputs: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    partial: int = 0  # done, but some chunks failed
    chunks: int = 0
    chunks_done: int = 0  # answered or failed
    chunks_cached: Tally = field(default_factory=lambda: Tally())  # answered and cached
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    throttled: int = 0  # 429 responses seen
    peak_in_flight: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)  # one stderr line each, in completion order

    def cost(self, price_in: float | None, price_out: float | None) -> float | None:
        """Estimated USD for the tokens sent and received (cache hits cost nothing)."""
        if price_in is None and price_out is None:
            return None
        return (self.prompt_tokens * (price_in or 0.0) + self.completion_tokens * (price_out or 0.0)) / 1e6

    def line(self, price_in: float | None = None, price_out: float | None = None) -> str:
        parts = [f"{self.done} article{'s' if self.done != 1 else ''} done", f"{self.failed} failed"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped (already in the output)")
        text = "usage: " + ", ".join(parts)
        text += (
            f"; {self.requests} requests, {self.prompt_tokens} prompt + {self.completion_tokens} "
            f"completion tokens, {self.cache_hits} cache hits"
        )
        if self.throttled:
            text += f", {self.throttled} rate-limited (429) responses"
        cost = self.cost(price_in, price_out)
        if cost is not None:
            text += f"; estimated cost ${cost:.4f}"
        return text


def prices(price_in: float | None, price_out: float | None) -> tuple[float | None, float | None]:
    """Prices per million tokens from the options, else CLAIMS_PRICE_INPUT / CLAIMS_PRICE_OUTPUT."""
    out: list[float | None] = []
    for given, env in zip((price_in, price_out), PRICE_ENV, strict=True):
        raw = os.environ.get(env)
        if given is None and raw:
            try:
                given = float(raw)
            except ValueError as exc:
                raise ClaimsError(f"{env}={raw!r} is not a number", f"set {env} to USD per million tokens") from exc
        out.append(given)
    return out[0], out[1]


def done_keys(path: str | Path) -> DoneKeys:
    """(source, sha256) of every analysis in a JSONL output file; unreadable lines are ignored
    (an interrupted write leaves at most one, and that article is simply redone)."""
    p = Path(path)
    if not p.exists():
        return frozenset()
    keys: set[tuple[str, str]] = set()
    with p.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                doc = json.loads(line)["document"]
                keys.add((str(doc["source"]), str(doc["sha256"])))
            except (ValueError, KeyError, TypeError):
                continue
    return frozenset(keys)


class Display:
    """A one-line progress display over articles and chunks, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO | None, summary: Summary) -> None:
        self.stream, self.summary = stream, summary
        self._last = 0.0
        self._shown = False

    def draw(self, force: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        s = self.summary
        finished = s.done + s.failed + s.skipped
        self.stream.write(
            f"\rarticles {finished}/{s.inputs} ({s.failed} failed) · chunks {s.chunks_done}/{s.chunks}"
            f" · {s.requests} requests\x1b[K"
        )
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown and self.stream is not None:
            self.draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False


def default_window(config: Config) -> int:
    """Articles in progress at once: enough to keep every request slot busy, few enough that
    memory does not grow with the corpus."""
    return max(4, 2 * config.concurrency)


async def _analyse_one(index: int, path: str, config: Config, skip: DoneKeys, summary: Summary,
                       display: Display) -> Outcome:  # fmt: skip
    from .document import detect_language
    from .pipeline import analyze_source, finalise

    try:
        src = read_source(path)
        if (src.source, src.sha256) in skip:
            return Outcome(index, path, skipped=True)
        if config.offline:
            return Outcome(index, path, analyze_source(src, config))
        from .extract import aanalyse

        seen = [0, 0]  # this article's chunks (done, total) already added to the summary

        def progress(done: int, total: int) -> None:
            summary.chunks += total - seen[1]
            summary.chunks_done += done - seen[0]
            seen[:] = [done, total]
            display.draw()

        language = config.language or detect_language(src.text)
        analysis = await aanalyse(src, language, config, progress, summary.chunks_cached)
        return Outcome(index, path, finalise(analysis, src.text))
    except ClaimsError as exc:
        return Outcome(index, path, error=exc)
    except Exception as exc:  # a bug on one article must not lose the other articles' results
        return Outcome(index, path, error=_unexpected(path, exc))


def _unexpected(path: str, exc: Exception) -> ClaimsError:
    """A bug met on one article, as that article's error (raised instead under CLAIMS_DEBUG)."""
    if os.environ.get("CLAIMS_DEBUG"):
        raise exc
    return ClaimsError(f"{path}: unexpected {type(exc).__name__}: {exc}",
                       "rerun it alone with CLAIMS_DEBUG=1 and report the traceback")  # fmt: skip


def run_offline(paths: Sequence[str], config: Config, on_outcome: Callable[[Outcome], None], *,
                skip: DoneKeys = frozenset()) -> Summary:  # fmt: skip
    """The offline analyser's run: one article after the other, as in the event loop (its work
    is CPU only, so there is nothing to overlap), without starting one."""
    from .pipeline import analyze_source

    summary = Summary(inputs=len(paths))
    started = time.monotonic()
    try:
        for index, path in enumerate(paths):
            try:
                src = read_source(path)
                if (src.source, src.sha256) in skip:
                    outcome = Outcome(index, path, skipped=True)
                else:
                    outcome = Outcome(index, path, analyze_source(src, config))
            except ClaimsError as exc:
                outcome = Outcome(index, path, error=exc)
            except Exception as exc:
                outcome = Outcome(index, path, error=_unexpected(path, exc))
            _tally(summary, outcome, None)
            on_outcome(outcome)
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"{summary.done} of {summary.inputs} articles done") from None
    finally:
        summary.seconds = time.monotonic() - started
    return summary


async def arun_corpus(paths: Sequence[str], config: Config, on_outcome: Callable[[Outcome], None], *,
                      skip: DoneKeys = frozenset(), window: int | None = None,
                      progress: TextIO | None = None, limiter: RateLimiter | None = None,
                      summary: Summary | None = None) -> Summary:  # fmt: skip
    """Analyse `paths` concurrently in the running loop; `on_outcome` gets each one as it ends."""
    import asyncio

    from . import llm
    from .ratelimit import RateLimiter, installed

    summary = summary if summary is not None else Summary()
    summary.inputs = len(paths)
    limiter = limiter or RateLimiter(config.concurrency, config.rpm, config.tpm)
    display = Display(progress, summary)
    todo = iter(enumerate(paths))
    started = time.monotonic()

    async def worker() -> None:
        for index, path in todo:
            outcome = await _analyse_one(index, path, config, skip, summary, display)
            _tally(summary, outcome, limiter)
            display.draw()
            on_outcome(outcome)

    keep = llm.KEEP_CLIENTS.set(True)
    try:
        with installed(limiter):
            await asyncio.gather(*(worker() for _ in range(min(len(paths), window or default_window(config)) or 1)))
    finally:
        llm.KEEP_CLIENTS.reset(keep)
        await llm.aclose()
        _tally(summary, None, limiter)
        summary.seconds = time.monotonic() - started
        display.close()
    return summary


def _tally(summary: Summary, outcome: Outcome | None, limiter: RateLimiter | None) -> None:
    if limiter is not None:
        c = limiter.counters
        summary.requests, summary.prompt_tokens, summary.completion_tokens = c.requests, c.prompt_tokens, c.completion_tokens
        summary.throttled, summary.peak_in_flight = c.throttled, limiter.peak_in_flight
    if outcome is None:
        return
    if outcome.skipped:
        summary.skipped += 1
    elif outcome.error is not None:
        summary.failed += 1
        message = outcome.error.one_line().removeprefix("Error: ")
        summary.failures.append(f"Failed: {outcome.path}: {message}")
    elif outcome.analysis is not None:
        summary.done += 1
        summary.cache_hits += outcome.analysis.usage.cache_hits
        if outcome.analysis.usage.chunks_failed:
            summary.partial += 1
            numbers = ", ".join(str(i + 1) for i in outcome.analysis.usage.chunks_failed)
            summary.failures.append(f"Failed: {outcome.path}: chunk(s) {numbers} failed (see the warnings)")


CACHED_RUN_MAX_INPUTS = 32  # a cached run holds its analyses until all are known to be cached


def run_cached(paths: Sequence[str], config: Config, on_outcome: Callable[[Outcome], None], *,
               skip: DoneKeys = frozenset()) -> Summary | None:  # fmt: skip
    """The run when every input's answers are already in the response cache: synchronous, no
    event loop, no HTTP client (claims.pipeline.cached_analysis), so a cached run starts fast.
    Returns None, having reported nothing, as soon as one input needs a request or cannot be
    read: `run_corpus` then does the run (and reports the input's error as usual)."""
    if config.offline or not config.cache or not paths or len(paths) > CACHED_RUN_MAX_INPUTS:
        return None
    from .document import detect_language
    from .pipeline import cached_analysis, finalise

    started = time.monotonic()
    outcomes: list[Outcome] = []
    for index, path in enumerate(paths):
        try:
            src = read_source(path)
            if (src.source, src.sha256) in skip:
                outcomes.append(Outcome(index, path, skipped=True))
                continue
            analysis = cached_analysis(src, config.language or detect_language(src.text), config)
        except Exception:
            if os.environ.get("CLAIMS_DEBUG"):
                raise
            return None  # the full run reports it, as one article's error
        if analysis is None:
            return None
        outcomes.append(Outcome(index, path, finalise(analysis, src.text)))
    summary = Summary(inputs=len(paths))
    for o in outcomes:
        if o.analysis is not None:
            summary.chunks += o.analysis.usage.chunks
            summary.chunks_done += o.analysis.usage.chunks
        _tally(summary, o, None)
        on_outcome(o)
    summary.seconds = time.monotonic() - started
    return summary


def run_corpus(paths: Sequence[str], config: Config, on_outcome: Callable[[Outcome], None], *,
               skip: DoneKeys = frozenset(), window: int | None = None,
               progress: TextIO | None = None) -> Summary:  # fmt: skip
    """Synchronous `arun_corpus`: one event loop for the whole run. On Ctrl-C the pending requests
    are cancelled; what completed is already reported and cached."""
    import asyncio

    summary = Summary()
    try:
        return asyncio.run(arun_corpus(paths, config, on_outcome, skip=skip, window=window,
                                       progress=progress, summary=summary))  # fmt: skip
    except KeyboardInterrupt:
        raise KeyboardInterrupt(
            f"{summary.chunks_cached.count} of {summary.chunks} chunks completed and cached, "
            f"{summary.done} of {summary.inputs} articles done"
        ) from None


def progress_stream(quiet: bool) -> TextIO | None:
    """stderr when it is a terminal and the run is not quiet; no progress display otherwise."""
    return sys.stderr if not quiet and sys.stderr.isatty() else None
