"""What the model returns for one chunk, and the validators that keep it grounded.

Strings are verbatim copies from the chunk; offsets are computed later by code. The validation
context is {"article": chunk text, "context": read-only context}; a quote, source span or cue not
found in the chunk, a mention found in neither, or an unknown id is a validation error, which
instructor sends back to the model (re-ask). `salvage` keeps what is sound in a last bad answer.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from .grounding import context_of, occurs
from .schemas import ClaimKind, CueKind, HedgeLevel, QuoteType, SpeakerKind, Voice


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpeakerOut(_Out):
    id: str
    name: str
    kind: SpeakerKind
    role: str | None = None
    mentions: list[str] = Field(default_factory=list)


class QuoteOut(_Out):
    id: str
    text: str
    type: QuoteType
    speaker: str | None = None
    mention: str | None = None
    cue: str | None = None


class CueOut(_Out):
    text: str
    voice: Voice
    kind: CueKind = CueKind.other


class HedgingOut(_Out):
    level: HedgeLevel = HedgeLevel.none
    cues: list[CueOut] = Field(default_factory=list)


class ClaimOut(_Out):
    statement: str
    source: str
    quote: str | None = None
    speaker: str | None = None
    kind: ClaimKind = ClaimKind.other
    checkworthiness: float = Field(ge=0.0, le=1.0)
    hedging: HedgingOut = Field(default_factory=HedgingOut)


class ChunkExtraction(_Out):
    """Speakers, quotes and claims of one chunk of an article."""

    speakers: list[SpeakerOut] = Field(default_factory=list)
    quotes: list[QuoteOut] = Field(default_factory=list)
    claims: list[ClaimOut] = Field(default_factory=list)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> ChunkExtraction:
        ground = context_of(info)
        if not ground or "article" not in ground:
            return self
        problems = [msg for _, _, msg in find_problems(self, ground["article"], ground.get("context", ""))]
        if problems:
            raise ValueError("; ".join(problems[:20]))
        return self

    @classmethod
    def salvage(cls, raw_json: str, ground: dict[str, Any]) -> tuple[ChunkExtraction, int]:
        """Called by the task runner when the re-asks are spent: keep the sound part."""
        return salvage(raw_json, ground.get("article", ""), ground.get("context", ""))


def find_problems(x: ChunkExtraction, article: str, context: str = "") -> list[tuple[str, int, str]]:
    """(section, index, message) for every ungrounded string or dangling reference."""
    out: list[tuple[str, int, str]] = []
    speaker_ids = {s.id for s in x.speakers}
    quote_ids = {q.id for q in x.quotes}
    for i, s in enumerate(x.speakers):
        for m in s.mentions:
            if not (occurs(article, m) or occurs(context, m)):
                out.append(("speakers", i, f"speaker {s.id} mention {m!r} is not in the article"))
    for i, q in enumerate(x.quotes):
        if not occurs(article, q.text):
            out.append(("quotes", i, f"quote {q.id} text is not copied exactly from the article"))
        if q.cue and not occurs(article, q.cue):
            out.append(("quotes", i, f"quote {q.id} cue {q.cue!r} is not in the article"))
        if q.speaker is not None and q.speaker not in speaker_ids:
            out.append(("quotes", i, f"quote {q.id} names unknown speaker {q.speaker!r}"))
    for i, c in enumerate(x.claims):
        if not occurs(article, c.source):
            out.append(("claims", i, f"claim {i + 1} source is not copied exactly from the article"))
        if c.quote is not None and c.quote not in quote_ids:
            out.append(("claims", i, f"claim {i + 1} names unknown quote {c.quote!r}"))
        if c.speaker is not None and c.speaker not in speaker_ids:
            out.append(("claims", i, f"claim {i + 1} names unknown speaker {c.speaker!r}"))
        for cue in c.hedging.cues:
            if not occurs(article, cue.text):
                out.append(("claims", i, f"claim {i + 1} hedge cue {cue.text!r} is not in the article"))
    return out


def _items(raw: Any, key: str, model: type[BaseModel]) -> tuple[list[Any], int]:
    items = raw.get(key) if isinstance(raw, dict) else None
    kept, dropped = [], 0
    for item in items if isinstance(items, list) else []:
        try:
            kept.append(model.model_validate(item))
        except ValidationError:
            dropped += 1
    return kept, dropped


def salvage(raw_json: str, article: str, context: str = "") -> tuple[ChunkExtraction, int]:
    """The sound part of a last answer that failed validation, and how many items were dropped."""
    try:
        raw = json.loads(raw_json)
    except (ValueError, TypeError):
        return ChunkExtraction(), 0
    speakers, d1 = _items(raw, "speakers", SpeakerOut)
    quotes, d2 = _items(raw, "quotes", QuoteOut)
    claims, d3 = _items(raw, "claims", ClaimOut)
    dropped = d1 + d2 + d3
    kept_speakers = {s.id for s in speakers}
    for s in speakers:
        good = [m for m in s.mentions if occurs(article, m) or occurs(context, m)]
        dropped += len(s.mentions) - len(good)
        s.mentions = good
    sound_quotes = []
    for q in quotes:
        if not occurs(article, q.text):
            dropped += 1
            continue
        if q.cue and not occurs(article, q.cue):
            q.cue, dropped = None, dropped + 1
        if q.speaker is not None and q.speaker not in kept_speakers:
            q.speaker, dropped = None, dropped + 1
        sound_quotes.append(q)
    quote_ids = {q.id for q in sound_quotes}
    sound_claims = []
    for c in claims:
        if not occurs(article, c.source):
            dropped += 1
            continue
        c.quote = c.quote if c.quote in quote_ids else None
        if c.speaker is not None and c.speaker not in kept_speakers:
            c.speaker, dropped = None, dropped + 1
        good_cues = [k for k in c.hedging.cues if occurs(article, k.text)]
        dropped += len(c.hedging.cues) - len(good_cues)
        c.hedging.cues = good_cues
        sound_claims.append(c)
    x = ChunkExtraction.model_construct(speakers=speakers, quotes=sound_quotes, claims=sound_claims)
    return x, dropped
