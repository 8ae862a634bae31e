"""Shared pieces of the benchmarks: tables, the local server, inputs, timed CLI subprocesses.

Everything runs on this machine against tests.fake_openai.FakeOpenAI on 127.0.0.1. Article texts
longer than the seed are built at run time from the dev-data gold file (never copied into the
repo); benchmarks that need them are skipped with a message when it is absent.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests.fake_openai and claims import from the repo root
    sys.path.insert(0, str(ROOT))

from bench.synthetic import BenchResponder  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402

SEED = ROOT / "seeds" / "belarus-nuclear-fr.txt"
DEV_DATA = Path(os.environ.get("CLAIMS_DEV_DATA", Path(__file__).resolve().parents[2] / "shared" / "dev-data"))
GGT_GOLD = DEV_DATA / "ggt-en-dev" / "gold.jsonl"
MODEL = "reference-model"


class Skip(Exception):
    """A benchmark cannot run here (missing data); the message says why."""


@dataclass
class Table:
    """One markdown table of a benchmark section."""

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        out = [f"### {self.title}", "", "| " + " | ".join(self.headers) + " |"]
        out.append("|" + "|".join("---" for _ in self.headers) + "|")
        out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in self.rows]
        out += [""] + [f"{n}" for n in self.notes] if self.notes else []
        return "\n".join(out)


def _cell(v: Any) -> str:
    if isinstance(v, bool):
        return "PASS" if v else "**FAIL**"
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


@dataclass
class Context:
    """Options every benchmark receives."""

    runs: int = 5  # repetitions for timed figures (medians reported)
    quick: bool = False  # fewer repetitions, smaller inputs where the target allows it
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="claims-bench-")))


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


# ---------------------------------------------------------------- inputs


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def dev_texts() -> list[str]:
    """The ggt-en-dev article texts, read at run time (Skip when the dev data is absent)."""
    if not GGT_GOLD.exists():
        raise Skip(f"dev data not found at {GGT_GOLD} (set CLAIMS_DEV_DATA)")
    with GGT_GOLD.open(encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def long_article(min_chars: int) -> str:
    """Dev-data articles joined by blank lines (repeated if needed) until `min_chars` is reached."""
    texts = dev_texts()
    parts: list[str] = []
    n = 0
    while n < min_chars:
        t = texts[len(parts) % len(texts)].strip()
        parts.append(t)
        n += len(t) + 2
    return "\n\n".join(parts)


def write_article(ctx: Context, name: str, text: str) -> Path:
    path = ctx.work / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- server


@contextmanager
def server(delay: float = 0.0) -> Iterator[FakeOpenAI]:
    """The local OpenAI-compatible server with reference answers for the seed and synthetic
    grounded answers for any other chunk (and for the compare task)."""
    with FakeOpenAI(BenchResponder(), delay=delay) as s:
        yield s


# ---------------------------------------------------------------- subprocesses


def claims_script() -> str:
    """The installed `claims` console script of this interpreter's environment."""
    beside = Path(sys.executable).parent / "claims"
    found = str(beside) if beside.exists() else shutil.which("claims")
    if not found:
        raise Skip("the `claims` console script is not installed (pip install -e .)")
    return found


def child_env(cache_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """A clean environment for CLI runs: no endpoint from the user's shell, bytecode cached under
    a bench directory (as in an installed package), an isolated response cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMS_", "OPENAI_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "claims-bench-pycache")
    if cache_dir is not None:
        env["CLAIMS_CACHE_DIR"] = str(cache_dir)
    env.update(extra)
    return env


@dataclass
class Run:
    returncode: int
    seconds: float
    max_rss_mb: float  # the child's peak resident set size
    cpu_seconds: float  # the child's user + system CPU time (less sensitive to machine load)
    stdout: str
    stderr: str


def run(cmd: Sequence[str], env: dict[str, str], check: bool = True) -> Run:
    """Run `cmd`, timing it and reading the child's own peak RSS from wait4 (not the maximum
    over every child so far, which RUSAGE_CHILDREN would give)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(
            proc.returncode, seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime,
            out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
        )  # fmt: skip
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}: {result.stderr.strip()[-500:]}")
    return result


def llm_args(s: FakeOpenAI) -> list[str]:
    return ["--model", MODEL, "--base-url", s.base_url]


def machine() -> str:
    """One line describing this machine and interpreter."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.2f} at start"
    return (
        f"{cpu}, {os.cpu_count()} CPUs{mem}{load}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )
