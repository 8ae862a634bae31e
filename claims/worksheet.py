"""Fact-check worksheet: one entry per check-worthy claim, most check-worthy first, with what to
verify, questions to ask and empty fields for the verdict. Opinions and claims with nothing
concrete to check are listed apart at the end. Writers live in `claims.render.worksheet`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import Field

from .schemas import (
    SCHEMA_VERSION,
    Analysis,
    Claim,
    ClaimKind,
    HedgeLevel,
    Speaker,
    SpeakerKind,
    Strict,
    Voice,
)
from .segment import Locator
from .verify import Checkables, checkables, questions

__all__ = ["Entry", "Worksheet", "build_worksheet", "source_text"]


class WorksheetDocument(Strict):
    id: str
    source: str
    title: str | None = None
    language: str
    sha256: str
    url: str | None = None


class HedgeNote(Strict):
    text: str
    voice: Voice
    whose: str  # the speaker's name, or the article's own voice
    booster: bool = False


class VerificationQuestion(Strict):
    question: str
    sources: list[str] = Field(default_factory=list)


class ToVerify(Strict):
    entities: list[str] = Field(default_factory=list)
    numbers: list[str] = Field(default_factory=list)
    dates: list[str] = Field(default_factory=list)


class Entry(Strict):
    number: int  # 1-based position in the worksheet
    claim_id: str  # document-scoped when there are several documents ("doc2:c4")
    document: str
    language: str
    claim: str  # the standalone statement
    quote: str | None = None  # verbatim words (the quote, else the source span)
    quote_id: str | None = None
    verbatim_is_quote: bool = False  # False when `quote` is the article's own sentence
    paragraph: int | None = None
    sentence: int | None = None
    speaker: str | None = None  # None: the article's own voice
    speaker_role: str | None = None
    speaker_kind: SpeakerKind | None = None
    kind: ClaimKind
    checkworthiness: float
    reason: str
    hedging: HedgeLevel
    hedges: list[HedgeNote] = Field(default_factory=list)
    to_verify: ToVerify = Field(default_factory=ToVerify)
    questions: list[VerificationQuestion] = Field(default_factory=list)
    apart_reason: str | None = None  # why it is listed apart (opinion, nothing concrete to check)
    # left empty for the fact-checker
    verdict: str = ""
    evidence: str = ""
    checked_by: str = ""
    date: str = ""


class Worksheet(Strict):
    schema_version: str = SCHEMA_VERSION
    documents: list[WorksheetDocument]
    language: str
    min_score: float = 0.0
    heuristic: bool = False
    entries: list[Entry] = Field(default_factory=list)  # check-worthy, most check-worthy first
    apart: list[Entry] = Field(default_factory=list)  # opinions and claims with nothing to check
    warnings: list[str] = Field(default_factory=list)


def source_text(analysis: Analysis) -> str | None:
    """The analysed text: embedded in the document, or re-read from its file if unchanged."""
    if analysis.document.text is not None:
        return analysis.document.text
    path = Path(analysis.document.source)
    try:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if hashlib.sha256(text.encode("utf-8")).hexdigest() == analysis.document.sha256:
                return text
    except (OSError, UnicodeDecodeError):
        return None
    return None


_AUTHOR = {"fr": "l'article (voix du journaliste)", "en": "the article (journalist's voice)"}
_REASONS = {
    "fr": {
        "number": "contient un chiffre ({x})",
        "date": "daté ({x})",
        "entity": "nomme {x}",
        "quoted": "attribué à {x}",
        "kind": "affirmation de type {x}",
        "hedged": "formulée avec réserve",
        "opinion": "opinion : à vérifier sur les faits qu'elle invoque",
        "nothing": "rien de concret à vérifier (ni chiffre, ni date, ni nom)",
    },
    "en": {
        "number": "contains a figure ({x})",
        "date": "dated ({x})",
        "entity": "names {x}",
        "quoted": "attributed to {x}",
        "kind": "{x} claim",
        "hedged": "hedged",
        "opinion": "opinion: check the facts it rests on",
        "nothing": "nothing concrete to check (no figure, date or name)",
    },
}


def _lang(language: str) -> str:
    return "fr" if language == "fr" else "en"


def _reason(c: Claim, found: Checkables, speaker: Speaker | None, lang: str) -> str:
    """The analyser's own reason, or one derived from what makes the claim checkable."""
    if c.checkworthiness_reason.strip():
        return " ".join(c.checkworthiness_reason.split())
    r = _REASONS[lang]
    parts = [r["kind"].format(x=c.kind.value)]
    if found.numbers:
        parts.append(r["number"].format(x=", ".join(found.numbers[:2])))
    if found.dates:
        parts.append(r["date"].format(x=found.dates[0]))
    if found.entities:
        parts.append(r["entity"].format(x=", ".join(found.entities[:2])))
    if speaker is not None:
        parts.append(r["quoted"].format(x=speaker.name))
    if c.hedging.level != HedgeLevel.none:
        parts.append(r["hedged"])
    return "; ".join(parts)


