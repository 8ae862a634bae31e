"""Nothing lost: a `claims summarize` process stopped mid-way (Ctrl-C or SIGKILL) and rerun asks
the endpoint only for the chunks it had not answered; Ctrl-C says what was saved on one line.

The endpoint is tests/fake_openai.py in this process (so its request counts are visible); the CLI
runs as a real subprocess that receives a real signal.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from claims.segment import chunk
from tests.conftest import DUMMY_KEY
from tests.fake_openai import FakeOpenAI, article_of

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "belarus-nuclear-fr.txt"
CHUNK_CHARS = 400
TOTAL = len(chunk(SEED.read_text(encoding="utf-8"), CHUNK_CHARS))
INTERRUPTED = re.compile(r"^Interrupted: .*?\b(\d+)(?: of \d+)? chunks.*; rerun the same command to resume\.$")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals to a subprocess")


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(delay=0.25) as s:  # slow enough that a run is stopped mid-way
        yield s


def _argv(server: FakeOpenAI) -> list[str]:
    return [
        sys.executable, "-m", "claims.cli", "summarize", str(SEED), "--format", "json",
        "--base-url", server.base_url, "--model", "m", "--chunk-chars", str(CHUNK_CHARS), "--concurrency", "2",
    ]  # fmt: skip


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMS_", "OPENAI_"))}
    return {**env, "CLAIMS_CACHE_DIR": str(cache), "CLAIMS_API_KEY": DUMMY_KEY}


def _cached(cache: Path) -> int:
    import diskcache

    with diskcache.Cache(str(cache)) as c:
        return len(c)


def _stop_mid_way(server: FakeOpenAI, cache: Path, sig: signal.Signals) -> subprocess.CompletedProcess[str]:
    """Start a run, wait until a few answers have been sent, then deliver `sig`."""
    proc = subprocess.Popen(_argv(server), env=_env(cache), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while server.stats.requests - server.stats.in_flight < 4:  # answered, not in flight
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never got going"
        time.sleep(0.01)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _rerun(server: FakeOpenAI, cache: Path) -> tuple[dict[str, object], int, list[str]]:
    """Rerun to completion: the analysis, the requests it sent and the chunk texts they carried."""
    server.reset_stats()
    done = subprocess.run(_argv(server), env=_env(cache), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), server.stats.requests, [article_of(b)[0] for b in server.stats.bodies]


def _uninterrupted(server: FakeOpenAI, cache: Path) -> dict[str, object]:
    analysis, requests, _ = _rerun(server, cache)
    assert requests == TOTAL
    return analysis


def _without_usage(analysis: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in analysis.items() if k != "usage"}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_rerun_after_a_kill_requests_only_the_missing_chunks(server: FakeOpenAI, tmp_path: Path, sig: signal.Signals) -> None:
    assert TOTAL >= 10
    cache = tmp_path / "cache"
    stopped = _stop_mid_way(server, cache, sig)
    completed = _cached(cache)
    assert 1 <= completed < TOTAL, f"stopped after {completed} of {TOTAL} chunks: not mid-way"

    if sig == signal.SIGINT:
        assert stopped.returncode == 130, stopped.stderr
        assert stopped.stdout == ""
        lines = stopped.stderr.splitlines()
        assert len(lines) == 1 and "Traceback" not in stopped.stderr, stopped.stderr
        said = INTERRUPTED.match(lines[0])
        assert said, lines[0]
        assert int(said.group(1)) == completed  # what it says was saved is what the cache holds
    else:
        assert stopped.returncode == -signal.SIGKILL

    resumed, requests_after, sent = _rerun(server, cache)
    assert completed + requests_after == TOTAL
    assert requests_after < TOTAL
    assert len(set(sent)) == len(sent)  # each missing chunk asked once
    assert resumed["usage"]["cache_hits"] == completed  # type: ignore[index]
    assert resumed["usage"]["chunks_failed"] == []  # type: ignore[index]

    # nothing lost or changed: the resumed result is the one an uninterrupted run gives
    fresh = _uninterrupted(server, tmp_path / "fresh-cache")
    assert _without_usage(resumed) == _without_usage(fresh)


def test_ctrl_c_before_any_answer_still_exits_130_on_one_line(tmp_path: Path) -> None:
    """Interrupted while every request is still pending: nothing cached, nothing printed but the line."""
    with FakeOpenAI(delay=30) as server:
        proc = subprocess.Popen(
            _argv(server), env=_env(tmp_path / "cache"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 60
        while server.stats.in_flight < 2:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and (said := INTERRUPTED.match(lines[0])), err
    assert said.group(1) == "0" and _cached(tmp_path / "cache") == 0
