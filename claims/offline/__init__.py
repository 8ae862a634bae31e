"""The offline analyser: rules and lexicons, no LLM, no network, no model download.

Pipeline: paragraphs and sentences → quotation-mark spans → reporting cues with speaker phrases
and reported clauses → quotes (direct, indirect, mixed; continuation quotes inherit the previous
speaker) → speakers (pronouns resolved to the most recent compatible speaker, aliases merged by
claims.names) → claims (one per quote and per remaining assertive sentence) with hedge cues,
boosters and check-worthiness.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from ..config import Config
from ..document import SourceText
from ..names import DETERMINERS, head_noun, merge_speakers, normalise, proper_tokens, same_entity
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
    for p in paras:
        if p.start <= pos < p.end:
            return p.index
    return paras[-1].index if paras else 0


def _covers(outer: tuple[int, int], m: Marked, slack: int = 2) -> bool:
    return m.start >= outer[0] - slack and m.end <= outer[1] + slack


def _link(text: str, marked: list[Marked], attrs: list[Attr], paras: list[Paragraph]) -> list[_Cand]:
    """Turn quotation spans and attributions into quote candidates (one per reported unit)."""
    cands: list[_Cand] = []
    linked: set[int] = set()
    absorbed: set[int] = set()
    for a in sorted(attrs, key=lambda a: a.cue_start):
        if a.kind == "pending":
            nxt = next((i for i, m in enumerate(marked) if m.start > a.cue_end and i not in linked
                        and _para_of(paras, m.start) - _para_of(paras, a.cue_start) <= 1), None)
            if nxt is not None:
                m = marked[nxt]
                linked.add(nxt)
                cands.append(_Cand(m.start, m.end, QuoteType.direct, a, _para_of(paras, m.start)))
            continue
        if a.clause is None:
            continue
        cs, ce = a.clause
        hit = None
        for i, m in enumerate(marked):
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
        for i, m in enumerate(marked):
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


def _dedupe(cands: list[_Cand]) -> list[_Cand]:
    """Drop a candidate that mostly repeats a better one (attributed before unattributed)."""
    order = sorted(cands, key=lambda c: (c.attr is None, c.type != QuoteType.direct, c.start))
    kept: list[_Cand] = []
    for c in order:
        clash = False
        for k in kept:
            ov = min(c.end, k.end) - max(c.start, k.start)
            if ov > 0.5 * min(c.end - c.start, k.end - k.start):
                clash = True
                break
        if not clash:
            kept.append(c)
    kept.sort(key=lambda c: c.start)
    return kept


# Definite heads that name a source kept anonymous, never a person named earlier.
_UNRESOLVED_HEADS = {"person", "people", "source", "sources", "official", "officials", "witness",
                     "witnesses", "spokesperson", "spokesman", "spokeswoman", "personne",
                     "responsable", "responsables", "porte-parole", "temoin"}
_NON_SUBJECT = 400  # characters of recency a non-subject mention gives up
_UNKNOWN_GENDER = 200  # and one whose gender is unknown when the pronoun's is known
_CUE_BONUS = 150  # a speaker's own reporting cue is more salient than a narrative mention
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
        self._subj: dict[str, list[int]] = {}  # where each speaker was the subject of a cue

    def _get(self, sid: str) -> _Spk:
        return next(s for s in self.speakers if s.id == sid)

    def _occurrences(self, sp: _Spk) -> list[int]:
        """Where the speaker's surname (or whole name) occurs in the text."""
        key = sp.id + "|" + "|".join(sp.aliases)
        if key not in self._occ:
            words = {proper_tokens(a)[-1] for a in sp.aliases if proper_tokens(a)}
            if not words:
                words = set(sp.aliases)
            pos: list[int] = []
            for w in words:
                pos.extend(m.start() for m in re.finditer(r"(?<!\w)" + re.escape(w) + r"(?!\w)", self.text))
            self._occ[key] = sorted(pos)
        return self._occ[key]

    def _gender(self, sp: _Spk) -> str | None:
        if sp.gender is not None or sp.kind != SpeakerKind.person:
            return sp.gender
        return pronoun_gender(self.text, self._occurrences(sp))

    def _new(self, m: Mention, kind: str) -> _Spk:
        first = normalise(m.text).split()[:1]
        gender = None
        if first and first[0] in ("la", "une", "mrs", "ms", "miss", "mme", "madame"):
            gender = "f"
        elif first and first[0] in ("le", "un", "mr", "m", "monsieur"):
            gender = "m"
        sp = _Spk(f"s{len(self.speakers) + 1}", m.text, SpeakerKind(kind), m.role, [m.text], gender)
        self.speakers.append(sp)
        return sp

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
        for sp in reversed(self.speakers):
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
        for sp in reversed(self.speakers):
            full = [a for a in sp.aliases if len(proper_tokens(a)) > 1] or sp.aliases
            # every full name must agree: "Mary Nicholson" is not "Trevor Nicholson"
            if any(all(same_entity(f, a) for a in full) for f in _full(ent.forms)):
                self.history.append(sp.id)
                return sp.id
        kind = "person" if ent.kind in ("person", "unknown") else "organisation"
        m = Mention(ent.name, ent.starts[0], ent.starts[0] + len(ent.name))
        sp = self._new(m, kind)
        sp.aliases = _full(ent.forms)  # a bare surname would merge namesakes later
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
        for sp in self.speakers:
            if not self._compatible(sp, "sg", gender):
                continue
            g = self._gender(sp)
            scores = [o + _CUE_BONUS - penalty(True, g) for o in self._subj.get(sp.id, [])
                      if pos - 1500 < o < floor]
            occ = [o for o in self._occurrences(sp) if pos - 1500 < o < floor and not ents.quoted(o)]
            if occ:
                scores.append(occ[-1] - penalty(ents.subject(occ[-1]), g))
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
        for sp in self.speakers:
            if not self._compatible(sp, number, gender):
                continue
            before = [o for o in self._occurrences(sp) if pos - 1500 < o < pos]
            if before and before[-1] > best_pos:
                best, best_pos = sp.id, before[-1]
        ent = self._entity_before(pos, number, gender)
        if ent is not None and ent[0] > best_pos:
            return self._speaker_for(ent[1])
        if best is not None:
            return best
        for sid in reversed(self.history[-12:]):
            if self._compatible(self._get(sid), number, gender):
                return sid
        return None