def _entry(a: Analysis, d: int, multi: bool, c: Claim, text: str | None, loc: Locator | None) -> Entry:
    lang = _lang(a.document.language)
    speaker = a.speaker(c.speaker_id)
    quote = a.quote(c.quote_id)
    if quote is not None:
        verbatim: str | None = quote.text
    elif text is not None:
        verbatim = text[c.start : c.end]
    else:
        verbatim = None
    found = checkables(verbatim or c.statement)
    if not found.entities and not found.numbers and not found.dates and verbatim:
        found = checkables(c.statement)  # the restatement may resolve names the span lacks
    whose_speaker = speaker.name if speaker else _AUTHOR[lang]
    hedges = [
        HedgeNote(text=x.text, voice=x.voice, whose=whose_speaker if x.voice == Voice.speaker else _AUTHOR[lang])
        for x in c.hedging.cues
    ] + [
        HedgeNote(text=x.text, voice=x.voice, booster=True, whose=whose_speaker if x.voice == Voice.speaker else _AUTHOR[lang])
        for x in c.hedging.boosters
    ]
    scope = (lambda x: f"doc{d + 1}:{x}") if multi else (lambda x: x)
    apart = None
    if c.kind == ClaimKind.opinion:
        apart = _REASONS[lang]["opinion"]
    elif found.empty:
        apart = _REASONS[lang]["nothing"]
    qs = questions(
        c.kind, found, language=lang, speaker=speaker.name if speaker else None,
        role=speaker.role if speaker else None, quoted=quote is not None,
        named=speaker is None or speaker.kind in (SpeakerKind.person, SpeakerKind.organisation, SpeakerKind.document),
        document=speaker is not None and speaker.kind == SpeakerKind.document,
    )
    paragraph, sentence = c.paragraph, c.sentence
    if paragraph is None and loc is not None:  # not finalised: locate from the text
        paragraph, sentence = loc.locate(c.start)
    return Entry(
        number=0, claim_id=scope(c.id), document=f"doc{d + 1}", language=lang, claim=c.statement,
        quote=verbatim, quote_id=scope(quote.id) if quote else None, verbatim_is_quote=quote is not None,
        paragraph=paragraph, sentence=sentence, speaker=speaker.name if speaker else None,
        speaker_role=speaker.role if speaker else None, speaker_kind=speaker.kind if speaker else None,
        kind=c.kind, checkworthiness=c.checkworthiness, reason=_reason(c, found, speaker, lang),
        hedging=c.hedging.level, hedges=hedges,
        to_verify=ToVerify(entities=found.entities, numbers=found.numbers, dates=found.dates),
        questions=[VerificationQuestion(question=q.question, sources=q.sources) for q in qs],
        apart_reason=apart,
    )


def build_worksheet(analyses: list[Analysis], *, min_score: float = 0.0, url: str | None = None) -> Worksheet:
    """Entries for every claim at or above `min_score`, most check-worthy first; opinions and
    claims with nothing concrete to check go to `apart`. `url` is where the article appeared."""
    multi = len(analyses) > 1
    docs: list[WorksheetDocument] = []
    ranked: list[tuple[float, int, int, Entry]] = []
    for d, a in enumerate(analyses):
        docs.append(
            WorksheetDocument(
                id=f"doc{d + 1}", source=a.document.source, title=a.document.title,
                language=a.document.language, sha256=a.document.sha256, url=url,
            )
        )
        text = source_text(a)
        loc = Locator(text) if text is not None else None
        for c in a.claims:
            if c.checkworthiness < min_score:
                continue
            ranked.append((-c.checkworthiness, d, c.start, _entry(a, d, multi, c, text, loc)))
    ranked.sort(key=lambda t: t[:3])
    entries = [e for *_, e in ranked if e.apart_reason is None]
    apart = [e for *_, e in ranked if e.apart_reason is not None]
    for n, e in enumerate(entries + apart, 1):
        e.number = n
    warnings = [w for a in analyses for w in a.warnings]
    return Worksheet(
        documents=docs, language=analyses[0].document.language if analyses else "en", min_score=min_score,
        heuristic=any(a.engine.heuristic or a.engine.backend == "offline" for a in analyses),
        entries=entries, apart=apart, warnings=warnings,
    )
