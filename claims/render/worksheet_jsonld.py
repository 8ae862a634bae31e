"""Worksheet as JSON-LD: one schema.org ClaimReview per claim, ready for the checker to fill in.

`datePublished`, the review's `author` and `reviewRating` are left empty for the verdict.
`<`, `>` and `&` are written as \\u escapes so the output can be pasted into an HTML
`<script type="application/ld+json">` block without an article closing it.
"""

from __future__ import annotations

import json
from typing import Any

from ..schemas import SpeakerKind
from ..worksheet import Entry, Worksheet, WorksheetDocument

_TYPE = {SpeakerKind.person: "Person", SpeakerKind.unnamed: "Person"}


def _author(e: Entry) -> dict[str, Any] | None:
    if e.speaker is None:
        return None
    author: dict[str, Any] = {"@type": _TYPE.get(e.speaker_kind, "Organization") if e.speaker_kind else "Person", "name": e.speaker}
    if e.speaker_role:
        author["jobTitle" if author["@type"] == "Person" else "description"] = e.speaker_role
    return author


def review(e: Entry, doc: WorksheetDocument) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "Claim"}
    author = _author(e)
    if author:
        item["author"] = author
    if e.quote:
        item["text"] = e.quote
    if doc.url:
        appearance: dict[str, Any] = {"@type": "CreativeWork", "url": doc.url}
        if doc.title:
            appearance["headline"] = doc.title
        item["appearance"] = appearance
    return {
        "@type": "ClaimReview",
        "identifier": e.claim_id,
        "claimReviewed": e.claim,
        "inLanguage": e.language,
        "itemReviewed": item,
        "datePublished": "",
        "author": {"@type": "Organization", "name": ""},
        "url": "",
        "reviewRating": {"@type": "Rating", "ratingValue": "", "bestRating": "", "worstRating": "", "alternateName": ""},
    }


def render(ws: Worksheet) -> str:
    docs = {d.id: d for d in ws.documents}
    graph = [review(e, docs[e.document]) for e in ws.entries + ws.apart]
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
