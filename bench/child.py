"""Run in a child process by the benchmarks: time one library analysis with the LLM stack
already imported, so that the figure is the pipeline's (requests, waiting, merging), not the
interpreter's start-up, which the `cached` benchmark measures separately.

    python -m bench.child PATH --base-url URL [--model M] [--concurrency N] [--no-cache]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import claims


def warm_up() -> None:
    """Import what the first cache miss imports (openai, its chat resources, instructor and its
    OpenAI handlers, tenacity), so the timing below is the pipeline's own."""
    import instructor.core  # noqa: F401
    import instructor.v2.providers.openai  # noqa: F401
    import openai.resources.chat  # noqa: F401
    import tenacity  # noqa: F401


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("path")
    p.add_argument("--base-url", required=True)
    p.add_argument("--model", default="reference-model")
    p.add_argument("--concurrency", type=int)
    p.add_argument("--no-cache", action="store_true")
    args = p.parse_args()
    warm_up()

    started = time.perf_counter()
    a = claims.analyze_file(args.path, model=args.model, base_url=args.base_url,
                            concurrency=args.concurrency, cache=not args.no_cache)  # fmt: skip
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "requests": a.usage.requests, "chunks": a.usage.chunks, "max_rss_mb": peak}))


if __name__ == "__main__":
    main()
