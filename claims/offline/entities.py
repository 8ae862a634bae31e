"""Discourse entities from narrative text: capitalised name runs, typed by cues, grouped by alias.

A light named-entity finder so that pronouns and definite descriptions can resolve to people and
organisations the article mentions outside attributions ("Tim Guest with the Health Authority
says ... But he says"). Cues, not lists of names: titles and honorifics before a name (person,
gender from Mr./Mrs./M./Mme), organisation suffixes and acronyms, locative prepositions (places),
and the pronouns that follow a name's mentions (gender).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from ..names import DETERMINERS, HONORIFICS, TITLES, normalise, proper_tokens, same_entity
from ..segment import Sentence

_WORD = re.compile(r"[^\W\d_][\w’'-]*\.?")
_CONNECT = {"of", "on", "for", "de", "du", "des", "la", "le", "l", "d", "and", "et"}
_LOCATIVE = {"in", "at", "across", "near", "into", "throughout", "en", "dans", "vers"}
_MALE = {"mr", "m", "monsieur", "sir", "lord", "king", "prince", "father", "roi"}
_FEMALE = {"mrs", "ms", "miss", "mme", "madame", "mlle", "mademoiselle", "dame", "lady",
           "queen", "princess", "reine", "princesse"}
# Organisation cues inside a name (English and French), on top of the lexicon's ORG_HEADS.
_ORG_WORDS = set("""
inc inc. corp corp. co co. ltd ltd. llc plc gmbh sa group department ministry university party
association authority board agency commission council institute society union bank foundation
hospital school college court police service services office committee federation league club
company corporation network news press times post herald journal tribune agence ministere
universite parti syndicat conseil commission tribunal assemblee banque fondation societe diocese
church academy centre center airlines airways motors team fund trust lab labs city town
municipality township village county ville commune region
""".split())


@dataclass
class EntMention:
    """One occurrence of a name in the text."""

    start: int
    end: int
    text: str
    entity: int
    first: bool = False  # the first name of its sentence
    subject: bool = False  # first, and near the sentence start or after an opening phrase
    quoted: bool = False  # inside quotation marks


@dataclass
class Entity:
    """A discourse entity: its surface forms, kind cues and (when known) gender."""

    id: int
    forms: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    org: int = 0
    person: int = 0
    place: int = 0
    gender: str | None = None

    @property
    def name(self) -> str:
        """Longest full form: most name tokens, then longest text."""
        return max(self.forms, key=lambda f: (len(f.split()), len(f)))

    @property
    def kind(self) -> str:
        if self.org > 0 and self.org >= self.person:
            return "organisation"
        if self.person > 0:
            return "person"
        if self.place * 2 >= len(self.starts) or self.gender is None and self.place * 4 >= len(self.starts):
            return "place"  # "in Nova Scotia": people are seldom somewhere's object
        return "unknown"


def _is_cap(w: str) -> bool:
    return w[0].isupper()


def _sentence_starts(sents: list[Sentence], text: str) -> set[int]:
    """Positions of the first word of every sentence (where capitals say nothing)."""
    out: set[int] = set()
    for s in sents:
        m = _WORD.search(text, s.start, s.end)
        if m is not None:
            out.add(m.start())
        # a quotation opening mid-sentence also starts with a capital
    for m in re.finditer(r"[«“\"]\s*([^\W\d_])", text):
        out.add(m.start(1))
    return out


def find_entities(text: str, sents: list[Sentence], stop: set[str],
                  quoted: list[tuple[int, int]] | None = None, dates: re.Pattern[str] | None = None,
                  rejected: set[str] | None = None) -> tuple[list[Entity], list[EntMention]]:
    """Entities and their mentions in text order. `stop` holds lowercase function words of the
    language (a capitalised one only starts a sentence); `quoted` the quotation spans; `dates`
    matches month and weekday names (never entities). Single words dropped because they only
    open sentences are added to `rejected`."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    word_starts = [w[0] for w in words]
    starts = _sentence_starts(sents, text)
    lower_seen = {normalise(w) for _s, _e, w in words if w[0].islower()}
    cap_inside = {normalise(w) for s, _e, w in words if w[0].isupper() and s not in starts}
    runs: list[tuple[int, int, int]] = []  # (first word index, last word index + 1, role start)
    i = 0
    n = len(words)
    while i < n:
        s, e, w = words[i]
        if not _is_cap(w):
            i += 1
            continue
        j = i + 1
        while j < n:
            gap = text[words[j - 1][1] : words[j][0]]
            if gap not in (" ", "\u00a0") and not (gap == "" and words[j - 1][2].endswith(".")):
                break
            wj = words[j][2]
            prev = words[j - 1][2]
            if prev.endswith(("’s", "'s")):
                break  # "The CBC's Richard Cuthbertson": the owner is a name of its own
            if prev.endswith(".") and len(prev) > 2 and normalise(prev) not in HONORIFICS | TITLES:
                break  # "Canadians. But": a full stop, not an abbreviation
            if _is_cap(wj):
                if normalise(prev).rstrip(".") in _ORG_WORDS and j - i > 1 and \
                        normalise(wj) not in _ORG_WORDS:
                    break  # "The Canadian Press Patrick Bardos": a credit before a name
                j += 1
                continue
            # "of", "on", "and" join only inside an organisation's name ("Parole Board of
            # Canada"), never a person to a place or two people ("Logan Couture and Melker Karlsson")
            inside_org = any(normalise(w[2]).rstrip(".") in _ORG_WORDS for w in words[i:j])
            if inside_org and normalise(wj) in _CONNECT and j + 1 < n and \
                    _is_cap(words[j + 1][2]) and text[words[j][1] : words[j + 1][0]] == " ":
                j += 2
                continue
            break
        runs.append((i, j, i))
        i = j
    entities: list[Entity] = []
    mentions: list[EntMention] = []
    by_key: dict[str, list[int]] = {}
    for a, b, _r in runs:
        toks = words[a:b]
        gender: str | None = None
        person = 0
        roles: list[str] = []
        # leading function words and titles/honorifics
        while toks:
            low = normalise(toks[0][2])
            if low in stop or low in DETERMINERS or low.split()[0] in stop:
                toks = toks[1:]
                continue
            if low in HONORIFICS or low in TITLES or low.rstrip(".") in TITLES:
                person += 1
                roles.append(toks[0][2])
                if low in _MALE:
                    gender = "m"
                elif low in _FEMALE:
                    gender = "f"
                toks = toks[1:]
                continue
            break
        # a title inside the run ("Assistant Commissioner Eric Stubbs", "Hereditary Chief X"):
        # what precedes the last title is the role, unless the run names an organisation
        low_run = [normalise(t[2]).rstrip(".") for t in toks]
        cut = max((k for k, w in enumerate(low_run[:-1]) if w in TITLES), default=-1)
        if cut >= 0 and not any(w in _ORG_WORDS for w in low_run):
            person += 1
            roles.append(" ".join(t[2] for t in toks[: cut + 1]))
            toks = toks[cut + 1 :]
        while toks and normalise(toks[-1][2]) in _CONNECT:
            toks = toks[:-1]
        if not toks:
            continue
        # a lowercase title right before the run: "coach Stephen Gillis", "le maire X"
        if a > 0 and not roles:
            prev = words[a - 1][2]
            if prev[0].islower() and normalise(prev) in TITLES and text[words[a - 1][1] : toks[0][0]] == " ":
                person += 1
                roles.append(prev)
        if toks[0][0] in starts and not roles and normalise(toks[0][2]) not in cap_inside and (
                len(toks) == 1 or normalise(toks[0][2]) in lower_seen):
            # "Story continues", "Obviously the ...": a capital that only opens a sentence
            if rejected is not None:
                rejected.add(normalise(toks[0][2]))
            toks = toks[1:]
            if not toks:
                continue
        ts, te = toks[0][0], toks[-1][1]
        surface = text[ts:te].rstrip(".")
        te = ts + len(surface)
        if surface.endswith(("’s", "'s")):
            surface = surface[:-2]
            te -= 2
        if not surface:
            continue
        if dates is not None and not roles and _is_date(dates, surface):
            continue
        if surface.isupper() and len(surface) > 3 and (ts == 0 or text[ts - 1] == "\n") and \
                text[te : te + 2].strip()[:1] in (",", "(", "—", "–", "-"):
            continue  # a dateline: "MILTON, Ont. —", "NEW YORK (AP) —"

        low_words = [normalise(t[2]) for t in toks]
        org = any(w.rstrip(".") in _ORG_WORDS for w in low_words)
        acronym = b - a == 1 and len(surface) > 1 and surface.isupper()
        k = bisect_left(word_starts, ts) - 1  # the word before the name ("In Nova Scotia")
        prev_word = normalise(words[k][2]) if k >= 0 else ""
        if person == 0 and not org and not acronym and not proper_tokens(surface):
            continue
        key = normalise(surface.split()[-1])
        ent_id = None
        for cand in reversed(by_key.get(key, [])):
            forms = entities[cand].forms
            full = [f for f in forms if len(f.split()) > 1] or forms
            # every full form must agree: "Seth Jones" is not "Martin Jones" called "Jones"
            if surface in forms or all(same_entity(surface, f) for f in full[-4:]):
                ent_id = cand
                break
        if ent_id is None:
            ent = Entity(len(entities))
            entities.append(ent)
            ent_id = ent.id
            by_key.setdefault(key, []).append(ent_id)
        ent = entities[ent_id]
        if surface not in ent.forms:
            ent.forms.append(surface)
        ent.roles.extend(roles)
        ent.starts.append(ts)
        ent.person += person
        ent.org += 2 if org else (1 if acronym else 0)
        ent.place += prev_word in _LOCATIVE
        if gender and ent.gender is None:
            ent.gender = gender
        mentions.append(EntMention(ts, te, surface, ent_id))
    _flag(text, mentions, sents, quoted or [])
    subjects: dict[int, list[int]] = {}
    for m in mentions:
        if m.subject:
            subjects.setdefault(m.entity, []).append(m.start)
    for ent in entities:
        if ent.gender is None and ent.kind != "organisation":
            # the pronoun after a subject mention most often stands for it; after an object
            # ("her son Kody"), for someone else
            ent.gender = pronoun_gender(text, subjects.get(ent.id) or ent.starts)
        last = ent.name.split()[-1]
        plural = last.endswith("s") and last[:-1].isupper()  # "Labour MPs"
        if ent.gender is not None and ent.kind == "unknown" and len(ent.name.split()) > 1 \
                and not plural and ent.place == 0:
            ent.person += 1
    _flag_clause_subjects(text, mentions, entities, sents)
    return entities, mentions


