"""The LLM backend: chunk → prompt → call (concurrent, cached) → ground → merge.

Each chunk is one request; chunks run concurrently up to Config.concurrency and each answer is
cached as soon as it arrives, so an interrupted run resumes. Offsets are computed here from the
model's verbatim strings; speakers are canonicalised across chunks with claims.names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from . import prompts
from .cache import BACKEND, ResponseCache, cache_key, choose_mode
from .config import Config
from .document import SourceText
from .errors import ClaimsError, EndpointError
from .extract_schema import ChunkExtraction, ClaimOut, QuoteOut
from .grounding import find_all, nearest
from .names import merge_speakers
from .schemas import Analysis, Claim, Cue, CueKind, Engine, Hedging, Quote, Speaker, Usage
from .segment import Chunk, chunk

TASK = "extract"
LANGUAGE_NAMES = {
    "fr": "French", "en": "English", "de": "German", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish",
}  # fmt: skip


@dataclass
class _Parts:
    """Items of the whole document, with chunk-local speaker ids before merging."""

    speakers: list[Speaker] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _spans(text: str, needle: str, base: int) -> list[tuple[int, int]]:
    return [(base + s, base + e) for s, e in find_all(text, needle)]


def _place_quotes(doc: str, ch: Chunk, quotes: list[QuoteOut], sid: dict[str, str]) -> dict[str, Quote]:
    placed: dict[str, Quote] = {}
    used: set[tuple[int, int]] = set()
    for q in quotes:
        spans = [s for s in _spans(ch.text, q.text, ch.start) if s not in used]
        if not spans:
            continue
        start, end = spans[0]
        used.add((start, end))
        cue = nearest(_spans(ch.text, q.cue, ch.start), (start, end)) if q.cue else None
        mention = q.mention if q.mention and (find_all(ch.text, q.mention) or find_all(ch.context, q.mention)) else None
        placed[q.id] = Quote(
            id=f"{ch.index}.{q.id}", text=doc[start:end], start=start, end=end, type=q.type,
            speaker_id=sid.get(q.speaker or ""), mention=mention,
            cue=doc[cue[0] : cue[1]] if cue else None,
            cue_start=cue[0] if cue else None, cue_end=cue[1] if cue else None,
        )  # fmt: skip
    return placed


def _place_claim(doc: str, ch: Chunk, c: ClaimOut, n: int, quote: Quote | None, speaker: str | None) -> Claim | None:
    spans = _spans(ch.text, c.source, ch.start)
    if not spans:
        return None
    start, end = nearest(spans, (quote.start, quote.end)) if quote else spans[0]  # type: ignore[misc]
    cues: list[Cue] = []
    boosters: list[Cue] = []
    for k in c.hedging.cues:
        at = nearest(_spans(ch.text, k.text, ch.start), (start, end))
        if at is None:
            continue
        cue = Cue(text=doc[at[0] : at[1]], start=at[0], end=at[1], voice=k.voice, kind=k.kind)
        (boosters if k.kind == CueKind.booster else cues).append(cue)
    return Claim(
        id=f"{ch.index}.c{n}", statement=c.statement.strip(), start=start, end=end,
        quote_id=quote.id if quote else None, speaker_id=speaker,
        checkworthiness=c.checkworthiness, kind=c.kind,
        hedging=Hedging(level=c.hedging.level, cues=cues, boosters=boosters),
    )  # fmt: skip


def place(doc: str, ch: Chunk, x: ChunkExtraction) -> _Parts:
    """Chunk-local answer → document items with exact offsets (ids still chunk-local)."""
    parts = _Parts()
    sid = {s.id: f"{ch.index}.{s.id}" for s in x.speakers}
    for s in x.speakers:
        aliases: list[str] = []
        for m in s.mentions:
            found = find_all(ch.text, m) or find_all(ch.context, m)
            src = ch.text if find_all(ch.text, m) else ch.context
            form = src[found[0][0] : found[0][1]] if found else m
            if form not in aliases:
                aliases.append(form)
        parts.speakers.append(Speaker(id=sid[s.id], name=s.name.strip(), kind=s.kind, role=s.role, aliases=aliases))
    quotes = _place_quotes(doc, ch, x.quotes, sid)
    parts.quotes.extend(quotes.values())
    for n, c in enumerate(x.claims, 1):
        quote = quotes.get(c.quote or "")
        speaker = sid.get(c.speaker or "") or (quote.speaker_id if quote else None)
        claim = _place_claim(doc, ch, c, n, quote, speaker)
        if claim is not None:
            parts.claims.append(claim)
    return parts


def merge(parts: list[_Parts]) -> tuple[list[Speaker], list[Quote], list[Claim]]:
    """Canonicalise speakers across chunks, drop duplicate quotes and claims, renumber ids."""
    speakers, mapping = merge_speakers([s for p in parts for s in p.speakers])
    quotes: dict[tuple[int, int], Quote] = {}
    quote_map: dict[str, str] = {}
    for q in sorted((q for p in parts for q in p.quotes), key=lambda q: (q.start, q.end)):
        q.speaker_id = mapping.get(q.speaker_id or "", q.speaker_id)
        kept = quotes.setdefault((q.start, q.end), q)
        quote_map[q.id] = kept.id
    claims: dict[tuple[int, int, str | None, str], Claim] = {}
    for c in sorted((c for p in parts for c in p.claims), key=lambda c: (c.start, c.end)):
        c.speaker_id = mapping.get(c.speaker_id or "", c.speaker_id)
        c.quote_id = quote_map.get(c.quote_id or "", c.quote_id)
        claims.setdefault((c.start, c.end, c.speaker_id, " ".join(c.statement.lower().split())), c)
    cited = {q.speaker_id for q in quotes.values()} | {c.speaker_id for c in claims.values()}
    speakers = [s for s in speakers if s.id in cited]  # a speaker nobody quotes is noise
    return _renumber(speakers, list(quotes.values()), list(claims.values()))


def _renumber(speakers: list[Speaker], quotes: list[Quote], claims: list[Claim]) -> tuple[list[Speaker], list[Quote], list[Claim]]:
    sids = {s.id: f"s{i}" for i, s in enumerate(speakers, 1)}
    qids = {q.id: f"q{i}" for i, q in enumerate(quotes, 1)}
    for s in speakers:
        s.id = sids[s.id]
    for q in quotes:
        q.id, q.speaker_id = qids[q.id], sids.get(q.speaker_id or "")
    for i, c in enumerate(claims, 1):
        c.id, c.quote_id, c.speaker_id = f"c{i}", qids.get(c.quote_id or ""), sids.get(c.speaker_id or "")
    return speakers, quotes, claims


def trim_context(context: str, limit: int) -> str:
    """At most `limit` characters of read-only context, resent with every chunk: its head (the
    lead, or the start of the preceding paragraph) and, mostly, its tail (the text just before
    the chunk), each cut at a space, joined by a line break."""
    if len(context) <= limit:
        return context
    head = context[: limit // 3]
    head = head.rsplit(" ", 1)[0] if " " in head else head
    tail = context[len(context) - (limit - len(head) - 1) :]
    tail = tail.split(" ", 1)[1] if " " in tail else tail
    return f"{head.rstrip()}\n{tail.lstrip()}"


def chunks_for(text: str, config: Config) -> list[Chunk]:
    """The article's chunks, each with at most `config.context_chars` of context in all."""
    return [
        replace(c, context=trim_context(c.context, config.context_chars))
        for c in chunk(text, config.chunk_chars, config.context_chars)
    ]


