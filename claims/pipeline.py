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
TASK = "extract"  # the prompt task an LLM analysis is made of (claims.extract)


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


def _stored_key(sha256: str, language: str, config: Config) -> str:
    """Everything a whole LLM analysis depends on: the text, every setting that enters a chunk's
    cache key or the chunking, the prompt, and the code (claims.cache.code_fingerprint)."""
    from . import prompts
    from .cache import BACKEND, choose_mode, code_fingerprint, make_key

    prompt = prompts.load(TASK)
    return make_key(
        {
            "analysis": sha256, "language": language, "code": code_fingerprint(),
            "backend": BACKEND, "base_url": config.base_url, "model": config.model,
            "mode": choose_mode(config), "temperature": config.temperature, "reasks": config.reasks,
            "chunk_chars": config.chunk_chars, "context_chars": config.context_chars,
            "output_language": config.output_language or language,
            "prompt": {"name": prompt.name, "version": prompt.version, "sha256": prompt.sha256},
        }
    )  # fmt: skip


def stored_analysis(src: SourceText, language: str, config: Config) -> Analysis | None:
    """The LLM analysis of `src` as an earlier complete run assembled it from its chunks' answers
    (before `finalise`), or None. A shortcut for fully cached runs: neither the chunk answers'
    validation and merging nor the modules that do them are needed. The usage is that of a run
    answered from the cache (no request, one hit per chunk)."""
    if config.offline or not config.cache:
        return None
    from .cache import ResponseCache

    cache = ResponseCache(config)
    try:
        stored = cache.get(_stored_key(src.sha256, language, config))
    finally:
        cache.close()
    if not isinstance(stored, dict):
        return None
    try:
        usage = stored["usage"]
        stored["document"] = make_document(src, language).model_dump()
        stored["usage"] = {"chunks": usage["chunks"], "cache_hits": usage["chunks"], "dropped": usage["dropped"]}
        return Analysis.model_validate(stored)
    except (ValueError, KeyError, TypeError):  # pydantic's ValidationError is a ValueError
        return None  # stale or corrupt: a miss


def cached_analysis(src: SourceText, language: str, config: Config, *, replay: bool = True) -> Analysis | None:
    """The LLM analysis of `src` without a request: stored whole, else (`replay`) rebuilt from
    the chunks' cached answers (claims.extract.analyse_cached, imported only then). None when a
    request is needed."""
    found = stored_analysis(src, language, config)
    if found is None and replay and config.cache and not config.offline:
        from .extract import analyse_cached

        found = analyse_cached(src, language, config)
    return found


def store_analysis(analysis: Analysis, config: Config) -> None:
    """Keep a complete LLM analysis (every chunk answered) for `stored_analysis`."""
    if config.offline or not config.cache or analysis.usage.chunks_failed:
        return
    from .cache import ResponseCache

    cache = ResponseCache(config)
    try:
        value = analysis.model_dump(mode="json", exclude={"document"})
        cache.put(_stored_key(analysis.document.sha256, analysis.document.language, config), value)
    finally:
        cache.close()


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