def _is_date(dates: re.Pattern[str], surface: str) -> bool:
    """Is the run a month or weekday name, abbreviated or not ("Dec", "Dec.", "Monday")?"""
    return any((m := dates.match(probe)) is not None and m.end() >= len(surface)
               for probe in (surface + " ", surface + ".x"))  # "Dec\.\b" needs a word after


def _flag(text: str, mentions: list[EntMention], sents: list[Sentence],
          quoted: list[tuple[int, int]]) -> None:
    """Mark mentions inside quotations and the first unquoted mention of each sentence (a
    subject when few words or an opening phrase ending in a comma come before it)."""
    starts = [s.start for s in sents]
    qs = sorted(quoted)
    qstarts = [q[0] for q in qs]
    seen: set[int] = set()
    for m in mentions:
        k = bisect_left(qstarts, m.start + 1) - 1
        m.quoted = k >= 0 and qs[k][0] <= m.start < qs[k][1]
        if m.quoted:
            continue
        si = bisect_left(starts, m.start + 1) - 1
        if si not in seen:
            seen.add(si)
            m.first = True
            lead = (text[sents[si].start : m.start] if si >= 0 else "").split()
            while lead and normalise(lead[-1]) in HONORIFICS | TITLES:
                lead.pop()  # "After the vote, Ms. May": the title belongs to the name
            possessive = text[m.end : m.end + 2] in ("’s", "'s")  # "TransLink’s statement"
            m.subject = not possessive and (len(lead) <= 3 or lead[-1].endswith(","))


