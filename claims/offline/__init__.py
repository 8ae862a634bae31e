"""The offline analyser: rules and lexicons, no LLM, no network, no model download.

Pipeline: paragraphs and sentences → quotation-mark spans → reporting cues with speaker phrases
and reported clauses → quotes (direct, indirect, mixed; continuation quotes inherit the previous
speaker) → speakers (pronouns resolved to the most recent compatible speaker, aliases merged by
claims.names) → claims (one per quote and per remaining assertive sentence) with hedge cues,
boosters and check-worthiness.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from ..config import Config
from ..document import SourceText
from ..names import (
    DETERMINERS,
    head_noun,
    match_keys,
    merge_speakers,
    normalise,
    proper_tokens,
    same_entity,
)
from ..schemas import (
    Analysis,
    Claim,
    Cue,
    Engine,
    Hedging,
    Quote,
    QuoteType,
    Speaker,
    SpeakerKind,
    Usage,
    Voice,
)
from ..segment import Paragraph, Sentence, paragraphs, sentences
from . import lexicon_en, lexicon_fr
from .attribution import Attr, Lexicon, Mention, classify, find_attributions
from .checkworthy import Scorer
from .entities import Entity, EntityIndex, find_entities, personish, pronoun_gender
from .hedges import FoundCue, HedgeLexicon, level
from .quotes import Marked, find_marked

__all__ = ["analyse", "SUPPORTED"]

SUPPORTED = {"fr": lexicon_fr, "en": lexicon_en}


@cache
def _tools(lang: str) -> tuple[Lexicon, HedgeLexicon, Scorer]:
    mod = SUPPORTED[lang]
    return Lexicon(mod), HedgeLexicon(mod), Scorer(mod)


@dataclass
class _Cand:
    """A quote before speaker resolution."""

    start: int
    end: int
    type: QuoteType
    attr: Attr | None
    para: int
    claim_start: int = 0
    claim_end: int = 0


@dataclass
class _Spk:
    id: str
    name: str
    kind: SpeakerKind
    role: str | None
    aliases: list[str] = field(default_factory=list)
    gender: str | None = None


def _para_of(paras: list[Paragraph], pos: int) -> int:
    """Index of the paragraph holding `pos` (the last one when none does); bisect, as paragraphs
    are in text order."""
    k = bisect_right(paras, pos, key=lambda p: p.start) - 1
    if k >= 0 and pos < paras[k].end:
        return paras[k].index
    return paras[-1].index if paras else 0


_OPENING = " \t\u00a0\u202f\"'«“‘„‹—–-"  # what may come before a quotation that opens a paragraph
_POSSESSIVES = {"en": {"his", "her", "their"}, "fr": {"son", "sa", "ses", "leur", "leurs"}}
_WORD = re.compile(r"\w+")


def _continues(text: str, paras: list[Paragraph], c: _Cand, lex: Lexicon, lang: str, speaker: _Spk) -> bool:
    """May an unattributed quotation in a later paragraph than its would-be speaker's last report
    go on with that speaker? Only if its paragraph opens with it (the journalistic convention for
    a quotation that runs on) or is about that speaker before it: a personal pronoun or
    possessive, or a word of the speaker's name. A quotation inside unrelated text (a list, code,
    an injected instruction) is left unattributed."""
    if not paras:
        return False
    p = paras[c.para]
    before = text[p.start : c.start]
    if not before.strip(_OPENING):
        return True
    words = {w.lower() for w in _WORD.findall(before)}
    persons = {w for w, (number, _g) in lex.pronouns.items() if number != "org"} | _POSSESSIVES.get(lang, set())
    own = {w.lower() for form in (speaker.name, *speaker.aliases) for w in _WORD.findall(form) if len(w) > 2}
    return bool(words & (persons | own))


def _in_para(paras: list[Paragraph], pos: int) -> bool:
    """Does `pos` lie inside a paragraph (not in the space between two)?"""
    k = bisect_right(paras, pos, key=lambda p: p.start) - 1
    return k >= 0 and pos < paras[k].end


class _Spans:
    """Quotation spans in text order without overlap (what find_marked gives), so the ones
    meeting a sentence are a slice found by bisection; any other list is kept whole."""

    def __init__(self, marked: list[Marked]) -> None:
        self.marked = marked
        self.ordered = all(marked[i].end <= marked[i + 1].start for i in range(len(marked) - 1)) \
            and all(m.start < m.end for m in marked)
        self.starts = [m.start for m in marked]
        self.ends = [m.end for m in marked]

    def meeting(self, s: Sentence) -> list[Marked]:
        """The spans a cue inside `s` can lie within (find_attributions asks no more of them)."""
        if not self.ordered:
            return self.marked
        return self.marked[bisect_right(self.ends, s.start + 1) : bisect_left(self.starts, s.end)]


def _covers(outer: tuple[int, int], m: Marked, slack: int = 2) -> bool:
    return m.start >= outer[0] - slack and m.end <= outer[1] + slack


def _link(text: str, marked: list[Marked], attrs: list[Attr], paras: list[Paragraph]) -> list[_Cand]:
    """Turn quotation spans and attributions into quote candidates (one per reported unit)."""
    cands: list[_Cand] = []
    linked: set[int] = set()
    absorbed: set[int] = set()
    # spans in text order without overlap (what find_marked gives) are searched by bisection;
    # any other list falls back to a full scan
    index = _Spans(marked)
    ordered, starts, ends = index.ordered, index.starts, index.ends
    everything = range(len(marked))
    for a in sorted(attrs, key=lambda a: a.cue_start):
        if a.kind == "pending":
            nxt = _pending_target(marked, starts if ordered else None, linked, paras, a.cue_start,
                                  a.cue_end)
            if nxt is not None:
                m = marked[nxt]
                linked.add(nxt)
                cands.append(_Cand(m.start, m.end, QuoteType.direct, a, _para_of(paras, m.start)))
            continue
        if a.clause is None:
            continue
        cs, ce = a.clause
        hit = None
        if not ordered:
            near: range = everything
        elif a.kind == "post":  # ends within a character of the clause's end
            near = range(bisect_left(ends, ce - 1), bisect_right(ends, ce + 1))
        else:  # starts up to 3 characters after the clause's start
            near = range(bisect_left(starts, cs), bisect_right(starts, cs + 3))
        for i in near:
            m = marked[i]
            if i in linked:
                continue
            if a.kind == "post" and abs(m.end - ce) <= 1 and m.start < ce:
                hit = i
                break
            if a.kind == "forward" and 0 <= m.start - cs <= 3:
                hit = i
                break
        if hit is not None:
            m = marked[hit]
            inner = m.end - max(m.start, cs) if a.kind == "post" else min(m.end, ce) - m.start
            if inner >= 0.6 * (ce - cs) or m.start <= cs:
                linked.add(hit)
                cands.append(_Cand(m.start, m.end, QuoteType.direct, a, _para_of(paras, m.start)))
                continue
        qtype = QuoteType.indirect
        inner_ones = range(bisect_left(starts, cs - 2), bisect_left(starts, ce + 2)) if ordered \
            else everything  # a covered span starts in [cs - 2, ce + 2)
        for i in inner_ones:
            m = marked[i]
            if _covers((cs, ce), m):
                absorbed.add(i)
                qtype = QuoteType.mixed
        cands.append(_Cand(cs, ce, qtype, a, _para_of(paras, cs)))
    for i, m in enumerate(marked):
        if i in linked or i in absorbed:
            continue
        if m.words(text) >= 4 or any(c in text[m.start : m.end] for c in ".!?"):
            cands.append(_Cand(m.start, m.end, QuoteType.direct, None, _para_of(paras, m.start)))
    return _dedupe(cands)


def _pending_target(marked: list[Marked], starts: list[int] | None, linked: set[int],
                    paras: list[Paragraph], cue_start: int, cue_end: int) -> int | None:
    """The first unlinked quotation span after a cue ending in ':' (next paragraph at most).
    With `starts` (spans in text order) the search begins after the cue and stops at a span
    inside a paragraph two or more past the cue's: every later one is as far."""
    cue_para = _para_of(paras, cue_start)
    first = bisect_right(starts, cue_end) if starts is not None else 0
    for i in range(first, len(marked)):
        m = marked[i]
        far = _para_of(paras, m.start) - cue_para > 1
        if m.start > cue_end and i not in linked and not far:
            return i
        if far and starts is not None and _in_para(paras, m.start):
            return None
    return None


