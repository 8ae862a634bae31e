"""Offline analyser throughput and memory on the dev-data articles (and the seed), one core.

A child process pinned to one CPU analyses every article once to warm up, then the whole set
ctx.runs times; words are whitespace-separated tokens of the article texts.
"""

from __future__ import annotations

import json
import sys

from bench.common import Context, Table, child_env, dev_texts, median, run, seed_text

NAME = "offline"
WORDS_PER_S = 5000
MAX_MB = 600


def measure(ctx: Context, name: str, texts: list[str]) -> dict[str, float]:
    path = ctx.work / f"offline-{name}.json"
    path.write_text(json.dumps(texts), encoding="utf-8")
    r = run([sys.executable, "-m", "bench.offline_child", str(path), str(ctx.runs)], child_env())
    out = json.loads(r.stdout)
    out["wps"] = out["words"] / median(out["seconds"])
    return out


def run_bench(ctx: Context) -> list[Table]:
    t = Table(
        "Offline analyser (one core, `claims.pipeline.analyze_source` with the default offline config)",
        ["articles", "words", "median s per pass", "words / s", "target >= 5,000", "pass",
         "peak RSS MB", "target < 600", "pass", "start-up + first article s"],
    )  # fmt: skip
    sets = [("ggt-en-dev: 40 articles (en)", dev_texts()), ("seed (fr), x 20", [seed_text()] * 20)]
    for label, texts in sets:
        m = measure(ctx, label.split(":")[0].split(" ")[0], texts)
        t.rows.append([
            label, int(m["words"]), round(median(m["seconds"]), 3), int(m["wps"]), f">= {WORDS_PER_S:,}",
            m["wps"] >= WORDS_PER_S, round(m["max_rss_mb"], 1), f"< {MAX_MB}", m["max_rss_mb"] < MAX_MB,
            round(m["startup"], 2),
        ])  # fmt: skip
    t.notes.append("Peak RSS is the child process's own maximum resident set (getrusage).")
    return [t]
