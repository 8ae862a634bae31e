"""Child process of the offline benchmark: analyse texts with the offline analyser on one core.

    python -m bench.offline_child TEXTS.json RUNS   → JSON: words, seconds per run, peak RSS
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def main() -> None:
    texts: list[str] = json.loads(open(sys.argv[1], encoding="utf-8").read())
    runs = int(sys.argv[2])
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    started = time.perf_counter()
    import claims
    from claims.config import Config
    from claims.document import SourceText
    from claims.pipeline import analyze_source

    config = Config()  # the offline analyser
    analyze_source(SourceText("<warm-up>", texts[0], "text"), config)  # lexicons, compiled rules
    first = time.perf_counter() - started
    seconds = []
    for _ in range(runs):
        t = time.perf_counter()
        for i, text in enumerate(texts):
            analyze_source(SourceText(f"<{i}>", text, "text"), config)
        seconds.append(time.perf_counter() - t)
    print(json.dumps({
        "words": sum(len(t.split()) for t in texts), "chars": sum(len(t) for t in texts),
        "seconds": seconds, "startup": first, "version": claims.__version__,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
