"""The seed article through the real openai + instructor HTTP stack, replayed from cassettes.

Cassettes in fixtures/cassettes/test_llm_seed/ were recorded against tests/fake_openai.py serving
the hand-written reference answers in fixtures/reference/ (see fixtures/README.md to re-record,
locally or against a live endpoint). Replay needs no server: requests are matched on method, URL
and JSON body, so a changed prompt or schema fails here until the cassettes are re-recorded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import claims
from claims.names import same_entity
from claims.schemas import Analysis
from tests.cassettes import VCR_CONFIG, endpoint_for

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "belarus-nuclear-fr.txt"
GOLD = Path(os.environ.get("CLAIMS_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared")) / "gold" / "seed-fr.json"
REFERENCE_MODEL = "reference-model"


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(ROOT / "fixtures" / "cassettes" / "test_llm_seed")


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return dict(VCR_CONFIG)


@pytest.fixture
def endpoint(request: pytest.FixtureRequest, vcr: Any) -> Iterator[dict[str, Any]]:
    yield from endpoint_for(request, vcr, REFERENCE_MODEL)


def _assert_all_played(vcr: Any, request: pytest.FixtureRequest) -> None:
    if (request.config.getoption("--record-mode") or "none") == "none":
        assert vcr.all_played, f"{vcr.play_count} of {len(vcr.data)} recorded interactions were played"


def _assert_sound(analysis: Analysis, text: str) -> None:
    assert analysis.check_grounding(text) == []
    for q in analysis.quotes:
        assert text[q.start : q.end] == q.text
    for c in analysis.claims:
        for cue in c.hedging.cues + c.hedging.boosters:
            assert text[cue.start : cue.end] == cue.text


def _gold() -> dict[str, Any]:
    if not GOLD.exists():
        pytest.skip(f"gold annotation {GOLD} not available")
    return json.loads(GOLD.read_text(encoding="utf-8"))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _speaker_forms(analysis: Analysis, speaker_id: str | None) -> list[str]:
    s = analysis.speaker(speaker_id)
    return [s.name, *s.aliases] if s else []


def _check_against_gold(analysis: Analysis) -> None:
    gold = _gold()
    text = SEED.read_text(encoding="utf-8")
    assert gold["text"] == text
    # quotes: Gender Gap Tracker protocol at threshold 0.8, greedy one-to-one
    used: set[str] = set()
    matched = attributed = 0
    for g in gold["quotes"]:
        span = (g["start"], g["end"])
        best = max(
            (q for q in analysis.quotes if q.id not in used),
            key=lambda q: _overlap(span, (q.start, q.end)),
            default=None,
        )
        if best is None or _overlap(span, (best.start, best.end)) / (span[1] - span[0]) <= 0.8:
            continue
        used.add(best.id)
        matched += 1
        forms = _speaker_forms(analysis, best.speaker_id)
        attributed += any(same_entity(g["speaker"], f) or g["speaker"].lower() in f.lower() for f in forms)
    assert matched >= 0.85 * len(gold["quotes"]), f"{matched}/{len(gold['quotes'])} gold quotes found"
    assert attributed >= 0.9 * matched, f"{attributed}/{matched} quotes attributed to the gold speaker"
    # hedge cues: overlap and voice
    cues = [cue for c in analysis.claims for cue in c.hedging.cues]
    found = voiced = 0
    for h in gold["hedges"]:
        hit = next((c for c in cues if _overlap((h["start"], h["end"]), (c.start, c.end)) > 0), None)
        if hit is not None:
            found += 1
            voiced += hit.voice.value == h["voice"]
    assert found >= 0.8 * len(gold["hedges"]), f"{found}/{len(gold['hedges'])} gold hedge cues found"
    assert voiced >= 0.9 * found
    # every set of gold mentions that we report lands on one speaker
    for g in gold["speakers"]:
        owners = {s.id for s in analysis.speakers for m in g["mentions"] if len(m) > 3 and m in s.aliases}
        assert len(owners) <= 1, f"mentions of {g['speaker']} split over speakers {owners}"


@pytest.mark.vcr
def test_seed_from_cassette(endpoint: dict[str, Any], vcr: Any, request: pytest.FixtureRequest) -> None:
    text = SEED.read_text(encoding="utf-8")
    analysis = claims.analyze_file(str(SEED), **endpoint)
    _assert_all_played(vcr, request)
    assert analysis.usage.requests == 1 and analysis.usage.chunks == 1
    assert analysis.engine.backend == "openai-compatible"
    assert analysis.engine.prompt_versions == {"extract": "1"}
    assert analysis.usage.prompt_tokens > 0 and analysis.usage.completion_tokens > 0
    assert analysis.quotes and analysis.claims and analysis.speakers
    _assert_sound(analysis, text)
    assert any(c.hedging.cues for c in analysis.claims)
    assert {c.hedging.level.value for c in analysis.claims} > {"none"}
    _check_against_gold(analysis)


@pytest.mark.vcr
def test_seed_in_small_chunks_merges_speakers(endpoint: dict[str, Any], vcr: Any, request: pytest.FixtureRequest) -> None:
    """At a 1200-character budget the seed is several concurrent requests; a speaker named in
    full in one chunk and by surname or role in others must come out as one speaker."""
    text = SEED.read_text(encoding="utf-8")
    analysis = claims.analyze_file(str(SEED), chunk_chars=1200, concurrency=3, **endpoint)
    _assert_all_played(vcr, request)
    assert analysis.usage.chunks >= 4
    assert analysis.usage.requests == analysis.usage.chunks
    assert analysis.usage.chunks_failed == []
    _assert_sound(analysis, text)
    gold = _gold()
    for g in gold["speakers"]:
        owners = {s.id for s in analysis.speakers for m in g["mentions"] if len(m) > 3 and m in s.aliases}
        assert len(owners) <= 1, f"mentions of {g['speaker']} split over speakers {owners}"
    whole = [
        g["speaker"] for g in gold["speakers"]
        if any(sum(m in s.aliases for m in g["mentions"]) >= 3 for s in analysis.speakers)
    ]  # fmt: skip
    assert whole, "no speaker gathered three gold mentions across chunks"
