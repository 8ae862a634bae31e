"""Four `claims summarize` processes at once on ONE cache directory, on identical and different
articles: all succeed, and each gives the result a lone run on an empty cache gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claims.segment import chunk, paragraphs
from tests.conftest import DUMMY_KEY
from tests.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "belarus-nuclear-fr.txt"
CHUNK_CHARS = 400


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(delay=0.3) as s:  # the reference answers, per chunk; slow enough to overlap
        yield s


def _argv(server: FakeOpenAI, path: Path) -> list[str]:
    return [
        sys.executable, "-m", "claims.cli", "summarize", str(path), "--format", "json", "--quiet",
        "--base-url", server.base_url, "--model", "m", "--chunk-chars", str(CHUNK_CHARS), "--concurrency", "3",
    ]  # fmt: skip


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMS_", "OPENAI_"))}
    return {**env, "CLAIMS_CACHE_DIR": str(cache), "CLAIMS_API_KEY": DUMMY_KEY}


def _halves(tmp_path: Path) -> tuple[Path, Path]:
    """Two different articles cut from the seed, so the reference server can answer them."""
    text = SEED.read_text(encoding="utf-8")
    paras = paragraphs(text)
    mid = paras[len(paras) // 2].start
    first, second = tmp_path / "first-half.txt", tmp_path / "second-half.txt"
    first.write_text(text[:mid].rstrip() + "\n", encoding="utf-8")
    second.write_text(text[mid:], encoding="utf-8")
    return first, second


def _without_usage(analysis: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in analysis.items() if k != "usage"}


def test_four_processes_share_one_cache(server: FakeOpenAI, tmp_path: Path) -> None:
    first, second = _halves(tmp_path)
    inputs = [SEED, SEED, first, second]  # two identical, two different
    shared = tmp_path / "shared-cache"
    procs = [
        subprocess.Popen(_argv(server, p), env=_env(shared), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for p in inputs
    ]
    results = [p.communicate(timeout=180) for p in procs]
    for p, (_out, err), path in zip(procs, results, inputs, strict=True):
        assert p.returncode == 0, (path, err)
        assert "Traceback" not in err and "Error" not in err, err
    analyses = [json.loads(out) for out, _ in results]
    peak = server.stats.peak_in_flight
    total = sum(len(chunk(p.read_text(encoding="utf-8"), CHUNK_CHARS)) for p in inputs)
    assert server.stats.requests <= total  # nothing retried; identical chunks may come from the cache

    assert _without_usage(analyses[0]) == _without_usage(analyses[1])  # identical articles
    assert analyses[0]["quotes"] and analyses[2]["quotes"] and analyses[3]["quotes"]
    for analysis in analyses:
        assert analysis["usage"]["chunks_failed"] == []  # type: ignore[index]
    # each equals a lone run on an empty cache: sharing the cache changed nothing
    for n, path in enumerate([SEED, first, second]):
        done = subprocess.run(_argv(server, path), env=_env(tmp_path / f"alone-{n}"), capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert _without_usage(json.loads(done.stdout)) == _without_usage(analyses[[0, 2, 3][n]])
    assert peak > 3  # the four processes really overlapped (each alone keeps at most 3 in flight)
