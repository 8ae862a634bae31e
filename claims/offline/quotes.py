"""Direct quotations: spans between quotation marks, with their marks, found by a per-paragraph
scan that tolerates the slips of real copy (a closing mark used as an opener after an apostrophe,
a missing opening mark, a quotation running to the end of its paragraph)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from ..segment import Paragraph, Sentence

OPEN_CURLY, CLOSE_CURLY = "“", "”"
_MARKS = re.compile(r"[«»“”\"„]")
_WORD = re.compile(r"[^\W_]", re.UNICODE)


@dataclass
class Marked:
    """A quotation-mark span [start, end) including its marks (when present)."""

    start: int
    end: int
    opened: bool = True  # False: the opening mark is missing, start was inferred
    closed: bool = True  # False: ran to the end of the paragraph

    def inner(self, text: str) -> tuple[int, int]:
        s, e = self.start, self.end
        if self.opened and text[s] in "«“\"„”":
            s += 1
        if self.closed and text[e - 1] in "»”\"“":
            e -= 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        return s, e

    def words(self, text: str) -> int:
        s, e = self.inner(text)
        return len(text[s:e].split())


def _is_word(c: str) -> bool:
    return bool(_WORD.match(c))


def _opens(text: str, i: int, start: int, end: int) -> bool:
    """Could the mark at i open a quotation (judged from its neighbours)?"""
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    if after.isspace() or after in ",.;:!?)":
        return False
    return before.isspace() or before in "([—–-:'’/" or i == start


def _spaced(text: str, i: int) -> bool:
    """A straight mark with spaces on both sides ('would " provide'): a typo'd opener when
    another mark follows in the paragraph."""
    return 0 < i < len(text) - 1 and text[i - 1] == " " and text[i + 1] == " "


def _missing_open_start(text: str, close: int, para: Paragraph, sents: list[Sentence],
                        floor: int) -> int:
    """Where a quotation whose opening mark is missing most likely starts: the first sentence
    after the last one (in the paragraph, after `floor`) that holds a mark or ends the previous
    quotation; the paragraph start when there is none."""
    inside = [s for s in sents if s.start >= max(para.start, floor) and s.start < close]
    start = inside[-1].start if inside else max(para.start, floor)
    for s in reversed(inside):
        chunk = text[s.start : min(s.end, close)]
        if _MARKS.search(chunk):
            break
        start = s.start
    return start


def find_marked(text: str, paras: list[Paragraph], sents: list[Sentence]) -> list[Marked]:
    """All quotation spans in the text, in order, never crossing a paragraph."""
    out: list[Marked] = []
    starts = [s.start for s in sents]
    ordered = all(a <= b for a, b in zip(starts, starts[1:], strict=False))
    for p in paras:
        if ordered:  # the paragraph's sentences are a slice (a scan of all per paragraph is quadratic)
            p_sents = sents[bisect_left(starts, p.start) : bisect_left(starts, p.end)]
        else:
            p_sents = [s for s in sents if p.start <= s.start < p.end]
        open_at: int | None = None
        open_mark = ""
        floor = p.start
        for m in _MARKS.finditer(text, p.start, p.end):
            i, c = m.start(), m.group()
            if open_at is None:
                if c == "»":
                    continue
                if c in "«“„" or (c in "\"”" and _opens(text, i, p.start, p.end)) or (
                        c == "\"" and _spaced(text, i) and text.find("\"", i + 1, p.end) > 0):
                    open_at, open_mark = i, c
                    continue
                if c == "”" and i > p.start and text[i - 1] in "'’" and i + 1 < p.end and _is_word(text[i + 1]):
                    open_at, open_mark = i, c  # d'”un avenir...” : a closer typed as opener
                    continue
                # a closing mark with no opener: the opening mark is missing
                s = _missing_open_start(text, i, p, p_sents, floor)
                if s < i:
                    out.append(Marked(s, i + 1, opened=False))
                floor = i + 1
                continue
            if open_mark == "«":
                if c == "»":
                    out.append(Marked(open_at, i + 1))
                    open_at, floor = None, i + 1
                continue  # inner marks inside « » belong to the quotation
            if c in "”\"" or (c == "“" and open_mark in "„"):
                if c == "\"" and _opens(text, i, p.start, p.end) and not (
                    i + 1 < p.end and text[i + 1] in ",.;:!?"
                ):
                    # two openers in a row: the first quotation is unterminated; restart here
                    open_at = i
                    continue
                out.append(Marked(open_at, i + 1))
                open_at, floor = None, i + 1
            elif c == "“":
                open_at = i  # a new opener before the previous one closed: restart
        if open_at is not None and p.end - open_at > 1:
            out.append(Marked(open_at, p.end, closed=False))
    return out
