"""Paragraphs, sentences and chunks, all as exact character spans of the document text.

Rule-based and dependency-free: nothing to download, and fast enough to run on every input.
Invariants (checked by property tests): sentence spans are ordered, do not overlap, never cross a
paragraph boundary, and together cover every non-space character of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Words after which a full stop does not end a sentence (lower-cased, without the dot).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt gen lt col capt cmdr adm sgt maj gov sen rep pres rev hon
    vs etc inc ltd corp co jan feb mar apr jun jul aug sep sept oct nov dec no nos fig al approx
    est dept univ u.s u.k u.n e.g i.e a.m p.m
    m mm mme mmes mlle me dr pr st ste av bd apr j.-c cf env p ex nb janv févr fév avr juil déc
    """.split()
)

CLOSERS = "\"'”’»)]"
OPENERS = "\"'“‘«([¿¡"
# French typography puts a (narrow) no-break space or a space before the closing guillemet:
# « Demain. » Mais... must end the sentence after the », so a spaced » counts as a closer.
_SENT_END = re.compile(r"[.!?…]+(?:[" + re.escape(CLOSERS) + r"]|[ \u00a0\u202f]»)*")
_PARA_BREAK = re.compile(r"\n\s*\n|\n")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Sentence(Span):
    index: int  # 0-based over the document
    paragraph: int  # 0-based paragraph index


@dataclass(frozen=True)
class Paragraph(Span):
    index: int


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences within the size budget, plus read-only context before it."""

    index: int
    start: int
    end: int
    text: str  # == document text[start:end]
    context: str  # lead and preceding paragraph: for resolving speakers only, never extracted
    sentences: tuple[Sentence, ...] = field(default=(), repr=False)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str) -> list[Paragraph]:
    """Non-empty lines (or blank-line separated blocks) with their offsets, whitespace trimmed."""
    result: list[Paragraph] = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        s, e = _strip_span(text, pos, m.start())
        if e > s:
            result.append(Paragraph(s, e, len(result)))
        pos = m.end()
    s, e = _strip_span(text, pos, len(text))
    if e > s:
        result.append(Paragraph(s, e, len(result)))
    return result


def _is_break(text: str, m: re.Match[str], end: int) -> bool:
    """Does the terminal punctuation matched by `m` end a sentence?"""
    j = m.end()
    if j >= end:
        return False
    if not text[j].isspace():
        return False
    k = j
    while k < end and text[k].isspace():
        k += 1
    if k >= end:
        return False
    nxt = text[k]
    if not (nxt.isupper() or nxt.isdigit() or nxt in OPENERS or nxt in "-–—"):
        return False
    if text[m.start()] == "." and m.end() - m.start() == 1:
        # "Dr. Smith", "U.S. officials", "M. Macron", initials "J. Smith"
        w = m.start()
        while w > 0 and (text[w - 1].isalpha() or text[w - 1] == "."):
            w -= 1
        word = text[w : m.start()].lower()
        if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
    return True


def sentences(text: str, paras: list[Paragraph] | None = None) -> list[Sentence]:
    """Sentences within each paragraph; a paragraph with no terminal punctuation is one sentence."""
    result: list[Sentence] = []
    for p in paras if paras is not None else paragraphs(text):
        pos = p.start
        for m in _SENT_END.finditer(text, p.start, p.end):
            if _is_break(text, m, p.end):
                s, e = _strip_span(text, pos, m.end())
                if e > s:
                    result.append(Sentence(s, e, len(result), p.index))
                pos = m.end()
        s, e = _strip_span(text, pos, p.end)
        if e > s:
            result.append(Sentence(s, e, len(result), p.index))
    return result


def _split_long(text: str, sent: Sentence, budget: int) -> list[Sentence]:
    """Cut a sentence longer than the budget at whitespace (or hard, if there is none)."""
    pieces: list[Sentence] = []
    start = sent.start
    while sent.end - start > budget:
        cut = text.rfind(" ", start + budget // 2, start + budget)
        cut = cut if cut > start else start + budget
        s, e = _strip_span(text, start, cut)
        if e > s:
            pieces.append(Sentence(s, e, sent.index, sent.paragraph))
        start = cut
    s, e = _strip_span(text, start, sent.end)
    if e > s:
        pieces.append(Sentence(s, e, sent.index, sent.paragraph))
    return pieces


def _context(text: str, paras: list[Paragraph], start: int, limit: int) -> str:
    """The lead paragraph and the preceding paragraph (up to `start`), each capped at `limit`."""
    if not paras or start <= paras[0].start:
        return ""
    i = bisect_right(paras, start, key=lambda p: p.start) - 1  # paragraph holding the chunk start
    prev_start = paras[i - 1].start if i >= 1 else paras[i].start
    lead = paras[0]
    parts = []
    if prev_start > lead.start:
        parts.append(text[lead.start : lead.end][:limit])
    # Paragraphs start on a non-space character, so only the right end needs trimming; slicing
    # just the last `limit` characters keeps chunking linear on one huge paragraph.
    end = start
    while end > prev_start and text[end - 1].isspace():
        end -= 1
    before = text[max(prev_start, end - limit) : end]
    if before:
        parts.append(before)
    return "\n".join(parts)


def chunk(text: str, budget: int = 8000, context_chars: int = 600) -> list[Chunk]:
    """Group whole sentences into chunks of at most `budget` characters (a longer sentence is cut)."""
    if budget < 200:
        raise ValueError("chunk budget must be at least 200 characters")
    paras = paragraphs(text)
    units: list[Sentence] = []
    for s in sentences(text, paras):
        units.extend(_split_long(text, s, budget) if s.end - s.start > budget else [s])
    chunks: list[Chunk] = []
    group: list[Sentence] = []

    def flush() -> None:
        if group:
            s, e = group[0].start, group[-1].end
            ctx = _context(text, paras, s, context_chars)
            chunks.append(Chunk(len(chunks), s, e, text[s:e], ctx, tuple(group)))
            group.clear()

    for u in units:
        if group and u.end - group[0].start > budget:
            flush()
        group.append(u)
    flush()
    return chunks


def normalise_space(s: str) -> str:
    return _SPACE.sub(" ", s).strip()


class Locator:
    """Maps offsets to 1-based (paragraph, sentence-in-paragraph) numbers for worksheets."""

    def __init__(self, text: str) -> None:
        self.paras = paragraphs(text)
        self.sents = sentences(text, self.paras)
        self._starts = [s.start for s in self.sents]
        # index of the first sentence of each sentence's paragraph (a scan back per call was
        # quadratic on one long paragraph)
        self._first: list[int] = []
        for j, s in enumerate(self.sents):
            same = j > 0 and self.sents[j - 1].paragraph == s.paragraph
            self._first.append(self._first[j - 1] if same else j)

    def locate(self, offset: int) -> tuple[int, int]:
        i = max(bisect_right(self._starts, offset) - 1, 0)
        if not self.sents:
            return (1, 1)
        sent = self.sents[i]
        first = self._first[i]
        return sent.paragraph + 1, i - first + 1
