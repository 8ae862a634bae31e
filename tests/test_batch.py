"""OpenAI Batch API against the local fake of the files and batches endpoints: submit -> status ->
collect fills the cache under the live path's keys, so summarize then sends no chat request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import run_main
from tests.fake_batch import FakeBatchOpenAI
from tests.fake_openai import article_of
from tests.test_corpus import first_sentence, write_articles


@pytest.fixture
def server() -> Iterator[FakeBatchOpenAI]:
    with FakeBatchOpenAI(first_sentence, polls_before_done=2) as s:
        yield s


def _endpoint(server: FakeBatchOpenAI) -> list[str]:
    return ["--base-url", server.base_url, "--model", "m", "--chunk-chars", "200"]


def test_submit_status_collect_then_summarize_sends_nothing(server: FakeBatchOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    write_articles(tmp_path / "in", 4, paragraphs=2)
    inputs = str(tmp_path / "in")
    sub = run_main(["batch", "submit", inputs, *_endpoint(server)], capsys, monkeypatch)
    assert sub.code == 0, sub.err
    batch_id = sub.out.strip()
    assert batch_id in server.batches and server.stats.requests == 0
    purpose, content = server.files[server.batches[batch_id]["input_file_id"]]
    lines = [json.loads(x) for x in content.decode().splitlines()]
    assert purpose == "batch" and len(lines) == server.batch_requests >= 8  # several chunks per article
    assert len({x["custom_id"] for x in lines}) == len(lines)
    assert all(x["url"] == "/v1/chat/completions" and x["method"] == "POST" for x in lines)

    first = run_main(["batch", "status", batch_id], capsys, monkeypatch)
    assert first.code == 0 and "status: in_progress" in first.out
    early = run_main(["batch", "collect", batch_id], capsys, monkeypatch)
    assert early.code == 2 and "in_progress" in early.err  # not finished: nothing collected
    done = run_main(["batch", "status", batch_id], capsys, monkeypatch)
    assert "status: completed" in done.out and f"completed: {len(lines)}" in done.out

    got = run_main(["batch", "collect", batch_id], capsys, monkeypatch)
    assert got.code == 0, got.err
    assert f"{len(lines)} answers cached" in got.err

    r = run_main(["summarize", "-f", "jsonl", inputs, *_endpoint(server)], capsys, monkeypatch)
    assert r.code == 0, r.err
    assert server.stats.requests == 0  # every chunk came from the batch's answers
    analyses = [json.loads(x) for x in r.out.splitlines()]
    assert len(analyses) == 4
    assert sum(a["usage"]["cache_hits"] for a in analyses) == len(lines)
    assert all(a["claims"] for a in analyses)

    again = run_main(["batch", "submit", inputs, *_endpoint(server)], capsys, monkeypatch)
    assert again.code == 0 and again.out == "" and "already cached" in again.err


def test_batch_bodies_are_the_live_requests(server: FakeBatchOpenAI, tmp_path: Path, capsys, monkeypatch) -> None:
    write_articles(tmp_path / "in", 2, paragraphs=2)
    inputs = str(tmp_path / "in")
    for mode in ("json", "tools"):
        sub = run_main(["batch", "submit", inputs, *_endpoint(server), "--mode", mode], capsys, monkeypatch)
        _, content = server.files[server.batches[sub.out.strip()]["input_file_id"]]
        batched = sorted((json.loads(x)["body"] for x in content.decode().splitlines()), key=json.dumps)
        server.reset_stats()
        live = run_main(["summarize", "--no-cache", "-f", "jsonl", inputs, *_endpoint(server), "--mode", mode], capsys, monkeypatch)
        assert live.code == 0
        assert batched == sorted(server.stats.bodies, key=json.dumps)  # byte for byte the same requests


def test_invalid_batch_answers_are_left_for_a_live_run(tmp_path: Path, capsys, monkeypatch) -> None:
    def responder(body: dict[str, Any]) -> dict[str, Any]:
        answer = first_sentence(body)
        if "number 1 " in article_of(body)[0]:  # a fabricated quote: fails grounding
            answer["quotes"] = [{"id": "q1", "text": "words nobody wrote", "type": "direct"}]
            answer["claims"][0]["quote"] = "q1"
        return answer

    write_articles(tmp_path / "in", 3)
    inputs = str(tmp_path / "in")
    with FakeBatchOpenAI(responder) as server:
        endpoint = ["--base-url", server.base_url, "--model", "m"]
        batch_id = run_main(["batch", "submit", inputs, *endpoint], capsys, monkeypatch).out.strip()
        got = run_main(["batch", "collect", batch_id], capsys, monkeypatch)
        assert got.code == 3
        failed = [x for x in got.err_lines if x.startswith("Failed: ")]
        assert len(failed) == 1 and "article-001.txt chunk 1" in failed[0]
        assert "2 answers cached" in got.err
        server.responder = first_sentence
        r = run_main(["summarize", "-f", "jsonl", inputs, *endpoint], capsys, monkeypatch)
        assert r.code == 0
        assert server.stats.requests == 1  # only the rejected chunk is asked live
        assert "number 1 " in article_of(server.stats.bodies[0])[0]


def test_collect_without_manifest_is_a_usage_error(tmp_path: Path, capsys, monkeypatch) -> None:
    r = run_main(["batch", "collect", "batch_nope"], capsys, monkeypatch)
    assert r.code == 2 and "no manifest for batch batch_nope" in r.err


def test_prepared_model_is_built_once_and_keeps_the_schema() -> None:
    from instructor.v2.core.response_model import prepare_response_model

    from claims.extract_schema import ChunkExtraction
    from claims.llm import prepared_model

    once = prepared_model(ChunkExtraction)
    assert prepared_model(ChunkExtraction) is once and issubclass(once, ChunkExtraction)
    fresh = prepare_response_model(ChunkExtraction).model_json_schema()
    first = once.model_json_schema()
    assert first == fresh
    first["properties"].clear()  # a caller mutating its copy does not change the next one
    assert once.model_json_schema() == fresh


def test_requests_are_split_into_files_by_count_and_by_size(tmp_path: Path, monkeypatch) -> None:
    """Parts are written to disk as requests are built and rolled over at the request limit and
    at the size limit (the API's 200 MB); the manifest written from a part is the same JSON."""
    import asyncio

    from claims import batch
    from claims.config import resolve

    monkeypatch.setenv("CLAIMS_CACHE_DIR", str(tmp_path / "cache"))
    write_articles(tmp_path / "in", 3, paragraphs=2)
    config = resolve(model="m", base_url="http://127.0.0.1:9/v1", chunk_chars=200)  # never contacted
    inputs = [str(tmp_path / "in")]

    whole, cached = asyncio.run(batch.build_parts(inputs, config))
    assert len(whole) == 1 and cached == 0
    n = whole[0].requests
    whole[0].lines.seek(0)
    lines = whole[0].lines.read().decode("utf-8").splitlines()
    assert len(lines) == n >= 4 and whole[0].size == sum(len(x.encode("utf-8")) + 1 for x in lines)
    batch._write_manifest(config, "batch_x", whole[0])
    manifest = json.loads(batch._manifest_path(config, "batch_x").read_text(encoding="utf-8"))
    assert set(manifest["requests"]) == {json.loads(x)["custom_id"] for x in lines}
    assert manifest["model"] == "m" and all("article" in e["context"] for e in manifest["requests"].values())

    by_count, _ = asyncio.run(batch.build_parts(inputs, config, max_requests=3))
    assert [p.requests for p in by_count] == [3] * (n // 3) + ([n % 3] if n % 3 else [])
    sizes = [len(x.encode("utf-8")) + 1 for x in lines]
    by_size, _ = asyncio.run(batch.build_parts(inputs, config, max_bytes=2 * min(sizes) - 1))  # no two fit
    assert all(p.requests == 1 for p in by_size) and len(by_size) == n  # no file over the limit, none empty
    for p in (*whole, *by_count, *by_size):
        p.close()