def _dedupe(cands: list[_Cand]) -> list[_Cand]:
    """Drop a candidate that mostly repeats a better one (attributed before unattributed).
    Kept spans are held sorted by start, so each candidate meets only those that can overlap it
    (starting less than the longest kept span before its end), not every kept one."""
    order = sorted(cands, key=lambda c: (c.attr is None, c.type != QuoteType.direct, c.start))
    kept: list[_Cand] = []
    starts: list[int] = []  # kept starts, sorted; `by_start` in the same order
    by_start: list[_Cand] = []
    longest = 0
    for c in order:
        clash = False
        lo = bisect_right(starts, c.start - longest)
        for k in by_start[lo : bisect_left(starts, c.end)]:
            ov = min(c.end, k.end) - max(c.start, k.start)
            if ov > 0.5 * min(c.end - c.start, k.end - k.start):
                clash = True
                break
        if not clash:
            kept.append(c)
            i = bisect_right(starts, c.start)
            starts.insert(i, c.start)
            by_start.insert(i, c)
            longest = max(longest, c.end - c.start)
    kept.sort(key=lambda c: c.start)
    return kept


# Definite heads that name a source kept anonymous, never a person named earlier.
_UNRESOLVED_HEADS = {"person", "people", "source", "sources", "official", "officials", "witness",
                     "witnesses", "spokesperson", "spokesman", "spokeswoman", "personne",
                     "responsable", "responsables", "porte-parole", "temoin"}
_NON_SUBJECT = 400  # characters of recency a non-subject mention gives up
_UNKNOWN_GENDER = 200  # and one whose gender is unknown when the pronoun's is known
_CUE_BONUS = 150  # a speaker's own reporting cue is more salient than a narrative mention
_WORD_RUN = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
_HE = re.compile(r"\b(?:he|his|him|himself|il|lui)\b", re.I)
_SHE = re.compile(r"\b(?:she|her|hers|herself|elle)\b", re.I)


