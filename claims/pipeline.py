"""read → segment → (offline rules | chunk → prompt → call → validate → merge) → finalise.

Both backends return an `Analysis`; `finalise` numbers claims by paragraph and sentence and drops
(with a warning) anything whose offsets do not point at its text, so no backend can report an
ungrounded quote or cue.
"""

from __future__ import annotations

from collections.abc import Callable

from .config import Config
from .document import SourceText, detect_language
from .schemas import Analysis, Document
from .segment import Locator

Progress = Callable[[int, int], None]  # (chunks done, chunks total)


def make_document(src: SourceText, language: str) -> Document:
    return Document(
        source=src.source,
        sha256=src.sha256,
        language=language,
        chars=len(src.text),
        format=src.format,
        title=src.title,
        text=None if src.from_file_verbatim else src.text,
    )


def finalise(analysis: Analysis, text: str) -> Analysis:
    """Locate claims, drop ungrounded items (counted in warnings), sort by position."""
    quotes = [q for q in analysis.quotes if text[q.start : q.end] == q.text]
    dropped = len(analysis.quotes) - len(quotes)
    quote_ids = {q.id for q in quotes}
    speaker_ids = {s.id for s in analysis.speakers}
    for q in quotes:
        if q.speaker_id is not None and q.speaker_id not in speaker_ids:
            q.speaker_id = None
            dropped += 1
    claims = []
    loc = Locator(text)
    for c in analysis.claims:
        if not (0 <= c.start < c.end <= len(text)):
            dropped += 1
            continue
        if c.quote_id is not None and c.quote_id not in quote_ids:
            c.quote_id = None
        if c.speaker_id is not None and c.speaker_id not in speaker_ids:
            c.speaker_id = None
        good = [x for x in c.hedging.cues if text[x.start : x.end] == x.text]
        boosters = [x for x in c.hedging.boosters if text[x.start : x.end] == x.text]
        dropped += len(c.hedging.cues) - len(good) + len(c.hedging.boosters) - len(boosters)
        c.hedging.cues, c.hedging.boosters = good, boosters
        c.paragraph, c.sentence = loc.locate(c.start)
        claims.append(c)
    quotes.sort(key=lambda q: (q.start, q.end))
    claims.sort(key=lambda c: (c.start, c.end))
    analysis.quotes, analysis.claims = quotes, claims
    if dropped:
        analysis.usage.dropped += dropped
        analysis.warnings.append(f"{dropped} item(s) dropped because they were not grounded in the text")
    return analysis


def analyze_source(src: SourceText, config: Config, progress: Progress | None = None) -> Analysis:
    """Analyse one read input with the configured backend."""
    language = config.language or detect_language(src.text)
    if config.offline:
        from .offline import analyse
    else:
        from .extract import analyse  # type: ignore[no-redef]
    analysis = analyse(src, language, config, progress)
    return finalise(analysis, src.text)