_SUBORDINATORS = {"when", "as", "after", "while", "because", "since", "before", "until", "and",
                  "but", "though", "although", "quand", "lorsque", "lorsqu", "puis", "mais", "et",
                  "alors", "tandis", "avant", "apres", "comme"}


def _flag_clause_subjects(text: str, mentions: list[EntMention], entities: list[Entity],
                          sents: list[Sentence]) -> None:
    """When a sentence opens with a place or an organisation ("Edmonton responded when Jones
    recorded his goal"), a person right after a subordinator or comma also heads a clause."""
    starts = [s.start for s in sents]
    done: set[int] = set()
    for m in mentions:
        if m.quoted:
            continue
        si = bisect_left(starts, m.start + 1) - 1
        if si in done:
            continue
        ent = entities[m.entity]
        if not (ent.kind == "person" or ent.kind == "unknown" and ent.gender):
            continue
        done.add(si)
        if m.subject:
            continue
        lead = text[starts[si] if si >= 0 else 0 : m.start].split()
        while lead and normalise(lead[-1]) in HONORIFICS | TITLES:
            lead.pop()
        if lead and (normalise(lead[-1]) in _SUBORDINATORS or lead[-1].endswith(",")) and \
                text[m.end : m.end + 2] not in ("’s", "'s"):
            m.subject = True


_GENDERED = re.compile(r"\b(?:(?P<m>he|il)|(?P<f>she|elle))\b", re.I)


_CUE_AFTER = re.compile(r"\s+(?:said|says|told|tells|added|adds|wrote|writes|explained|noted)\b")