class _Resolver:
    """Speakers in text order: named mentions matched by alias; a pronoun goes to the nearest
    earlier mention of a compatible known speaker (gender read from nearby pronouns)."""

    def __init__(self, lex: Lexicon, text: str, ents: EntityIndex | None = None,
                 sent_starts: list[int] | None = None) -> None:
        self.lex = lex
        self.sent_starts = sent_starts or [0]
        self.text = text
        self.ents = ents
        self.speakers: list[_Spk] = []
        self.history: list[str] = []
        self._occ: dict[str, list[int]] = {}
        self._subj = _Subjects()  # where each speaker was the subject of a cue
        self._voted: dict[str, str | None] = {}  # pronoun_gender per occurrence key
        self._capitalised: dict[str, list[int]] | None = None  # capitalised word -> positions
        self._other_words: dict[str, list[int]] = {}
        self._by_key: dict[str, set[int]] = {}  # match key of an alias -> speakers (list positions)
        self._bare: set[int] = set()  # speakers indexed with no alias
        self._indexed = 0  # speakers[:_indexed] have been filed
        self._at: dict[int, int] = {}  # id() of a speaker -> its position in `speakers`
        self._cap_starts: list[int] = []  # see _cap_index
        self._cap_words: list[str] = []
        self._by_word: dict[str, set[int]] = {}  # surname occurrence word -> speakers
        self._any_where: set[int] = set()  # speakers whose occurrences the word index cannot find

    def _get(self, sid: str) -> _Spk:
        n = sid[1:]  # ids are "s<position + 1>" (see _new): check, else search
        if n.isdigit() and 0 < int(n) <= len(self.speakers) and self.speakers[int(n) - 1].id == sid:
            return self.speakers[int(n) - 1]
        return next(s for s in self.speakers if s.id == sid)

    def _cap_index(self) -> dict[str, list[int]]:
        """Capitalised runs of word characters: word -> starts, and all of them by start."""
        if self._capitalised is None:
            self._capitalised = {}
            for m in _WORD_RUN.finditer(self.text):
                if m.group()[:1].isupper():
                    self._capitalised.setdefault(m.group(), []).append(m.start())
                    self._cap_starts.append(m.start())
                    self._cap_words.append(m.group())
        return self._capitalised

    def _word_at(self, w: str) -> list[int]:
        """Where `w` occurs as a whole word. A capitalised run of word characters is looked up in
        an index built in one pass (one regex scan of the text per name would be quadratic)."""
        if _indexable(w):
            return self._cap_index().get(w, [])
        if w not in self._other_words:
            self._other_words[w] = _whole_word(self.text, w)
        return self._other_words[w]

    def _occurrences(self, sp: _Spk) -> list[int]:
        """Where the speaker's surname (or whole name) occurs in the text."""
        key = sp.id + "|" + "|".join(sp.aliases)
        if key not in self._occ:
            words = {proper_tokens(a)[-1] for a in sp.aliases if proper_tokens(a)}
            if not words:
                words = set(sp.aliases)
            pos: list[int] = []
            for w in words:
                pos.extend(self._word_at(w))
            self._occ[key] = sorted(pos)
        return self._occ[key]

    def _gender(self, sp: _Spk) -> str | None:
        if sp.gender is not None or sp.kind != SpeakerKind.person:
            return sp.gender
        key = sp.id + "|" + "|".join(sp.aliases)
        if key not in self._voted:
            self._voted[key] = pronoun_gender(self.text, self._occurrences(sp))
        return self._voted[key]

    def _new(self, m: Mention, kind: str) -> _Spk:
        first = normalise(m.text).split()[:1]
        gender = None
        if first and first[0] in ("la", "une", "mrs", "ms", "miss", "mme", "madame"):
            gender = "f"
        elif first and first[0] in ("le", "un", "mr", "m", "monsieur"):
            gender = "m"
        sp = _Spk(f"s{len(self.speakers) + 1}", m.text, SpeakerKind(kind), m.role, [m.text], gender)
        self.speakers.append(sp)
        self._at[id(sp)] = len(self.speakers) - 1
        self._index(sp)
        return sp

    def _index(self, sp: _Spk) -> None:
        """File a speaker under the match keys of its aliases (call after every alias change)."""
        i = self._at.get(id(sp))
        if i is None or i >= len(self.speakers) or self.speakers[i] is not sp:
            i = next(k for k in range(len(self.speakers) - 1, -1, -1) if self.speakers[k] is sp)
            self._at[id(sp)] = i
        if not sp.aliases:
            self._bare.add(i)
        for a in sp.aliases:
            for k in ("n:" + normalise(a), *match_keys(a)):
                self._by_key.setdefault(k, set()).add(i)
            toks = proper_tokens(a)  # the words _occurrences looks for
            if toks and _indexable(toks[-1]):
                self._by_word.setdefault(toks[-1], set()).add(i)
            else:
                self._any_where.add(i)
        self._indexed = max(self._indexed, i + 1)

    def _near(self, lo: int, hi: int, subjects: bool) -> list[_Spk]:
        """Speakers (in list order) that may occur, or (with `subjects`) have been a cue's
        subject, strictly between lo and hi: a superset found through the capitalised words in
        that stretch, instead of asking every speaker."""
        for sp in self.speakers[self._indexed :]:
            self._index(sp)
        self._cap_index()
        hits = set(self._any_where)
        for k in range(bisect_right(self._cap_starts, lo), bisect_left(self._cap_starts, hi)):
            hits.update(self._by_word.get(self._cap_words[k], ()))
        if subjects:
            for sid in self._subj.between(lo, hi):
                sp = self._get(sid)
                i = self._at.get(id(sp))
                hits.add(i if i is not None and self.speakers[i] is sp else self.speakers.index(sp))
        return [self.speakers[i] for i in sorted(hits)]

    def _candidates(self, keys: set[str]) -> list[_Spk]:
        """Speakers, most recent first, that may match a form with these keys: those sharing a
        key through an alias (names.match_keys) and those with no alias. A speaker added without
        _index (len(speakers) grew behind its back) is filed first."""
        for sp in self.speakers[self._indexed :]:
            self._index(sp)
        hits = set(self._bare).union(*(self._by_key.get(k, ()) for k in keys))
        return [self.speakers[i] for i in sorted(hits, reverse=True)]

    def resolve(self, m: Mention | None, post: bool = False) -> str | None:
        """The speaker id of a mention at a cue (recorded as a subject position); `post` when
        the cue follows its reported clause."""
        sid = self._resolve(m, post)
        if sid is not None and m is not None:
            self._subj.setdefault(sid, []).append(m.start)
        return sid

    def _resolve(self, m: Mention | None, post: bool) -> str | None:
        if m is None:
            return None
        if m.pronoun is not None:
            sid = self._pronoun(m.pronoun, m.start, post)
            if sid is not None:
                self.history.append(sid)
            return sid
        kind = classify(m, self.lex)
        if kind == "document":
            sid = self._behind_document(m)
            if sid is not None:
                return sid
        named = bool(proper_tokens(m.text))
        keys = {"n:" + normalise(m.text), *(match_keys(m.text, query=True) if named else ())}
        for sp in self._candidates(keys):
            if named and any(same_entity(m.text, a) for a in sp.aliases) or normalise(m.text) in (
                normalise(a) for a in sp.aliases
            ):
                self._note(sp.id, m)
                return sp.id
        words = normalise(m.text).split()
        described = named and m.text.split()[-1][:1].islower()  # "the WHL commissioner"
        if (not named or described) and words[:1] in (["the"], ["le"], ["la"], ["l"]) and len(words) <= 5:
            sid = self._definite(m, kind, words) or self._definite_entity(m, kind, words)
            if sid is not None:
                self._note(sid, m)
                return sid
        ent = self.ents.expansion(m.text) if self.ents is not None and named else None
        if ent is not None:  # "the PBO" -> "Parliamentary Budget Officer"
            sid = self._speaker_for(ent)
            self._note(sid, m)
            return sid
        sp = self._new(m, kind)
        self.history.append(sp.id)
        return sp.id

    def _definite(self, m: Mention, kind: str, words: list[str]) -> str | None:
        """'the mayor', 'la ministre': the one named person whose role or aliases share the head
        noun. (Wider guesses, such as the last named person, lowered dev-set accuracy.)"""
        if kind != "person" or len(words) > 5:
            return None
        head = head_noun(m.text)
        hits = [s for s in self.speakers if s.kind == SpeakerKind.person and proper_tokens(s.name)
                and head and any(head in normalise(x).split() for x in [*s.aliases, s.role or ""])]
        return hits[0].id if len(hits) == 1 else None

    def introduced(self, start: int) -> str | None:
        """An unattributed quotation opened after a colon ("Martell, the doctor, is more blunt:
        "...") belongs to the person who is the subject of the introducing sentence."""
        if self.ents is None:
            return None
        k = bisect_right(self.sent_starts, start) - 1
        floor = self.sent_starts[k] if k >= 0 else 0
        if floor >= start or not self.text[floor:start].rstrip().endswith(":"):
            return None
        near = [(m, e) for m, e in self.ents.before(start, start - floor) if m.start >= floor
                and not m.quoted and personish(m, e)]
        subj = [(m, e) for m, e in near if m.subject]
        for m, ent in (subj or near)[:1]:
            sid = self._speaker_for(ent)
            self._subj.setdefault(sid, []).append(m.start)
            return sid
        return None

    def narrative_subject(self, start: int, since: int) -> str | None:
        """An unattributed quotation right after narrative about someone ("Trevor Nicholson, an
        analyst, outlined how the policy works. / "Who may be included ..."): the subject person
        of the sentence before it, when no report came in between."""
        if self.ents is None:
            return None
        k = bisect_right(self.sent_starts, start) - 1
        if k < 1:
            return None
        prev = self.sent_starts[k - 1] if self.sent_starts[k] >= start else self.sent_starts[k]
        if prev < since:
            return None
        for m, ent in self.ents.before(start, start - prev):
            if m.start >= prev and m.subject and not m.quoted and personish(m, ent):
                return self._speaker_for(ent)
        return None

    def _behind_document(self, m: Mention) -> str | None:
        """'the parole board decision', "the union's release", 'a TransLink study': the
        organisation or person named before the document's head noun speaks through it."""
        toks = m.text.split()
        for i, w in enumerate(toks):
            low = normalise(w).split()
            if i == 0 or not low or low[-1] not in self.lex.doc:
                continue
            before = toks[:i]
            own = next((k for k, t in enumerate(before) if t.endswith(("’s", "'s"))), None)
            if own is not None:  # "the union's Friday release" -> "the union"
                before = before[: own + 1]
                before[-1] = before[-1][:-2]
            first = normalise(before[0]).split()[:1]
            if len(before) == 1 and first and first[0] in self.lex.articles:
                return None  # "the memo": nobody named
            sub = " ".join(before)
            if first and first[0] in ("a", "an", "un", "une"):
                sub = " ".join(before[1:])  # "a TransLink study" -> "TransLink"
            sm = Mention(sub, m.start, m.start + len(sub))
            sub_kind = classify(sm, self.lex)
            if sub_kind not in ("organisation", "person") and not proper_tokens(sub):
                return None
            return self._resolve(sm, False)
        return None

    def _definite_entity(self, m: Mention, kind: str, words: list[str]) -> str | None:
        """'the mayor', 'the company': a narrative entity named with the head noun ('the city' ->
        'City of Surrey'), else the most recent entity of the right kind (a person as a sentence's
        first name, an organisation anywhere) within a few paragraphs."""
        if self.ents is None or len(words) > 4 or kind not in ("person", "organisation"):
            return None
        head_part = words[: next((i for i, w in enumerate(words) if w in ("of", "de", "d", "du")),
                                 len(words))]
        head = head_part[-1]
        if head in _UNRESOLVED_HEADS:
            return None
        for _mm, ent in self.ents.before(m.start, 20000):
            if ent.kind == "organisation" and head in normalise(ent.name).split():
                return self._speaker_for(ent)
            if kind == "person" and ent.kind == "person" and head in (normalise(r) for r in ent.roles):
                return self._speaker_for(ent)  # "the mayor" after "Mayor Doug McCallum"
        if len(head_part) < len(words) or len(head_part) > 2 and kind == "organisation" or \
                head.endswith("s") and kind == "person" or proper_tokens(m.text):
            return None  # "the paramedics union", "the Nova Scotia judge": not a bare head
        for mm, ent in self.ents.before(m.start, 1200):
            if mm.quoted or len(ent.name) <= 2:
                continue
            if kind == "person" and mm.subject and ent.kind == "person":
                return self._speaker_for(ent)
            if kind == "organisation" and (ent.kind == "organisation" or ent.kind == "unknown"
                                           and ent.gender is None):
                return self._speaker_for(ent)
        return None

    def _note(self, sid: str, m: Mention | None) -> None:
        sp = self._get(sid)
        if m is not None and m.text not in sp.aliases:
            sp.aliases.append(m.text)
            self._index(sp)
            if m.role and not sp.role:
                sp.role = m.role
        self.history.append(sid)

    def _compatible(self, sp: _Spk, number: str, gender: str | None) -> bool:
        if number == "sg":
            if sp.kind != SpeakerKind.person or not self._personlike(sp):
                return False
            return gender is None or self._gender(sp) in (None, gender)
        if number == "pl":
            return sp.kind in (SpeakerKind.group, SpeakerKind.unnamed, SpeakerKind.organisation)
        return sp.kind in (SpeakerKind.organisation, SpeakerKind.document)

    def _personlike(self, sp: _Spk) -> bool:
        """Can a he/she stand for this speaker? Not when the narrative shows a place or an
        organisation, nor a word that only ever opens a sentence ("Story continues")."""
        if self.ents is None:
            return True
        words = normalise(sp.name).split()
        if len(words) == 1 and words[0] in self.ents.rejected or not words:
            return False
        last = sp.name.split()[-1]
        if last.endswith("s") and last[:-1].isupper():
            return False  # "Labour MPs", "NGOs": a group
        if not proper_tokens(sp.name):
            return len(words) > 1 or words[0] not in self.lex.articles
        ent = self.ents.of(sp.name)
        if ent is None:
            return True
        if ent.gender is not None and sp.gender is None:
            sp.gender = ent.gender
        return ent.kind in ("person", "unknown")

    def _entity_before(self, pos: int, number: str, gender: str | None) -> tuple[int, Entity] | None:
        """The most recent narrative entity a pronoun can stand for (position, entity)."""
        if self.ents is None:
            return None
        for m, ent in self.ents.before(pos):
            if m.quoted or not m.first:
                continue
            kind = ent.kind
            if number == "sg":
                if kind == "person" or kind == "unknown" and ent.gender is not None:
                    if gender is None or ent.gender in (None, gender):
                        return m.start, ent
            elif number == "org" and kind == "organisation":
                return m.start, ent
        return None

    def _speaker_for(self, ent: Entity) -> str:
        """The speaker an entity already is, or a new one named by its longest form."""
        forms = _full(ent.forms)
        for sp in self._candidates({k for f in forms for k in match_keys(f, query=True)}):
            full = [a for a in sp.aliases if len(proper_tokens(a)) > 1] or sp.aliases
            # every full name must agree: "Mary Nicholson" is not "Trevor Nicholson"
            if any(all(same_entity(f, a) for a in full) for f in forms):
                self.history.append(sp.id)
                return sp.id
        kind = "person" if ent.kind in ("person", "unknown") else "organisation"
        m = Mention(ent.name, ent.starts[0], ent.starts[0] + len(ent.name))
        sp = self._new(m, kind)
        sp.aliases = _full(ent.forms)  # a bare surname would merge namesakes later
        self._index(sp)
        if ent.gender is not None:
            sp.gender = ent.gender
        if ent.roles and not sp.role:
            sp.role = ent.roles[0]
        self.history.append(sp.id)
        return sp.id

    def _salient_person(self, pos: int, gender: str | None, post: bool) -> str | None:
        """he/she: the most salient compatible person before `pos`. Recency, discounted when
        the mention is not a subject or its gender is unknown, over speakers (their cues and
        name occurrences) and narrative entities alike; mentions inside quotations are skipped."""
        assert self.ents is not None
        ents = self.ents
        k = bisect_right(self.sent_starts, pos) - 1
        # "Kody made the choice he did, she says": names in the reported clause are not the speaker
        floor = self.sent_starts[k] if k >= 0 and post else pos

        def penalty(subject: bool, g: str | None) -> int:
            return (0 if subject else _NON_SUBJECT) + (_UNKNOWN_GENDER if gender and g != gender else 0)

        best: tuple[int, str | Entity] | None = None
        for sp in self._near(pos - 1500, floor, subjects=True):
            subj = self._subj.within(sp.id, pos - 1500, floor)
            last = _last_in(self._occurrences(sp), pos - 1500, floor, ents.quoted)
            if not subj and last is None:
                continue  # nothing within reach (tested first: it is cheaper than compatibility)
            if not self._compatible(sp, "sg", gender):
                continue
            g = self._gender(sp)
            scores = [o + _CUE_BONUS - penalty(True, g) for o in subj]
            if last is not None:
                scores.append(last - penalty(ents.subject(last), g))
            if scores and (best is None or max(scores) > best[0]):
                best = (max(scores), sp.id)
        for m, ent in ents.before(floor):
            if m.quoted or not personish(m, ent):
                continue
            if gender is not None and ent.gender not in (None, gender):
                continue
            score = m.start - penalty(m.subject, ent.gender)
            if best is None or score > best[0]:
                best = (score, ent)
        if best is None:
            return None
        return best[1] if isinstance(best[1], str) else self._speaker_for(best[1])

    def _pronoun(self, p: str, pos: int, post: bool = False) -> str | None:
        number, gender = self.lex.pronouns.get(p, ("sg", None))
        if p in ("on",):
            return None
        if number == "sg" and self.ents is not None:
            sid = self._salient_person(pos, gender, post)
            if sid is not None:
                return sid
        best, best_pos = None, -1
        for sp in self._near(pos - 1500, pos, subjects=False):
            last = _last_in(self._occurrences(sp), pos - 1500, pos)
            if last is not None and last > best_pos and self._compatible(sp, number, gender):
                best, best_pos = sp.id, last
        ent = self._entity_before(pos, number, gender)
        if ent is not None and ent[0] > best_pos:
            return self._speaker_for(ent[1])
        if best is not None:
            return best
        for sid in reversed(self.history[-12:]):
            if self._compatible(self._get(sid), number, gender):
                return sid
        return None


