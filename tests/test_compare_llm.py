"""`compare` and `worksheet` on the seed through the LLM path, replayed from cassettes.

The cassettes in fixtures/cassettes/test_compare_llm/ were recorded through the real openai +
instructor HTTP stack against tests/fake_openai.py serving the HAND-WRITTEN reference answers in
fixtures/reference/ (the extraction chunk and belarus-nuclear-fr.compare.json), not a live model;
see fixtures/README.md to re-record. Replay needs no server: requests are matched on their JSON
body, so a changed prompt, schema or extraction fails here until the cassettes are re-recorded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import claims
from claims.compare import Stance, compare
from claims.config import resolve
from claims.render.compare import render_comparison
from claims.render.worksheet import render_worksheet
from claims.schemas import Analysis, Usage
from claims.segment import sentences
from claims.worksheet import build_worksheet
from tests.cassettes import VCR_CONFIG, endpoint_for

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "belarus-nuclear-fr.txt"
REFERENCE_MODEL = "reference-model"
# The acceptance list: these sources must each be a row with a stance backed by quotes.
EXPECTED_ROWS = ("hodges", "menon", "tsikhanouskaya", "ukrainiens", "état")


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(ROOT / "fixtures" / "cassettes" / "test_compare_llm")


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return dict(VCR_CONFIG)


@pytest.fixture
def endpoint(request: pytest.FixtureRequest, vcr: Any) -> Iterator[dict[str, Any]]:
    yield from endpoint_for(request, vcr, REFERENCE_MODEL)


def _replaying(request: pytest.FixtureRequest) -> bool:
    return (request.config.getoption("--record-mode") or "none") == "none"


def _messages_text(raw: bytes | str) -> str:
    body = json.loads(raw)
    return "\n".join(m["content"] for m in body["messages"] if isinstance(m.get("content"), str))


def _seed(endpoint: dict[str, Any]) -> Analysis:
    analysis = claims.analyze_file(str(SEED), **endpoint)
    assert analysis.engine.backend == "openai-compatible" and analysis.usage.requests == 1
    return analysis


@pytest.mark.vcr
def test_seed_compare_on_the_llm_path(endpoint: dict[str, Any], vcr: Any, request: pytest.FixtureRequest) -> None:
    text = SEED.read_text(encoding="utf-8")
    analysis = _seed(endpoint)
    before = len(vcr.requests) if not _replaying(request) else vcr.play_count
    usage = Usage()
    config = resolve(**endpoint)
    comp = compare([analysis], config, usage=usage)

    # one call after extraction, and it does not carry the article again
    assert usage.requests == 1 and usage.cache_hits == 0
    if _replaying(request):
        assert vcr.play_count == before + 1 and vcr.all_played
    compare_body = _messages_text(vcr.requests[-1].body)
    assert "Quotes (id, speaker_id, text):" in compare_body
    quoted = [(q.start, q.end) for q in analysis.quotes]
    unquoted = [
        text[s.start : s.end] for s in sentences(text)
        if s.end - s.start >= 30 and not any(a < s.end and s.start < b for a, b in quoted)
    ]  # fmt: skip
    assert unquoted, "the seed has sentences outside every quote"
    for sentence in unquoted:  # article prose that is no quote is not resent
        assert sentence not in compare_body, sentence
    assert len(compare_body) < 4 * len(text)

    # propositions and rows
    assert not comp.heuristic and 3 <= len(comp.propositions) <= 8
    assert comp.engine.prompt_versions == {"compare": "1"}
    names = {r.name.lower(): r for r in comp.rows}
    for who in EXPECTED_ROWS:
        row = next((r for n, r in names.items() if who in n), None)
        assert row is not None and row.cells, f"no stance for {who}: {sorted(names)}"
    # every stance is backed by real quotes of that very speaker, at their offsets
    for row in comp.rows:
        for cell in row.cells:
            assert cell.quote_ids and cell.rationale
            for qid in cell.quote_ids:
                q = analysis.quote(qid)
                assert q is not None and text[q.start : q.end] == q.text
                assert q.speaker_id in row.members, (row.name, qid)
    stances = {c.stance for r in comp.rows for c in r.cells}
    assert {Stance.favor, Stance.against} <= stances  # a real dispute, not one side
    assert any(c.hedged for r in comp.rows for c in r.cells)

    table = render_comparison(comp, "table")
    assert "Legend:" in table
    for row in comp.rows:
        assert row.name[:20] in table
    payload = json.loads(render_comparison(comp, "json"))
    assert payload["heuristic"] is False and len(payload["rows"]) == len(comp.rows)


@pytest.mark.vcr
def test_seed_worksheet_on_the_llm_path(endpoint: dict[str, Any], vcr: Any, request: pytest.FixtureRequest) -> None:
    text = SEED.read_text(encoding="utf-8")
    analysis = _seed(endpoint)
    if _replaying(request):
        assert vcr.all_played
    ws = build_worksheet([analysis])
    scores = [e.checkworthiness for e in ws.entries]
    assert len(ws.entries) >= 5 and scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    claim_scores = {c.statement: c.checkworthiness for c in analysis.claims}
    for e in ws.entries + ws.apart:
        assert e.claim in claim_scores  # the model's restated claims, not offline ones
        assert e.quote is None or e.quote in text
        assert e.paragraph is not None and 2 <= len(e.questions) <= 3
    for fmt in ("markdown", "csv", "jsonld"):
        out = render_worksheet(ws, fmt)
        body = out.decode("utf-8-sig") if isinstance(out, bytes) else out
        positions = [body.find(e.claim) for e in ws.entries]  # each claim in full, once, in order
        assert -1 not in positions and positions == sorted(positions), f"{fmt}: claims missing or out of order"


def test_compare_command_sends_one_request_after_extraction_then_none(capsys, monkeypatch) -> None:
    """`claims compare` end to end against the local reference server: extraction (1 request),
    the compare call (1 request), and on a rerun both come from the cache (0 requests)."""
    from cli_helpers import run_main

    from tests.fake_openai import FakeOpenAI, compare_listing

    with FakeOpenAI() as server:
        argv = ["compare", str(SEED), "--base-url", server.base_url, "--model", REFERENCE_MODEL]
        first = run_main(argv, capsys, monkeypatch)
        assert first.code == 0, first.err
        assert server.stats.requests == 2
        assert [compare_listing(b) is not None for b in server.stats.bodies] == [False, True]
        server.reset_stats()
        again = run_main([*argv, "--format", "json"], capsys, monkeypatch)
        assert again.code == 0 and server.stats.requests == 0, again.err
    table = first.out.lower()
    for who in EXPECTED_ROWS:
        assert who in table, who
    assert "Legend:" in first.out and "heuristic" not in table
    comp = json.loads(again.out)
    assert comp["heuristic"] is False and len(comp["rows"]) >= len(EXPECTED_ROWS)
