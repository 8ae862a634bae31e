"""Answers for the local server on any article, so the pipeline does real work in benchmarks.

`synthetic_extraction` returns a small grounded extraction of whatever chunk it is sent: the
chunk's first sentence as a claim (verbatim source), its first quotation-marked passage as a
direct quote, and a capitalised two-word name as the quote's speaker, each copied from the chunk.
`synthetic_comparison` answers the compare task with the speaker and quote ids it was given.
`BenchResponder` routes: compare requests to the latter, extraction requests to the hand-written
reference answers when the chunk is from the seed, else to the synthetic extraction.
"""

from __future__ import annotations

import json
import re
from typing import Any

from claims.segment import sentences
from tests.fake_openai import ReferenceResponder, Reply, article_of, prompt_text

_QUOTE = re.compile(r"[\"“«][^\"“”«»\n]{12,400}[\"”»]")
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})+\b")
_COMPARE_MARK = "Speakers (id, name, kind, role):"
_BETWEEN = re.compile(r"between (\d+) and (\d+) points")


def synthetic_extraction(article: str) -> dict[str, Any]:
    """A small extraction whose every string is copied from `article`."""
    out: dict[str, Any] = {"speakers": [], "quotes": [], "claims": []}
    sents = sentences(article)
    if not sents:
        return out
    first = article[sents[0].start : sents[0].end]
    out["claims"].append(
        {"statement": first, "source": first, "kind": "event", "checkworthiness": 0.5,
         "hedging": {"level": "none", "cues": []}}
    )  # fmt: skip
    quote = _QUOTE.search(article)
    if quote:
        name = _NAME.search(article)
        speaker = None
        if name:
            speaker = "s1"
            out["speakers"].append({"id": "s1", "name": name.group(0), "kind": "person", "mentions": [name.group(0)]})
        out["quotes"].append({"id": "q1", "text": quote.group(0), "type": "direct", "speaker": speaker})
        inner = quote.group(0)[1:-1].strip()
        out["claims"].append(
            {"statement": inner, "source": inner, "quote": "q1", "speaker": speaker, "kind": "event",
             "checkworthiness": 0.6, "hedging": {"level": "none", "cues": []}}
        )  # fmt: skip
    return out


def _json_lines(block: str) -> list[dict[str, Any]]:
    items = []
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                items.append(json.loads(line))
            except ValueError:
                continue
    return items


def is_compare(body: dict[str, Any]) -> bool:
    return _COMPARE_MARK in prompt_text(body)


def synthetic_comparison(body: dict[str, Any]) -> dict[str, Any]:
    """Propositions and one stance per speaker, citing only the ids listed in the request."""
    text = prompt_text(body)
    article, context = article_of(body)
    speakers = [s["id"] for s in _json_lines(context) if "id" in s]
    quotes = [q for q in _json_lines(article) if "text" in q and "id" in q]
    m = _BETWEEN.search(text)
    n = int(m.group(1)) if m else 1
    props = [{"id": f"p{i}", "text": f"Point {i} is true."} for i in range(1, max(n, 1) + 1)]
    stances = []
    for sid in speakers:
        own = [q["id"] for q in quotes if q.get("speaker_id") == sid]
        stances.append(
            {"speaker_id": sid, "proposition_id": "p1", "stance": "favor", "hedged": False,
             "quote_ids": own[:2], "rationale": "says so"}
        )  # fmt: skip
    return {"propositions": props, "stances": stances}


class BenchResponder:
    """Compare → synthetic comparison; extraction → reference answer if any, else synthetic."""

    def __init__(self) -> None:
        self.reference = ReferenceResponder(fallback=None)

    def __call__(self, body: dict[str, Any]) -> Reply | dict[str, Any]:
        if is_compare(body):
            return synthetic_comparison(body)
        got = self.reference(body)
        payload = got.payload if isinstance(got, Reply) else got
        if payload and (payload.get("quotes") or payload.get("claims")):
            return got
        return synthetic_extraction(article_of(body)[0])