def _indexable(w: str) -> bool:
    """Is `w` a capitalised run of word characters (found through the capitalised-word index)?"""
    return w[:1].isupper() and _WORD_RUN.fullmatch(w) is not None


class _Subjects(dict[str, list[int]]):
    """Speaker id -> positions where it was a cue's subject, also kept as one list sorted by
    position so that 'who was a subject between here and there' needs no scan of all speakers.
    Lists handed out by setdefault() or stored with [] record their appends."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[int, str]] = []

    def _wrap(self, sid: str, value: list[int]) -> list[int]:
        out = _Logged(self, sid)
        for v in value:
            out.append(v)
        return out

    def setdefault(self, sid: str, default: list[int] | None = None) -> list[int]:  # type: ignore[override]
        if sid not in self:
            super().__setitem__(sid, self._wrap(sid, default or []))
        return self[sid]

    def __setitem__(self, sid: str, value: list[int]) -> None:
        super().__setitem__(sid, self._wrap(sid, value))

    def within(self, sid: str, lo: int, hi: int) -> list[int]:
        """The speaker's subject positions p with lo < p < hi (ascending)."""
        got = self.get(sid, [])
        if isinstance(got, _Logged):
            return got.ordered[bisect_right(got.ordered, lo) : bisect_left(got.ordered, hi)]
        return sorted(o for o in got if lo < o < hi)

    def between(self, lo: int, hi: int) -> list[str]:
        """Ids with a subject position p, lo < p < hi."""
        a = bisect_right(self.log, (lo, "\U0010ffff"))
        b = bisect_left(self.log, (hi, ""))
        return [sid for _p, sid in self.log[a:b]]