def _cue_pronoun(text: str, start: int, end: int) -> bool:
    """Is this pronoun the speaker of a trailing cue (", she says", "a-t-elle")? It stands for
    whoever speaks, not for a name inside the reported words."""
    before = text[max(0, start - 3) : start].rstrip()
    if before.endswith("-") or before.endswith("-t-"):
        return True
    return before[-1:] in (",", "”", "\"", "»") and bool(_CUE_AFTER.match(text, end))


def pronoun_gender(text: str, starts: list[int]) -> str | None:
    """Gender voted by the first subject pronoun after each of the first mentions (same
    paragraph, 160 characters): the nearest he/she most often refers back to the name, where
    possessives (his, her) as often belong to someone else. (Looking further, across paragraphs,
    picked up other people's pronouns and lowered dev-set accuracy.)"""
    he = she = 0
    for p in starts[:20]:
        end = text.find("\n", p, p + 160)  # bounded: one long line made each vote read to its end
        limit = min(p + 160, end if end >= 0 else len(text))
        m = _GENDERED.search(text, p, limit)
        while m is not None and _cue_pronoun(text, m.start(), m.end()):
            m = _GENDERED.search(text, m.end(), limit)
        if m is not None:
            he += m.group("m") is not None
            she += m.group("f") is not None
    if he > she:
        return "m"
    if she > he:
        return "f"
    return None


def personish(m: EntMention, ent: Entity) -> bool:
    """Can he/she (or a quotation) belong to this mention's entity? People, and unknown names
    that either showed a gender or are a two-word name heading their sentence ("Dana Whitlock
    toured the streets")."""
    if ent.kind == "person":
        return True
    return ent.kind == "unknown" and (ent.gender is not None or m.subject and len(ent.name.split()) >= 2)


class EntityIndex:
    """Mentions sorted by position, for 'the most recent compatible entity before here'."""

    def __init__(self, entities: list[Entity], mentions: list[EntMention],
                 rejected: set[str] | None = None) -> None:
        self.entities = entities
        self.mentions = mentions
        self.rejected = rejected or set()
        self._pos = [m.start for m in mentions]
        self._at = {m.start: m for m in mentions}
        self._by_form: dict[str, Entity | None] = {}
        self._last_word: dict[str, list[int]] | None = None  # see _ending_with
        self._initials: dict[str, Entity] | None = None  # acronym -> last entity it abbreviates

    def subject(self, pos: int) -> bool:
        """Is the name mention starting at `pos` a sentence subject?"""
        m = self._at.get(pos)
        return m is not None and m.subject

    def quoted(self, pos: int) -> bool:
        m = self._at.get(pos)
        return m is not None and m.quoted

    def expansion(self, name: str) -> Entity | None:
        """The entity an acronym abbreviates ("PBO" -> "Parliamentary Budget Officer"): the
        initials of its capitalised words spell the acronym."""
        toks = proper_tokens(name)
        if len(toks) != 1 or not (2 <= len(toks[0]) <= 6 and toks[0].isupper()):
            return None
        if self._initials is None:  # built once: asking every entity per acronym is quadratic
            self._initials = {}
            for ent in self.entities:
                for f in ent.forms:
                    if len(f.split()) > 1:
                        self._initials["".join(w[0] for w in f.split() if w[0].isupper())] = ent
        return self._initials.get(toks[0])

    def of(self, name: str) -> Entity | None:
        """The entity a speaker name refers to (by alias), or None."""
        if name not in self._by_form:
            key = normalise(name).split()[-1:] if name.strip() else []
            hit = None
            for ent in self._ending_with(key[0]) if key else ():
                if key and any(normalise(f).split()[-1:] == key and same_entity(name, f)
                               for f in ent.forms):
                    hit = ent
                    break
            self._by_form[name] = hit
        return self._by_form[name]

    def _ending_with(self, word: str) -> list[Entity]:
        """Entities (most recent first) with a form whose last normalised word is `word`, from an
        index built once (of() asked every entity for every name: quadratic on long texts)."""
        if self._last_word is None:
            self._last_word = {}
            for k, ent in enumerate(self.entities):
                for f in ent.forms:
                    for w in normalise(f).split()[-1:]:
                        ids = self._last_word.setdefault(w, [])
                        if not ids or ids[-1] != k:
                            ids.append(k)
        return [self.entities[k] for k in reversed(self._last_word.get(word, []))]

    def before(self, pos: int, window: int = 1500) -> list[tuple[EntMention, Entity]]:
        """Mentions ending before `pos` within `window` characters, most recent first."""
        k = bisect_left(self._pos, pos)
        out = []
        while k > 0:
            k -= 1
            m = self.mentions[k]
            if m.start < pos - window:
                break
            if m.end <= pos:
                out.append((m, self.entities[m.entity]))
        return out