def variables(ch: Chunk, output_language: str) -> dict[str, str]:
    lang = LANGUAGE_NAMES.get(output_language, output_language)
    return {"article": ch.text, "context": ch.context or "(none)", "output_language": lang}


def grounds(ch: Chunk) -> dict[str, str]:
    """The validation context of a chunk's answer: the text its strings must come from."""
    return {"article": ch.text, "context": ch.context}


def _placed(src: SourceText, ch: Chunk, x: ChunkExtraction, config: Config, dropped: int) -> _Parts:
    """A chunk's validated answer placed in the document; `dropped` items it lost on the way."""
    parts = place(src.text, ch, x)
    if dropped:
        parts.warnings.append(
            f"chunk {ch.index + 1}: {dropped} item(s) still ungrounded after {config.reasks} re-asks were dropped"
        )
    return parts


async def _run(src: SourceText, chunks: list[Chunk], out_lang: str, config: Config, usage: Usage,
               progress: Callable[[int, int], None] | None,
               completed: list[int] | None = None) -> tuple[list[_Parts], list[str]]:  # fmt: skip
    import asyncio

    from . import llm

    sem = asyncio.Semaphore(config.concurrency)
    cache = ResponseCache(config)
    done = 0
    failures: list[str] = []

    async def one(ch: Chunk) -> _Parts | None:
        nonlocal done
        async with sem:
            before = usage.dropped
            x: ChunkExtraction | None = None
            try:
                x = await llm.arun_task(
                    config, TASK, variables(ch, out_lang), ChunkExtraction,
                    validation_context=grounds(ch), usage=usage, cache=cache,
                )  # fmt: skip
                if completed is not None:  # answered and cached: what an interrupted run keeps
                    completed.append(ch.index)
            except ClaimsError as exc:
                usage.chunks_failed.append(ch.index)
                hint = f" ({exc.hint})" if exc.hint else ""
                failures.append(f"chunk {ch.index + 1} (chars {ch.start}-{ch.end}) failed: {exc.message}{hint}")
            done += 1  # not in a finally: a request cancelled by Ctrl-C is not done
            if progress:
                progress(done, len(chunks))
        return None if x is None else _placed(src, ch, x, config, usage.dropped - before)

    try:
        results = await asyncio.gather(*(one(ch) for ch in chunks))
    finally:
        cache.close()
        await llm.aclose()
    usage.chunks_failed.sort()
    return [r for r in results if r is not None], failures