class _Logged(list[int]):
    """A speaker's subject positions; each append is logged in the owner's sorted list."""

    def __init__(self, owner: _Subjects, sid: str) -> None:
        super().__init__()
        self.owner, self.sid = owner, sid
        self.ordered: list[int] = []  # the same positions, sorted

    def append(self, pos: int) -> None:  # type: ignore[override]
        super().append(pos)
        insort(self.ordered, pos)
        insort(self.owner.log, (pos, self.sid))


def _whole_word(text: str, w: str) -> list[int]:
    """Starts of `w` with no word character on either side, as re.finditer would give them (left to
    right, not overlapping), found with str.find: much faster than a look-behind regex scan."""
    if not w:
        return [m.start() for m in re.finditer(r"(?<!\w)(?!\w)", text)]
    out: list[int] = []
    i = text.find(w)
    while i >= 0:
        j = i + len(w)
        if (i == 0 or not _WORD_CHAR.match(text, i - 1)) and (j == len(text) or not _WORD_CHAR.match(text, j)):
            out.append(i)
            i = text.find(w, j)
        else:
            i = text.find(w, i + 1)
    return out


def _last_in(sorted_pos: list[int], lo: int, hi: int,
             skip: Callable[[int], bool] | None = None) -> int | None:
    """The last position p with lo < p < hi (and not `skip(p)`) in a sorted list, by bisection."""
    k = bisect_left(sorted_pos, hi) - 1
    while k >= 0 and sorted_pos[k] > lo:
        if skip is None or not skip(sorted_pos[k]):
            return sorted_pos[k]
        k -= 1
    return None


