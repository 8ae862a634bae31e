"""The `claims` console script: `claims.cli.main` with a quicker start.

Importing typer, pydantic and the schemas creates tens of thousands of long-lived objects, and the
cyclic garbage collector, run every few hundred allocations, would traverse them again and again
while they are being created: about a sixth of a cached run's start-up (BENCHMARKS.md). The
collector is paused for the imports only; what they created is then frozen (moved out of the
collector's view, as it lives as long as the process anyway) and collection resumes as usual
for the command itself. The library (`import claims`) is never affected.
"""

from __future__ import annotations

import gc
import sys


def run() -> None:
    gc.disable()
    try:
        from .cli import main
    finally:
        gc.freeze()
        gc.enable()
    sys.exit(main())