def analyse_cached(src: SourceText, language: str, config: Config) -> Analysis | None:
    """`analyse` from the response cache alone, or None as soon as one chunk's answer is not there.
    Synchronous and without the HTTP stack or an event loop (neither openai, instructor nor
    asyncio is imported), so a fully cached run starts fast. Each cached answer is validated
    against its chunk's text again, exactly as on the request path."""
    chunks = chunks_for(src.text, config)
    usage = Usage(chunks=len(chunks))
    out_lang = config.output_language or language
    prompt = prompts.load(TASK)
    cache = ResponseCache(config)
    parts: list[_Parts] = []
    try:
        for ch in chunks:
            before = usage.dropped
            key = cache_key(config, prompt, prompt.render(variables(ch, out_lang)), ChunkExtraction, grounds(ch))
            x = cache.answer(key, ChunkExtraction, grounds(ch), usage)
            if x is None:
                return None
            parts.append(_placed(src, ch, x, config, usage.dropped - before))
    finally:
        cache.close()
    return assemble(src, language, config, usage, chunks, parts, [])


def _answered(src: SourceText, language: str, config: Config, progress: Callable[[int, int], None] | None,
              *, replay: bool) -> Analysis | None:  # fmt: skip
    """claims.pipeline.cached_analysis, reported to `progress` as done."""
    from .pipeline import cached_analysis

    found = cached_analysis(src, language, config, replay=replay)
    if found is not None and progress:
        progress(found.usage.chunks, found.usage.chunks)
    return found


def analyse(src: SourceText, language: str, config: Config,
            progress: Callable[[int, int], None] | None = None) -> Analysis:  # fmt: skip
    """Analyse `src` with the configured OpenAI-compatible endpoint (from the cache alone, without
    an event loop, when every chunk's answer is there)."""
    cached = _answered(src, language, config, progress, replay=True)
    if cached is not None:
        return cached
    chunks = chunks_for(src.text, config)
    usage = Usage(chunks=len(chunks))
    if progress:
        progress(0, len(chunks))
    completed: list[int] = []
    import asyncio

    try:
        parts, failures = asyncio.run(
            _run(src, chunks, config.output_language or language, config, usage, progress, completed)
        )
    except KeyboardInterrupt:  # Ctrl-C: the pending requests are cancelled, the answers kept
        raise KeyboardInterrupt(
            f"{len(completed)} of {len(chunks)} chunks of {src.source} completed and cached"
        ) from None
    return assemble(src, language, config, usage, chunks, parts, failures)


def assemble(src: SourceText, language: str, config: Config, usage: Usage, chunks: list[Chunk],
             parts: list[_Parts], failures: list[str]) -> Analysis:  # fmt: skip
    """The chunk answers of one article merged into its Analysis; every chunk failed: an error.
    A complete analysis is stored whole for the next run (claims.pipeline.stored_analysis)."""
    from .pipeline import make_document, store_analysis

    if chunks and not parts:
        raise EndpointError(
            f"every chunk failed ({len(failures)}): {failures[0]}" if failures else "no chunk was analysed",
            "fix the cause above, then rerun: completed chunks are cached",
        )
    speakers, quotes, claims = merge(parts)
    engine = Engine(
        backend=BACKEND, model=config.model, base_url=config.base_url, mode=choose_mode(config),
        prompt_versions={TASK: prompts.load(TASK).version},
    )  # fmt: skip
    warnings = [w for p in parts for w in p.warnings] + failures
    analysis = Analysis(
        document=make_document(src, language), speakers=speakers, quotes=quotes, claims=claims,
        engine=engine, usage=usage, warnings=warnings,
    )  # fmt: skip
    if not failures:
        store_analysis(analysis, config)
    return analysis


async def aanalyse(src: SourceText, language: str, config: Config,
                   progress: Callable[[int, int], None] | None = None,
                   completed: list[int] | None = None) -> Analysis:  # fmt: skip
    """`analyse` inside a running event loop (claims.corpus runs many articles in one loop, under
    one shared rate limiter); the caller owns the HTTP clients (llm.KEEP_CLIENTS). `completed`
    collects the indexes of chunks answered (and cached), for an interrupted run's message."""
    stored = _answered(src, language, config, progress, replay=False)  # (corpus.run_cached replays first)
    if stored is not None:
        return stored
    chunks = chunks_for(src.text, config)
    usage = Usage(chunks=len(chunks))
    if progress:
        progress(0, len(chunks))
    parts, failures = await _run(src, chunks, config.output_language or language, config, usage, progress, completed)
    return assemble(src, language, config, usage, chunks, parts, failures)