def _full(forms: list[str]) -> list[str]:
    """The multi-word forms of a name (all forms when there is none)."""
    return [f for f in forms if len(f.split()) > 1] or list(forms)


def _phrase(sp: Speaker) -> str:
    """How a claim statement names its speaker: the canonical name for a named one, else the
    first mention as written with its determiner ("la plupart des observateurs", "some experts"),
    since the canonical form drops it ("plupart des observateurs"). A document is named as written
    too: "un communiqué de la CGT", not "CGT", which would make the body speak in person."""
    if not sp.aliases or proper_tokens(sp.name) and sp.kind != SpeakerKind.document:
        return sp.name
    first = sp.aliases[0].strip()
    word = first.split()[0] if first.split() else ""
    if normalise(word) in DETERMINERS or re.match(r"^[LlDd]['’]", first):
        first = first[:1].lower() + first[1:]
    return first


_RELATIVE = re.compile(r"^\s*,\s*(?:(?:qui|who|which)\s+)?", re.I)
_COMPLEMENTISER = {"en": re.compile(r"^that\s+", re.I), "fr": re.compile(r"^(?:que\s+|qu['’])", re.I)}


def _reported(text: str, c: _Cand, q: Quote) -> str | None:
    """An indirect quotation written as `<speaker> <verb> <clause>` ("Poutine a annoncé son
    intention de ...", "the minister didn't say why ..."): everything after the speaker's mention
    as written (auxiliaries, negation, an apposition, the verb, the clause), so the claim reads
    as the article put it. None for other shapes ("selon X", passives, a verb after the clause,
    text between that is not a short run of words) and for pronoun subjects, whose verb may not
    agree with the name put in their place."""
    a = c.attr
    if (a is None or a.kind != "forward" or a.mention is None or a.mention.pronoun is not None
            or q.type == QuoteType.direct or not a.mention.end <= a.cue_start
            or not a.cue_end <= q.start or a.cue.lower().endswith(("ing", "ant"))):  # fmt: skip
        return None  # (a participle, "X declined to comment, saying ...", has no subject to restate)
    between, gap = text[a.mention.end : a.cue_start], text[a.cue_end : q.start]
    if len(between) > 80 or len(gap) > 40 or any(ch in between + gap for ch in "\n.;:!?«»“”\""):
        return None
    rest = " ".join(text[a.mention.end : q.end].split()).rstrip(",")
    if between.count(",") == 1 and between.strip().startswith(","):  # ", a affirmé", ", qui ont déclaré"
        rest = _RELATIVE.sub("", rest, count=1)  # the apposition or relative clause was the mention's
    return rest


def _incise_subject(text: str, c: _Cand, q: Quote, sent_at: _SentenceAt) -> str | None:
    """The subject a reported clause lost to an attribution set in commas inside it: "Une telle
    décision, selon certains observateurs, ne pourrait qu'indiquer ..." gives "Une telle
    décision", so the claim reads "Selon certains observateurs, une telle décision ne pourrait
    ...". None when the attribution is not such an incise."""
    a = c.attr
    if a is None or a.kind != "according" or a.mention is None or q.type == QuoteType.direct:
        return None
    sent = sent_at(a.cue_start)
    if sent is None or not sent.start < a.cue_start < a.mention.end <= q.start:
        return None
    before, after = text[sent.start : a.cue_start], text[a.mention.end : q.start]
    if not before.rstrip().endswith(",") or after.strip() != ",":
        return None
    subject = before.rstrip().rstrip(",").strip()
    if not subject or len(subject) > 80 or any(ch in subject for ch in "\n.;:!?«»“”\""):
        return None
    return subject


