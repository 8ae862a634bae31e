"""Request and character counts of the LLM path, counted by the local server (never wall-clock).

One request per chunk and none on a cached rerun; compare adds exactly one request and worksheet
none; each sentence is sent once as target text; prompt characters stay within 1.4 x the article
on long articles; concurrency is bounded by --concurrency. Counts do not depend on machine load.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

import claims
from bench.synthetic import BenchResponder, synthetic_extraction
from claims.compare import compare
from claims.config import resolve
from claims.extract_schema import ChunkExtraction
from claims.segment import chunk, sentences
from claims.worksheet import build_worksheet
from tests.fake_openai import FakeOpenAI, article_of

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "belarus-nuclear-fr.txt"
MODEL = "reference-model"

_FIRST = ["Ana", "Tomas", "Lena", "Kofi", "Mira", "Ivan", "Sara", "Omar"]
_LAST = ["Duarte", "Keller", "Osei", "Novak", "Haddad", "Lindqvist", "Moreau", "Tanaka"]
_VERBS = ["said", "told reporters", "added", "warned"]


def long_article(chars: int, seed: int = 7) -> str:
    """A generated news-like article (numbered, hence unique, sentences; quotes with named
    speakers; paragraphs of three to six sentences) of at least `chars` characters."""
    rnd = random.Random(seed)
    paras: list[str] = []
    n = total = 0
    while total < chars:
        sents = []
        for _ in range(rnd.randint(3, 6)):
            n += 1
            who = f"{rnd.choice(_FIRST)} {rnd.choice(_LAST)}"
            if rnd.random() < 0.4:
                sents.append(
                    f"\u201cThe harbour budget for item {n} will rise by {rnd.randint(2, 40)} percent next year,\u201d "
                    f"{who} {rnd.choice(_VERBS)}."
                )
            else:
                sents.append(
                    f"Officials in district {n} reported {rnd.randint(10, 900)} new permits in {rnd.randint(2001, 2024)}, "
                    f"according to {who}."
                )
        paras.append(" ".join(sents))
        total += len(paras[-1]) + 2
    return "\n\n".join(paras)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(BenchResponder()) as s:
        yield s


def _config(server: FakeOpenAI, **options: object):  # type: ignore[no-untyped-def]
    return resolve(model=MODEL, base_url=server.base_url, **options)


def test_synthetic_answers_are_grounded() -> None:
    """The bench responder's answers pass the extraction schema's grounding checks, so the
    counts below are not inflated by re-asks."""
    text = long_article(20_000)
    for ch in chunk(text, 8000):
        x = ChunkExtraction.model_validate(synthetic_extraction(ch.text), context={"article": ch.text, "context": ch.context})
        assert x.claims and x.quotes


def test_seed_one_request_per_chunk_then_none(server: FakeOpenAI) -> None:
    text = SEED.read_text(encoding="utf-8")
    for budget in (8000, 1500):
        server.reset_stats()
        n = len(chunk(text, budget))
        first = claims.analyze_file(str(SEED), model=MODEL, base_url=server.base_url, chunk_chars=budget)
        assert server.stats.requests == n == first.usage.requests == first.usage.chunks
        assert first.usage.prompt_chars == server.stats.prompt_chars  # the client counts what it sends
        again = claims.analyze_file(str(SEED), model=MODEL, base_url=server.base_url, chunk_chars=budget)
        assert server.stats.requests == n  # nothing more sent
        assert again.usage.requests == 0 and again.usage.cache_hits == n
    assert math.ceil(len(text) / 8000) == 1


def test_summarize_compare_worksheet_within_chunks_plus_two(server: FakeOpenAI) -> None:
    """Cached extraction shared: compare adds one request, worksheet none, a second compare none."""
    text = SEED.read_text(encoding="utf-8")
    config = _config(server)
    analysis = claims.analyze_file(str(SEED), model=MODEL, base_url=server.base_url)
    after_summarize = server.stats.requests
    comparison = compare([analysis], config)
    assert server.stats.requests == after_summarize + 1
    assert comparison.propositions and comparison.rows
    build_worksheet([claims.analyze_file(str(SEED), model=MODEL, base_url=server.base_url)])
    compare([analysis], config)  # cached
    assert server.stats.requests == after_summarize + 1 <= math.ceil(len(text) / config.chunk_chars) + 2
    per_sentence_design = 3 * len(sentences(text))
    assert per_sentence_design >= 20 * server.stats.requests


def test_long_article_each_sentence_sent_once_and_text_ratio(server: FakeOpenAI) -> None:
    text = long_article(24_000)
    analysis = claims.analyze(text, model=MODEL, base_url=server.base_url)
    chunks = chunk(text, 8000)
    assert server.stats.requests == len(chunks) == analysis.usage.requests
    assert server.stats.requests <= math.ceil(len(text) / 8000) + 1
    targets = [article_of(b)[0] for b in server.stats.bodies]
    for s in sentences(text):
        sent = text[s.start : s.end]
        assert sum(t.count(sent) for t in targets) == 1, sent
    assert server.stats.prompt_chars / len(text) <= 1.4
    assert analysis.quotes and analysis.claims


@pytest.mark.parametrize("mode", ["tools", "json_schema"])
def test_schema_carrying_modes_send_the_lean_schema_within_the_text_ratio(server: FakeOpenAI, mode: str) -> None:
    """OpenAI's default (tools) and json_schema carry the response schema outside the messages;
    it is sent lean there too (no titles, descriptions or $defs), every `type` kept, so the
    article is not outweighed by the schema."""
    text = long_article(40_000, seed=11)
    analysis = claims.analyze(text, model=MODEL, base_url=server.base_url, mode=mode, cache=False)
    assert analysis.quotes and analysis.usage.requests == server.stats.requests == len(chunk(text, 8000))
    assert server.stats.prompt_chars / len(text) <= 1.4
    body = server.stats.bodies[0]
    schema = (body["tools"][0]["function"]["parameters"] if mode == "tools"
              else body["response_format"]["json_schema"]["schema"])  # fmt: skip
    dumped = json.dumps(schema)
    assert schema["type"] == "object" and '"$defs"' not in dumped and '"title"' not in dumped
    assert set(schema["properties"]) == set(ChunkExtraction.model_json_schema()["properties"])


def test_prompt_overhead_is_amortised_at_larger_articles(server: FakeOpenAI) -> None:
    """Per-request overhead (instructions, schema, context) is bounded: doubling the article
    doubles the characters sent, give or take one chunk's overhead."""
    ratios = []
    for size in (20_000, 40_000):
        server.reset_stats()
        text = long_article(size, seed=size)
        claims.analyze(text, model=MODEL, base_url=server.base_url, cache=False)
        ratios.append(server.stats.prompt_chars / len(text))
    assert max(ratios) <= 1.4
    assert abs(ratios[0] - ratios[1]) < 0.1


def test_concurrency_is_bounded_and_used() -> None:
    text = long_article(6 * 1500)
    n = len(chunk(text, 1500))
    with FakeOpenAI(BenchResponder(), delay=0.2) as s:
        claims.analyze(text, model=MODEL, base_url=s.base_url, chunk_chars=1500, concurrency=3, cache=False)
        assert s.stats.requests == n >= 6
        assert 2 <= s.stats.peak_in_flight <= 3
        s.reset_stats()
        claims.analyze(text, model=MODEL, base_url=s.base_url, chunk_chars=1500, concurrency=1, cache=False)
        assert s.stats.requests == n and s.stats.peak_in_flight == 1

