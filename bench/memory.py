"""Peak memory of `claims summarize` on a 1 MiB article through the local server.

The article is dev-data text repeated to 1,048,576 characters; the run is uncached, so every
chunk is a request. The figure is the child process's own peak RSS (wait4), median of runs.
"""

from __future__ import annotations

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
)

NAME = "memory"
SIZE = 1024 * 1024
TARGET_MB = 400


def run_bench(ctx: Context) -> list[Table]:
    text = long_article(SIZE)[:SIZE]
    path = str(write_article(ctx, "memory-1mib.txt", text))
    exe = claims_script()
    runs = max(1, min(ctx.runs, 3))
    t = Table(
        f"Memory ({len(text):,}-character article)",
        ["run", "requests", "prompt chars / article chars", "peak RSS MB (median)", "wall s (median)", "runs",
         "target", "pass"],
    )  # fmt: skip
    with server() as s:
        rss, wall = [], []
        for i in range(runs):
            s.reset_stats()
            r = run([exe, "summarize", path, *llm_args(s), "--no-cache", "-q", "--format", "json"],
                    child_env(ctx.work / f"cache-memory-{i}"))  # fmt: skip
            rss.append(r.max_rss_mb)
            wall.append(r.seconds)
        requests, chars = s.stats.requests, s.stats.prompt_chars
    t.rows.append(["LLM path (local server, --no-cache)", requests, round(chars / len(text), 3), round(median(rss), 1),
                   round(median(wall), 2), runs, f"<= {TARGET_MB} MB", median(rss) <= TARGET_MB])  # fmt: skip
    off = [run([exe, "summarize", path, "-q", "--format", "json"], child_env())]  # one run: slow
    t.rows.append(["offline analyser (for comparison)", 0, "-", round(median([r.max_rss_mb for r in off]), 1),
                   round(median([r.seconds for r in off]), 2), 1, "-", "-"])  # fmt: skip
    return [t]