def _statement(lang: str, name: str | None, body: str, direct: bool, reported: str | None = None) -> str:
    if name and reported:  # "Vladimir Poutine a annoncé son intention de ..."
        end = "" if re.search(r"[.!?…][\"”»’]?$", reported) else "."
        space = "" if reported.startswith(",") else " "
        return f"{name[:1].upper()}{name[1:]}{space}{reported}{end}"
    body = " ".join(body.split())
    if direct:
        body = body.strip("«»“”\"„ ").rstrip(",")
    if not name:
        return body
    if not direct:  # "Selon X, le budget ...", not "Selon X, que le budget"
        body = _COMPLEMENTISER.get(lang, _COMPLEMENTISER["en"]).sub("", body, count=1) or body
    if not direct and body.split() and normalise(body.split()[0]) in DETERMINERS:
        body = body[:1].lower() + body[1:]  # "Selon X, le président ...", not "Le président"
    if lang == "fr":
        return f"Selon {name} : « {body} »" if direct else f"Selon {name}, {body.rstrip('.')}."
    return f'According to {name}: "{body}"' if direct else f"According to {name}, {body.rstrip('.')}."


def analyse(
    src: SourceText,
    language: str,
    config: Config,
    progress: Callable[[int, int], None] | None = None,
) -> Analysis:
    """Analyse one text with rules; French and English lexicons (others fall back to English)."""
    from ..pipeline import make_document

    text = src.text
    lang = language if language in SUPPORTED else "en"
    lex, hedge_lex, scorer = _tools(lang)
    if progress:
        progress(0, 1)
    paras = paragraphs(text)
    sents = sentences(text, paras)
    marked = find_marked(text, paras, sents)
    attrs: list[Attr] = []
    spans = _Spans(marked)
    for k, s in enumerate(sents):
        prev_start = sents[k - 1].start if k and sents[k - 1].paragraph == s.paragraph else None
        attrs.extend(find_attributions(text, s, spans.meeting(s), lex, prev_start))
    cands = _link(text, marked, attrs, paras)

    stop = {w for w in (*lex.boundary, *lex.strip, *lex.articles, *lex.pronouns, *lex.post_stop)}
    dates = re.compile(f"(?:{lex.mod.MONTHS}|{lex.mod.WEEKDAYS})", re.I)
    rejected: set[str] = set()
    ents, ment = find_entities(text, sents, stop, [(m.start, m.end) for m in marked], dates, rejected)
    resolver = _Resolver(lex, text, EntityIndex(ents, ment, rejected), [s.start for s in sents])
    quotes: list[Quote] = []
    in_cands = {id(c.attr) for c in cands if c.attr is not None}
    events: list[tuple[int, int, object]] = [(c.start, 1, c) for c in cands]
    # a cue with no clause still names the current speaker ("he added."), unless it was a
    # forward verb with a plain object ("Nova Scotia added the drug group"): no speech there
    events += [(a.cue_start, 0, a) for a in attrs
               if id(a) not in in_cands and a.mention is not None and a.clause is None
               and a.kind != "forward"]
    last: tuple[int, str | None] | None = None  # (paragraph, speaker) most recently reporting
    last_at = 0  # where that report ended
    for _pos, _order, ev in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(ev, Attr):
            sid = resolver.resolve(ev.mention)
            if sid is not None:
                last = (_para_of(paras, ev.cue_start), sid)
                last_at = ev.cue_end
            continue
        assert isinstance(ev, _Cand)
        c = ev
        a = c.attr
        sid = resolver.resolve(a.mention, a.kind == "post") if a else resolver.introduced(c.start)
        if sid is None and a is None:
            sid = resolver.narrative_subject(c.start, last_at)
        if (sid is None and last is not None and last[1] is not None and c.para - last[0] <= 2
                and (a is None or a.mention is not None)
                and (a is not None or c.para == last[0]
                     or _continues(text, paras, c, lex, lang, resolver._get(last[1])))):  # fmt: skip
            sid = last[1]  # the same speaker goes on
        qid = f"q{len(quotes) + 1}"
        cue_in = a is not None and text[a.cue_start : a.cue_end] == a.cue
        quotes.append(Quote(
            id=qid, text=text[c.start : c.end], start=c.start, end=c.end, type=c.type, speaker_id=sid,
            mention=a.mention.text if a and a.mention and a.mention.text else None,
            cue=a.cue if cue_in and a else None,
            cue_start=a.cue_start if cue_in and a else None,
            cue_end=a.cue_end if cue_in and a else None,
        ))
        lo, hi = c.start, c.end
        if a is not None and _para_of(paras, a.cue_start) == c.para:
            lo, hi = min(lo, a.cue_start), max(hi, a.cue_end)
            if a.mention is not None and a.mention.text:
                lo, hi = min(lo, a.mention.start), max(hi, a.mention.end)
                hi = max(hi, _role_end(text, a.mention))
        c.claim_start, c.claim_end = lo, hi
        if sid is not None:
            last = (c.para, sid)
            last_at = c.end
    cands = [c for _p, _o, c in sorted(events, key=lambda e: (e[0], e[1])) if isinstance(c, _Cand)]

    merged, mapping = merge_speakers([
        Speaker(id=s.id, name=s.name, kind=s.kind, role=s.role, aliases=s.aliases) for s in resolver.speakers
    ])
    for q in quotes:
        if q.speaker_id is not None:
            q.speaker_id = mapping.get(q.speaker_id, q.speaker_id)
    names = {s.id: _phrase(s) for s in merged}

    claims = _claims(text, lang, sents, cands, quotes, names, marked, hedge_lex, scorer)
    if progress:
        progress(1, 1)
    warnings = [] if language in SUPPORTED else [
        f"the offline analyser has no lexicon for {language!r}; English rules were used"
    ]
    return Analysis(
        document=make_document(src, language),
        speakers=merged,
        quotes=quotes,
        claims=claims,
        engine=Engine(backend="offline", model="offline", heuristic=True),
        usage=Usage(requests=0, chunks=1),
        warnings=warnings,
    )


