"""Corpus runs through the local server: concurrent articles under one budget, streamed in
completion order, failures isolated, 429s shared, resumable through the cache and --skip-done."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claims import llm
from claims.config import resolve
from claims.corpus import Outcome, Summary, arun_corpus, done_keys
from claims.ratelimit import RateLimiter
from tests.cli_helpers import run_main
from tests.fake_openai import FakeOpenAI, article_of, prompt_text

TOPICS = ["harbour", "railway", "school", "hospital", "bridge", "library", "stadium", "airport", "market", "museum"]


def first_sentence(body: dict[str, Any]) -> dict[str, Any]:
    """A grounded answer for any chunk: its first sentence as the article's own claim."""
    article, _ = article_of(body)
    first = article.split(". ")[0].strip()
    claim = {"statement": first, "source": first, "kind": "event", "checkworthiness": 0.5}
    return {"speakers": [], "quotes": [], "claims": [claim]}


def write_articles(directory: Path, n: int, paragraphs: int = 1) -> list[Path]:
    """`n` distinct short articles (one chunk each unless `paragraphs` is large)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        body = "\n\n".join(
            f"The {topic} number {i} opened in paragraph {p}. Officials said it cost {i + p} million. "
            f"Residents of district {i} welcomed the {topic}, according to the council."
            for p in range(paragraphs)
        )
        path = directory / f"article-{i:03d}.txt"
        path.write_text(body + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm, "BACKOFF_BASE", 0.01)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(first_sentence, delay=0.05) as s:
        yield s


def _argv(server: FakeOpenAI, *args: str) -> list[str]:
    return ["summarize", "--base-url", server.base_url, "--model", "m", *args]


def _lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_articles_run_concurrently_under_one_shared_limit(server: FakeOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    paths = write_articles(tmp_path / "in", 12)
    server.delay = 0.2
    r = run_main(_argv(server, "-f", "jsonl", "--concurrency", "4", str(tmp_path / "in")), capsys, monkeypatch)
    assert r.code == 0, r.err
    got = _lines(r.out)
    assert sorted(a["document"]["source"] for a in got) == sorted(str(p) for p in paths)
    assert server.stats.requests == 12  # one chunk each, nothing twice
    assert 1 < server.stats.peak_in_flight <= 4  # articles overlap, but never past the one limit
    for a in got:  # each line is the analysis of the file it names
        text = Path(a["document"]["source"]).read_text(encoding="utf-8")
        assert a["claims"] and all(text[c["start"] : c["end"]] for c in a["claims"])
        assert text.startswith(a["claims"][0]["statement"])


def test_lines_come_in_completion_order(tmp_path: Path, capsys, monkeypatch) -> None:
    paths = write_articles(tmp_path / "in", 3)
    slow_marker = "number 0 "
    release = threading.Event()

    def responder(body: dict[str, Any]) -> dict[str, Any]:
        if slow_marker in article_of(body)[0]:
            release.wait(10)  # the first article answers only once the others are done
        return first_sentence(body)

    seen: list[str] = []

    def on_outcome(o: Outcome) -> None:
        seen.append(o.path)
        if len(seen) == 2:
            release.set()

    with FakeOpenAI(responder) as s:
        config = resolve(model="m", base_url=s.base_url, concurrency=4)
        summary = asyncio.run(arun_corpus([str(p) for p in paths], config, on_outcome))
    assert seen == [str(paths[1]), str(paths[2]), str(paths[0])] or seen == [str(paths[2]), str(paths[1]), str(paths[0])]
    assert summary.done == 3 and summary.failed == 0


def test_one_failing_article_does_not_stop_the_others(server: FakeOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    write_articles(tmp_path / "in", 5)
    server.inject("500", times=100, match="number 3 ")  # article 3 fails every retry
    missing = tmp_path / "missing.txt"
    r = run_main(_argv(server, "-f", "jsonl", str(tmp_path / "in"), str(missing)), capsys, monkeypatch)
    assert r.code == 3, r.err
    assert len(_lines(r.out)) == 4
    failed = [line for line in r.err_lines if line.startswith("Failed: ")]
    assert len(failed) == 2
    assert any("article-003.txt" in f and "HTTP 500" in f for f in failed)
    assert any("missing.txt" in f for f in failed)
    assert "4 articles done, 2 failed" in r.err


def test_all_articles_failing_exits_1(server: FakeOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    write_articles(tmp_path / "in", 3)
    server.inject("500", times=100)
    r = run_main(_argv(server, "-f", "jsonl", str(tmp_path / "in")), capsys, monkeypatch)
    assert r.code == 1 and r.out == ""
    assert "0 articles done, 3 failed" in r.err


def test_a_429_cools_down_the_whole_run(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 8)
    arrivals: list[float] = []
    lock = threading.Lock()

    def responder(body: dict[str, Any]) -> dict[str, Any]:
        with lock:
            arrivals.append(time.monotonic())
        return first_sentence(body)

    limiter = RateLimiter(4)
    with FakeOpenAI(responder, delay=0.0) as s:
        s.inject("429", retry_after=1)  # the very first request is told to wait a second
        config = resolve(model="m", base_url=s.base_url, concurrency=4, cache=False)
        started = time.monotonic()
        summary = asyncio.run(arun_corpus([str(p) for p in paths], config, lambda o: None, limiter=limiter))
        assert s.stats.faults_served == ["429"]
    assert summary.done == 8 and summary.throttled == 1 == limiter.counters.throttled
    assert summary.requests == 9 == s.stats.requests  # 8 answers + the refused one
    # only the (at most 3) requests already in flight with the refused one were answered
    # before its cool-down ended: nobody else started during it
    early = [t for t in arrivals if t - started < 0.9]
    assert len(early) <= 3, [round(t - started, 2) for t in arrivals]
    assert limiter.factor < 1.0 or limiter.counters.requests > 8  # the run slowed, then recovered


def test_rerun_after_failures_only_sends_what_is_missing(server: FakeOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    write_articles(tmp_path / "in", 6, paragraphs=3)
    server.inject("500", times=100, match="number 4 ")  # article 4's chunks all fail
    argv = _argv(server, "-f", "jsonl", "--chunk-chars", "200", str(tmp_path / "in"))
    first = run_main(argv, capsys, monkeypatch)
    assert first.code == 3
    answered = server.stats.requests - len(server.stats.faults_served)
    server.faults.clear()
    server.reset_stats()
    second = run_main(argv, capsys, monkeypatch)
    assert second.code == 0, second.err
    sent = [article_of(b)[0] for b in server.stats.bodies]
    # only the failed article's chunks (its lead, "number 4", is in each one's text or context)
    assert sent and all("number 4 " in prompt_text(b) for b in server.stats.bodies)
    assert len(set(sent)) == len(sent) == server.stats.requests
    lines = _lines(second.out)
    assert len(lines) == 6
    assert sum(a["usage"]["cache_hits"] for a in lines) == answered
    assert f"{answered} cache hits" in second.err


def test_skip_done_skips_analysed_articles_and_appends_the_rest(server: FakeOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    paths = write_articles(tmp_path / "in", 4)
    out = tmp_path / "out.jsonl"
    argv = _argv(server, "--no-cache", "-f", "jsonl", "-o", str(out), "--skip-done", str(tmp_path / "in"))
    assert run_main(argv, capsys, monkeypatch).code == 0
    assert server.stats.requests == 4 and len(out.read_text().splitlines()) == 4
    # an interrupted write left half a line; one article changed; one is new
    with out.open("a", encoding="utf-8") as f:
        f.write('{"document": {"source": "cut')
    paths[1].write_text("The ferry number 1 was cancelled on Monday. Nobody said why.\n", encoding="utf-8")
    write_articles(tmp_path / "in", 5)[4]
    paths[1].write_text("The ferry number 1 was cancelled on Monday. Nobody said why.\n", encoding="utf-8")
    server.reset_stats()
    r = run_main(argv, capsys, monkeypatch)
    assert r.code == 0, r.err
    assert server.stats.requests == 2  # the changed and the new article, nothing else
    assert r.out == ""  # the data went to the file
    assert "3 skipped" in r.err
    keys = done_keys(out)
    assert len(keys) == 6  # 4 first analyses + the changed one's new version + the new one
    assert {src for src, _ in keys} == {str(p) for p in sorted((tmp_path / "in").glob("*.txt"))}
    assert sum(1 for line in out.read_text().splitlines() if line.startswith('{"schema_version"')) == 6


def test_skip_done_needs_an_output_file(server: FakeOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    write_articles(tmp_path / "in", 1)
    r = run_main(_argv(server, "-f", "jsonl", "--skip-done", str(tmp_path / "in")), capsys, monkeypatch)
    assert r.code == 2 and "--skip-done needs" in r.err


def test_summary_counts_match_the_server_and_price_the_tokens(server: FakeOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    write_articles(tmp_path / "in", 5)
    monkeypatch.setenv("CLAIMS_PRICE_INPUT", "2.5")
    r = run_main(_argv(server, "-f", "jsonl", "--price-out", "10", str(tmp_path / "in")), capsys, monkeypatch)
    assert r.code == 0
    st = server.stats
    completion = sum(a["usage"]["completion_tokens"] for a in _lines(r.out))  # as the server reported
    assert completion > 0
    cost = (st.prompt_tokens * 2.5 + completion * 10) / 1e6
    assert (
        f"5 articles done, 0 failed; {st.requests} requests, {st.prompt_tokens} prompt + "
        f"{completion} completion tokens, 0 cache hits; estimated cost ${cost:.4f}"
    ) in r.err


def test_progress_display_only_on_a_terminal(server: FakeOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    import sys

    write_articles(tmp_path / "in", 3, paragraphs=2)
    argv = _argv(server, "--no-cache", "-f", "jsonl", "--chunk-chars", "200", str(tmp_path / "in"))
    plain = run_main(argv, capsys, monkeypatch)
    assert "\r" not in plain.err and "chunks 6/6" not in plain.err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    tty = run_main(argv, capsys, monkeypatch)
    assert "articles 3/3 (0 failed) · chunks 6/6" in tty.err
    quiet = run_main([*argv, "-q"], capsys, monkeypatch)
    assert quiet.err == ""


def test_summary_cost_absent_without_prices() -> None:
    s = Summary(done=2, requests=3, prompt_tokens=1000, completion_tokens=100)
    assert s.cost(None, None) is None and "cost" not in s.line()
    assert s.cost(1.0, None) == pytest.approx(0.001)


def test_single_article_api_and_corpus_run_share_the_cache(server: FakeOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    import claims

    paths = write_articles(tmp_path / "in", 3, paragraphs=3)
    one = claims.analyze_file(str(paths[0]), base_url=server.base_url, model="m", chunk_chars=200)
    assert one.usage.requests == one.usage.chunks == server.stats.requests > 1
    server.reset_stats()
    r = run_main(_argv(server, "-f", "jsonl", "--chunk-chars", "200", str(tmp_path / "in")), capsys, monkeypatch)
    assert r.code == 0
    lines = {a["document"]["source"]: a for a in _lines(r.out)}
    assert lines[str(paths[0])]["usage"]["cache_hits"] == one.usage.chunks  # nothing re-asked for it
    assert lines[str(paths[0])]["claims"] == one.model_dump(mode="json")["claims"]
    assert server.stats.requests == sum(lines[str(p)]["usage"]["chunks"] for p in paths[1:])
