"""Concurrent chunks with 1 s of server delay per request, side by side with a sequential run.

The article is the shortest run of dev-data text that makes at least 8 chunks; every run is
uncached, so each chunk is one request. Two timings per run: the analysis inside a child process
whose LLM stack is already imported (bench/child.py; the target applies to it) and the whole
`claims summarize --no-cache` process (interpreter start-up and `openai` import included).
"""

from __future__ import annotations

import json
import sys

from bench.common import (
    Context,
    Table,
    child_env,
    claims_script,
    llm_args,
    long_article,
    median,
    run,
    server,
    write_article,
)  # fmt: skip
from claims.config import Config
from claims.segment import chunk

NAME = "concurrency"
DELAY = 1.0
MIN_CHUNKS = 8
TARGET = 0.35  # wall <= TARGET x requests x delay


def article() -> str:
    """The shortest dev-data concatenation (in steps of 1,000 chars) with MIN_CHUNKS chunks."""
    budget = Config().chunk_chars
    size = (MIN_CHUNKS - 1) * budget
    text = long_article(size)
    while len(chunk(text, budget)) < MIN_CHUNKS:
        size += 1000
        text = long_article(size)
    return text


def timed(ctx: Context, path: str, concurrency: int | None, runs: int) -> dict[str, float]:
    exe = claims_script()
    env = child_env(ctx.work / "cache-concurrency")
    extra = [] if concurrency is None else ["--concurrency", str(concurrency)]
    pipeline, cli, requests, peak = [], [], 0, 0
    with server(delay=DELAY) as s:
        for _ in range(runs):
            s.reset_stats()
            r = run([sys.executable, "-m", "bench.child", path, "--base-url", s.base_url, "--no-cache", *extra], env)
            pipeline.append(json.loads(r.stdout)["seconds"])
            requests, peak = s.stats.requests, max(peak, s.stats.peak_in_flight)
            s.reset_stats()
            cli.append(run([exe, "summarize", path, *llm_args(s), "--no-cache", "-q", *extra], env).seconds)
    return {"pipeline": median(pipeline), "cli": median(cli), "requests": requests, "peak": peak, "runs": runs}


def run_bench(ctx: Context) -> list[Table]:
    text = article()
    path = str(write_article(ctx, "concurrency.txt", text))
    chunks = len(chunk(text, Config().chunk_chars))
    default = Config().concurrency
    seq = timed(ctx, path, 1, max(1, min(ctx.runs, 3)))
    rows = [(f"default (--concurrency {default})", timed(ctx, path, None, ctx.runs))]
    rows.append(("--concurrency 8", timed(ctx, path, 8, ctx.runs)))
    rows.append(("sequential (--concurrency 1)", seq))
    t = Table(
        f"Concurrency ({len(text):,}-char article, {chunks} chunks, {DELAY:.0f} s server delay per request)",
        ["run", "requests", "peak in flight", "analysis s (median)", "target analysis <= 0.35 x requests x delay",
         "pass", "speed-up vs sequential", "whole CLI process s (median)", "runs"],
    )  # fmt: skip
    for label, m in rows:
        bound = TARGET * m["requests"] * DELAY
        is_seq = m is seq
        t.rows.append([
            label, int(m["requests"]), int(m["peak"]), round(m["pipeline"], 2),
            "-" if is_seq else f"<= {bound:.2f} s", "-" if is_seq else m["pipeline"] <= bound,
            "1.0x" if is_seq else f"{seq['pipeline'] / m['pipeline']:.1f}x", round(m["cli"], 2), int(m["runs"]),
        ])  # fmt: skip
    t.notes.append(
        "Analysis: `claims.analyze_file` timed inside a child process whose `openai`/`instructor` are "
        "already imported (bench/child.py). Whole CLI process: `claims summarize --no-cache`, which "
        "adds interpreter start-up and the one-off import of the LLM stack (see the cached-run table)."
    )
    return [t]