def _role_end(text: str, mention: Mention) -> int:
    """End of the apposition right after a mention ("Rajan Menon, directeur du ..."), so that a
    long role counts as attribution, not as a sentence of the article's own voice; else 0."""
    if not mention.role:
        return 0
    at = text.find(mention.role, mention.end, mention.end + len(mention.role) + 4)
    return at + len(mention.role) if at >= 0 else 0


def _claims(text: str, lang: str, sents: list[Sentence], cands: list[_Cand], quotes: list[Quote],
            names: dict[str, str], marked: list[Marked], hedge_lex: HedgeLexicon,
            scorer: Scorer) -> list[Claim]:
    """One claim per quote and per assertive sentence not mostly covered by quotes, with cues."""
    spans: list[tuple[int, int, Quote | None]] = [
        (c.claim_start, c.claim_end, q) for c, q in zip(cands, quotes, strict=False)
    ]
    reported = {q.id: _reported(text, c, q) for c, q in zip(cands, quotes, strict=False)}
    sentence_at = _SentenceAt(sents)
    subjects = {q.id: _incise_subject(text, c, q, sentence_at) for c, q in zip(cands, quotes, strict=False)}
    quoted = _SpanIndex(spans[: len(quotes)])
    for s in sents:
        covered = sum(max(0, min(s.end, e) - max(s.start, b))
                      for b, e, _ in (spans[i] for i in quoted.meeting(s.start, s.end)))
        body = text[s.start : s.end]
        if covered >= 0.5 * (s.end - s.start) or body.rstrip().endswith("?") or len(body.split()) < 4:
            continue
        spans.append((s.start, s.end, None))
    index = _SpanIndex(spans)
    sent_at = _SentenceAt(sents)
    cues = hedge_lex.find(text)
    assigned: dict[int, list[FoundCue]] = {}
    for cue in cues:
        inside = [i for i in index.meeting(cue.start, cue.end)
                  if spans[i][0] <= cue.start and cue.end <= spans[i][1]]
        if not inside:
            sent = sent_at(cue.start)
            if sent is None:
                continue
            inside = [i for i in index.meeting(sent.start, sent.end)
                      if spans[i][0] < sent.end and sent.start < spans[i][1]]
            if not inside:
                spans.append((sent.start, sent.end, None))
                index.add(sent.start, sent.end)
                inside = [len(spans) - 1]
        best = min(inside, key=lambda i: spans[i][1] - spans[i][0])
        assigned.setdefault(best, []).append(cue)
    within = _Within(marked)
    claims: list[Claim] = []
    for i, (b, e, q) in enumerate(spans):
        found = assigned.get(i, [])
        hedges = [_cue(text, f, within) for f in found if not f.booster]
        boosters = [_cue(text, f, within) for f in found if f.booster]
        source = text[q.start : q.end] if q is not None else text[b:e]
        score, reason, kind = scorer.score(source)
        name = names.get(q.speaker_id) if q is not None and q.speaker_id else None
        subject = subjects.get(q.id) if q is not None else None
        statement = _statement(lang, name, f"{subject} {source}" if subject else source,
                               q is not None and q.type == QuoteType.direct, reported.get(q.id) if q is not None else None)
        claims.append(Claim(
            id=f"c{i + 1}", statement=statement, start=b, end=e,
            quote_id=q.id if q is not None else None,
            speaker_id=q.speaker_id if q is not None else None,
            checkworthiness=score, checkworthiness_reason=reason, kind=kind,
            hedging=Hedging(level=level([h.kind for h in hedges]), cues=hedges, boosters=boosters),
        ))
    claims.sort(key=lambda c: (c.start, c.end))
    for n, c in enumerate(claims, 1):
        c.id = f"c{n}"
    return claims


class _SpanIndex:
    """Claim spans (start, end) by start, for 'which spans can meet [lo, hi)?' without a scan
    of all: a span meeting it starts before `hi` and less than the longest span before `lo`."""

    def __init__(self, spans: list[tuple[int, int, Quote | None]]) -> None:
        order = sorted(range(len(spans)), key=lambda i: spans[i][0])
        self.starts = [spans[i][0] for i in order]
        self.ids = order
        self.longest = max([0, *(e - b for b, e, _ in spans)])

    def add(self, start: int, end: int) -> None:
        """Index the span appended last (its id is the next one)."""
        k = bisect_right(self.starts, start)
        self.starts.insert(k, start)
        self.ids.insert(k, len(self.ids))
        self.longest = max(self.longest, end - start)

    def meeting(self, lo: int, hi: int) -> list[int]:
        """Ids (ascending) of every span that may overlap or contain [lo, hi) (a superset)."""
        a = bisect_left(self.starts, lo - self.longest)
        b = bisect_right(self.starts, max(lo, hi))
        return sorted(self.ids[a:b])


class _SentenceAt:
    """The sentence holding a position (sentences are in order and do not overlap)."""

    def __init__(self, sents: list[Sentence]) -> None:
        self.sents = sents
        self.starts = [s.start for s in sents]

    def __call__(self, pos: int) -> Sentence | None:
        k = bisect_right(self.starts, pos) - 1
        return self.sents[k] if k >= 0 and pos < self.sents[k].end else None


class _Within:
    """Is a span inside some quotation span? Starts sorted with the running maximum of ends."""

    def __init__(self, marked: list[Marked]) -> None:
        ms = sorted(marked, key=lambda m: m.start)
        self.starts = [m.start for m in ms]
        self.reach: list[int] = []
        for m in ms:
            self.reach.append(max(m.end, self.reach[-1]) if self.reach else m.end)

    def __call__(self, start: int, end: int) -> bool:
        k = bisect_right(self.starts, start)
        return k > 0 and self.reach[k - 1] >= end


def _cue(text: str, f: FoundCue, within: _Within) -> Cue:
    inside = within(f.start, f.end)
    return Cue(text=text[f.start : f.end], start=f.start, end=f.end,
               voice=Voice.speaker if inside else Voice.author, kind=f.kind)