def _full(forms: list[str]) -> list[str]:
    """The multi-word forms of a name (all forms when there is none)."""
    return [f for f in forms if len(f.split()) > 1] or list(forms)


def _phrase(sp: Speaker) -> str:
    """How a claim statement names its speaker: the canonical name for a named one, else the
    first mention as written with its determiner ("la plupart des observateurs", "some experts"),
    since the canonical form drops it ("plupart des observateurs")."""
    if proper_tokens(sp.name) or not sp.aliases:
        return sp.name
    first = sp.aliases[0].strip()
    word = first.split()[0] if first.split() else ""
    if normalise(word) in DETERMINERS or re.match(r"^[LlDd]['’]", first):
        first = first[:1].lower() + first[1:]
    return first


def _statement(lang: str, name: str | None, body: str, direct: bool) -> str:
    body = " ".join(body.split())
    if direct:
        body = body.strip("«»“”\"„ ").rstrip(",")
    if not name:
        return body
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
    for k, s in enumerate(sents):
        prev_start = sents[k - 1].start if k and sents[k - 1].paragraph == s.paragraph else None
        attrs.extend(find_attributions(text, s, marked, lex, prev_start))
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
        if sid is None and last is not None and c.para - last[0] <= 2 and (a is None or a.mention is not None):
            sid = last[1]
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


def _claims(text: str, lang: str, sents: list[Sentence], cands: list[_Cand], quotes: list[Quote],
            names: dict[str, str], marked: list[Marked], hedge_lex: HedgeLexicon,
            scorer: Scorer) -> list[Claim]:
    """One claim per quote and per assertive sentence not mostly covered by quotes, with cues."""
    spans: list[tuple[int, int, Quote | None]] = [
        (c.claim_start, c.claim_end, q) for c, q in zip(cands, quotes, strict=False)
    ]
    for s in sents:
        covered = sum(max(0, min(s.end, e) - max(s.start, b)) for b, e, _ in spans[: len(quotes)])
        body = text[s.start : s.end]
        if covered >= 0.5 * (s.end - s.start) or body.rstrip().endswith("?") or len(body.split()) < 4:
            continue
        spans.append((s.start, s.end, None))
    cues = hedge_lex.find(text)
    assigned: dict[int, list[FoundCue]] = {}
    for cue in cues:
        inside = [i for i, (b, e, _) in enumerate(spans) if b <= cue.start and cue.end <= e]
        if not inside:
            sent = next((s for s in sents if s.start <= cue.start < s.end), None)
            if sent is None:
                continue
            inside = [i for i, (b, e, _) in enumerate(spans) if b < sent.end and sent.start < e]
            if not inside:
                spans.append((sent.start, sent.end, None))
                inside = [len(spans) - 1]
        best = min(inside, key=lambda i: spans[i][1] - spans[i][0])
        assigned.setdefault(best, []).append(cue)
    claims: list[Claim] = []
    for i, (b, e, q) in enumerate(spans):
        found = assigned.get(i, [])
        hedges = [_cue(text, f, marked) for f in found if not f.booster]
        boosters = [_cue(text, f, marked) for f in found if f.booster]
        source = text[q.start : q.end] if q is not None else text[b:e]
        score, reason, kind = scorer.score(source)
        name = names.get(q.speaker_id) if q is not None and q.speaker_id else None
        statement = _statement(lang, name, source, q is not None and q.type == QuoteType.direct)
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


def _cue(text: str, f: FoundCue, marked: list[Marked]) -> Cue:
    inside = any(m.start <= f.start and f.end <= m.end for m in marked)
    return Cue(text=text[f.start : f.end], start=f.start, end=f.end,
               voice=Voice.speaker if inside else Voice.author, kind=f.kind)
