"""Run every benchmark on this machine and rewrite its tables in BENCHMARKS.md.

    python bench/run.py                 # all benchmarks, 5 timed repetitions each
    python bench/run.py --only cached   # some of them (names: see --list)
    python bench/run.py --runs 3 --no-write

Each benchmark module exposes NAME and run_bench(ctx) -> list[Table]; its tables replace the text
between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in BENCHMARKS.md, so hand-written
sections and other benchmarks' tables are kept. A new benchmark is a module added to MODULES.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import re
import shutil
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import Context, Skip, Table, machine  # noqa: E402

MODULES = ["calls", "concurrency", "cached", "offline", "memory", "corpus"]  # run in this order
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"


def section(name: str, tables: list[Table], header: str) -> str:
    body = "\n\n".join(t.markdown() for t in tables)
    return f"<!-- bench:{name} -->\n{header}\n\n{body}\n<!-- /bench:{name} -->"


def rewrite(doc: str, name: str, block: str) -> str:
    """Replace the block of benchmark `name` in `doc` (appended when absent)."""
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    if pattern.search(doc):
        return pattern.sub(lambda _: block, doc)
    return doc.rstrip("\n") + "\n\n" + block + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=MODULES, help="run only these benchmarks")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each timed figure (median reported)")
    parser.add_argument("--no-write", action="store_true", help="print the tables, leave BENCHMARKS.md alone")
    parser.add_argument("--output", default=str(BENCHMARKS_MD), help="the markdown file to rewrite")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(MODULES))
        return 0
    ctx = Context(runs=max(1, args.runs))
    where = machine()
    today = dt.date.today().isoformat()
    cmd = "python bench/run.py" + (f" --only {' '.join(args.only)}" if args.only else "") + (
        f" --runs {args.runs}" if args.runs != 5 else ""
    )
    out = Path(args.output)
    doc = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    failed = 0
    try:
        for name in args.only or MODULES:
            mod = importlib.import_module(f"bench.{name}")
            print(f"== {name}", file=sys.stderr, flush=True)
            started = time.perf_counter()
            header = f"Measured {today} on {where}.  \nCommand: `{cmd}` ({ctx.runs} runs per timed figure, medians)."
            try:
                tables = mod.run_bench(ctx)
            except Skip as exc:
                print(f"   skipped: {exc}", file=sys.stderr)
                tables = [Table(f"{name}: skipped", ["reason"], [[str(exc)]])]
            except Exception:  # one broken benchmark does not hide the others
                failed += 1
                traceback.print_exc()
                continue
            for t in tables:
                print(t.markdown() + "\n")
            print(f"   {time.perf_counter() - started:.1f} s", file=sys.stderr)
            doc = rewrite(doc, name, section(name, tables, header))
            if not args.no_write:
                out.write_text(doc, encoding="utf-8")
    finally:
        shutil.rmtree(ctx.work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
