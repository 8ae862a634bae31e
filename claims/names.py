"""Speaker names: normalisation, alias matching and merging, shared by the offline and LLM paths.

Rules, not lists: two mentions are one entity when their normalised forms are equal, when one is
the surname (last name token) of the other, when their surnames differ by a small edit distance
(transliteration variants such as Loukachenko / Loukachenka), or when an unnamed role phrase
("un ancien général américain") shares its head noun with the role of exactly one named person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from .schemas import Speaker, SpeakerKind

_PUNCT = re.compile(r"[^\w\s-]+", re.UNICODE)
_SPACE = re.compile(r"\s+")
_PAREN = re.compile(r"\([^)]*\)")

# Leading words that do not identify anyone: determiners and honorifics (fr + en).
DETERMINERS = frozenset(
    """
    the a an this that these those his her their its our my some several many most certain
    le la les l un une des du de d ce cet cette ces son sa ses leur leurs notre nos certains
    certaines plusieurs plupart
    """.split()
)
HONORIFICS = frozenset(
    """
    mr mrs ms miss dr prof sir dame lord lady rev hon mx
    m mme mmes mlle mr me pr
    """.split()
)
# Articles dropped from a nameless canonical form; quantifiers ("certains", "some") are kept.
_ARTICLES = frozenset("the a an le la les un une".split())
# Capitalised titles that precede a personal name ("Prime Minister X", "CEO X", "Gen. X").
TITLES = frozenset(
    """
    president prime minister premier ceo cfo coo cto chief director senator sen rep representative
    gov governor mayor judge justice general gen professor prof dr doctor coach chairman chairwoman
    chair secretary commissioner officer sergeant sgt captain capt lieutenant lt inspector constable
    superintendent supt chancellor king queen prince princess pope bishop rev reverend father
    councillor councilor alderman mp mla mpp leader spokesperson spokesman spokeswoman founder
    executive attorney lawyer dean manager commander colonel col admiral adm deputy vice ambassador
    sheriff chairperson trustee cardinal rabbi imam sultan emperor minister's
    president presidente ministre general generale directeur directrice maire juge senateur depute
    deputee porte-parole professeur docteur chef secretaire ambassadeur ambassadrice conseiller
    conseillere commissaire lieutenant colonel capitaine monseigneur pape roi reine prince princesse
    """.split()
)
# Words that never form part of a surname: they head role phrases.
_PARTICLES = frozenset("de du des la le van von der den di da al el bin ibn st saint".split())


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """Case, accents, apostrophes and punctuation folded; whitespace collapsed."""
    s = strip_accents(name).lower().replace("’", "'").replace("'s ", " ")
    s = s.replace("'", " ")
    s = _PUNCT.sub(" ", s)
    return _SPACE.sub(" ", s).strip(" -")


def core(name: str) -> str:
    """The normalised name without a parenthetical, leading determiners and honorifics."""
    words = normalise(_PAREN.sub(" ", name)).split()
    while len(words) > 1 and (words[0] in _ARTICLES or words[0] in HONORIFICS or words[0] in "ld"):
        words = words[1:]
    return " ".join(words)


def is_proper(name: str) -> bool:
    """Does the surface form contain a capitalised word after its first word (or start with one
    that is not a determiner)? A rough test for "this names someone"."""
    words = re.findall(r"[^\W\d_][\w'’.-]*", name)
    for i, w in enumerate(words):
        if w[0].isupper() and (i > 0 or normalise(w) not in DETERMINERS | HONORIFICS):
            return True
    return False


def proper_tokens(name: str) -> list[str]:
    """The personal-name part of a mention (see _proper_tokens); a fresh list, memoised."""
    return list(_proper_tokens(name))


@lru_cache(maxsize=65536)
def _proper_tokens(name: str) -> tuple[str, ...]:
    """The personal-name part of a mention: the longest run of capitalised words (the last one on
    a tie), titles before it dropped ("le général Ben Hodges", "Sen. Richard Shelby of Alabama")."""
    words = re.findall(r"[^\W\d_][\w'’.-]*", name)
    runs: list[list[str]] = []
    run: list[str] = []
    titled: list[str] | None = None  # the run right after a lowercase title ("president X")
    prev = ""
    for w in words:
        if not run and w[0].isupper() and prev[:1].islower() and normalise(prev) in TITLES:
            titled = run
        prev = w
        possessive = w.endswith(("'s", "’s"))
        if w[0].isupper() and normalise(w) not in DETERMINERS and not possessive:
            run.append(w)
        elif run and normalise(w) in _PARTICLES:
            run.append(w)
        else:
            if run:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    best: list[str] = []
    for r in runs:
        while r and normalise(r[-1]) in _PARTICLES:
            r.pop()
        # drop titles and anything before the last one: "Rentals.ca CEO Matt Danison"
        cut = max((i + 1 for i, w in enumerate(r) if normalise(w) in TITLES | HONORIFICS), default=0)
        if cut < len(r):
            r = r[cut:]
        if r and len(r) >= len(best):
            best = r
    if titled:  # "Cloverdale Minor Hockey Association president Marty Jones"
        return tuple(titled)
    return tuple(best)


def surname(name: str) -> str:
    """Normalised last name token of the proper-name part ("" when there is none)."""
    toks = proper_tokens(name)
    return normalise(toks[-1]) if toks else ""


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def variant(a: str, b: str) -> bool:
    """Spelling variants of one name: same first letter, long enough, a few edits apart
    (one edit from 6 letters, two from 10), so short different names never collapse."""
    if a == b:
        return True
    n = min(len(a), len(b))
    if n < 6 or a[0] != b[0]:
        return False
    allowed = 1 if n < 10 else 2
    return edit_distance(a, b, allowed) <= allowed


@lru_cache(maxsize=1 << 18)
def same_entity(a: str, b: str) -> bool:
    """Do two surface forms name the same entity (full name, surname, spelling variant)?"""
    ca, cb = core(a), core(b)
    if not ca or not cb:
        return False
    if ca == cb:
        return True
    ta, tb = proper_tokens(a), proper_tokens(b)
    if not ta or not tb:
        return False
    na, nb = [normalise(t) for t in ta], [normalise(t) for t in tb]
    if len(na) == 1 and len(nb) > 1 and na[0] == nb[0] or len(nb) == 1 and len(na) > 1 and nb[0] == na[0]:
        return len(na[0]) > 3  # a person called by the first name ("Mahathir")
    if not variant(na[-1], nb[-1]):
        return False
    # surnames agree: given names must not contradict ("Ben Hodges" vs "Ann Hodges")
    if len(na) > 1 and len(nb) > 1:
        return variant(na[0], nb[0]) or na[0][0] == nb[0][0] and (len(na[0]) <= 2 or len(nb[0]) <= 2)
    return True


@lru_cache(maxsize=1 << 16)
def match_keys(name: str, query: bool = False) -> frozenset[str]:
    """Keys for looking up candidates instead of comparing every pair: when same_entity(a, b),
    match_keys(a, query=True) and match_keys(b) share one. The core form; the first name (a lone
    token meets the first token of a longer name: "f1"/"fn" swap sides in a query); the surname
    (as written when short, else by its deletion neighbourhood: variant() allows one or two edits)."""
    keys = set()
    c = core(name)
    if c:
        keys.add("c:" + c)
    toks = proper_tokens(name)
    if toks:
        first, last = normalise(toks[0]), normalise(toks[-1])
        keys.add(("f1:" if (len(toks) == 1) != query else "fn:") + first)
        if len(last) < 6:
            keys.add("s:" + last)
        else:
            keys.update("v:" + d for d in _deletions(last, 2 if len(last) >= 10 else 1))
    return frozenset(keys)


def _deletions(word: str, radius: int) -> set[str]:
    """The word with up to `radius` characters deleted: two words within that many edits share
    one (a substitution deletes the same position from both, an insertion from the longer)."""
    out = {word}
    for _ in range(radius):
        out |= {w[:i] + w[i + 1 :] for w in out for i in range(len(w))}
    return out


def head_noun(phrase: str) -> str:
    """First content word of a lowercase role phrase ("un ancien général américain" -> "general")."""
    skip = DETERMINERS | {"ancien", "ancienne", "former", "ex", "top", "senior", "haut", "haute"}
    for w in normalise(phrase).split():
        if w not in skip and len(w) > 2:
            return w
    return ""


_RANK = {
    SpeakerKind.person: 5,
    SpeakerKind.organisation: 4,
    SpeakerKind.document: 3,
    SpeakerKind.group: 2,
    SpeakerKind.unnamed: 1,
    SpeakerKind.author: 0,
}


def canonical_name(forms: Iterable[str]) -> str:
    """The most informative form: most proper-name tokens, then longest; determiners dropped."""
    forms = [f for f in forms if f.strip()]
    if not forms:
        return ""
    named = [f for f in forms if proper_tokens(f)]
    if named:
        best = max(named, key=lambda f: (len(proper_tokens(f)), len(f)))
        return " ".join(proper_tokens(best))
    best = max(forms, key=len)
    words = best.split()
    while len(words) > 1 and normalise(words[0]) in _ARTICLES:
        words = words[1:]
    out = " ".join(words)
    return re.sub(r"^(?:l|d)['’]", "", out, flags=re.I) or out


_ORG_JOIN = frozenset("of on for the de du des la le l d".split())


def organisation_name(forms: Iterable[str], name: str) -> str:
    """An organisation keeps its full name with inner 'of/de' ("Parole Board of Canada",
    "National Institute on Drug Abuse") where the personal-name rule would cut it, provided
    that run contains the name already chosen (a person's name is never swapped for an org)."""
    best = name
    for f in forms:
        run: list[str] = []
        runs: list[list[str]] = []
        for token in f.split():
            w = token.strip("\"“”«»()[],;:!?")
            if w and (w[0].isupper() and normalise(w) not in _ARTICLES or run and normalise(w) in _ORG_JOIN):
                run.append(w)
            else:
                runs.append(run)
                run = []
            if w != token.strip("\"“”«»()[]"):  # punctuation after the word ends the run
                runs.append(run)
                run = []
        runs.append(run)
        for r in runs:
            while r and normalise(r[-1]) in _ORG_JOIN:
                r.pop()
            text = " ".join(r).removesuffix("’s").removesuffix("'s")
            if len(r) > len(best.split()) and name and normalise(name) in normalise(text):
                best = text
    return best


def _forms(s: Speaker) -> list[str]:
    return [s.name, *s.aliases]


def _linked(a: Speaker, b: Speaker) -> bool:
    if SpeakerKind.author in (a.kind, b.kind) and a.kind != b.kind:
        return False
    full_a = [f for f in _forms(a) if len(proper_tokens(f)) > 1]
    full_b = [f for f in _forms(b) if len(proper_tokens(f)) > 1]
    if full_a and full_b and not any(same_entity(x, y) for x in full_a for y in full_b):
        return False  # "Mary Nicholson" and "Trevor Nicholson" share only a surname
    return any(same_entity(x, y) for x in _forms(a) for y in _forms(b))


def merge_speakers(speakers: list[Speaker]) -> tuple[list[Speaker], dict[str, str]]:
    """Merge speakers that name the same entity; return the merged list (first-seen order, ids of
    the first member kept) and a map from every old id to its new id."""
    parent = list(range(len(speakers)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # pairs sharing no match key are never linked: only the others are compared (same order)
    by_key: dict[str, list[int]] = {}
    for i in range(len(speakers)):
        keys = set().union(*(match_keys(f) for f in _forms(speakers[i])))
        asks = set().union(*(match_keys(f, query=True) for f in _forms(speakers[i])))
        for j in sorted({j for k in asks for j in by_key.get(k, ())}):
            if find(i) != find(j) and _linked(speakers[i], speakers[j]):
                parent[find(i)] = find(j)
        for k in keys:
            by_key.setdefault(k, []).append(i)
    _merge_roles(speakers, find, parent)
    groups: dict[int, list[int]] = {}
    for i in range(len(speakers)):
        groups.setdefault(find(i), []).append(i)
    merged: list[Speaker] = []
    mapping: dict[str, str] = {}
    for members in sorted(groups.values(), key=min):
        first = speakers[members[0]]
        forms: list[str] = []
        for m in members:
            for f in _forms(speakers[m]):
                if f and f not in forms:
                    forms.append(f)
        kind = max((speakers[m].kind for m in members), key=lambda k: _RANK[k])
        roles = [speakers[m].role for m in members if speakers[m].role]
        role = max(roles, key=lambda r: len(r or "")) if roles else None
        name = canonical_name(forms) if kind != SpeakerKind.author else first.name
        if kind == SpeakerKind.organisation:
            name = organisation_name(forms, name)
        merged.append(Speaker(id=first.id, name=name, kind=kind, role=role, aliases=forms))
        for m in members:
            mapping[speakers[m].id] = first.id
    return merged, mapping


def _merge_roles(speakers: list[Speaker], find, parent: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Attach a nameless person ("un ancien général américain") to the one named person whose
    role or aliases share its head noun; ambiguous or absent matches are left alone."""
    named = [i for i, s in enumerate(speakers) if s.kind == SpeakerKind.person and proper_tokens(s.name)]
    by_word: dict[str, set[int]] = {}  # word of a named person's forms or role -> that person
    for j in named:
        for f in [*(_forms(speakers[j])), speakers[j].role or ""]:
            for w in normalise(f).split():
                by_word.setdefault(w, set()).add(j)
    for i, s in enumerate(speakers):
        if s.kind != SpeakerKind.person or any(proper_tokens(f) for f in _forms(s)):
            continue
        head = head_noun(s.name)
        if not head:
            continue
        hits = {find(j) for j in by_word.get(head, ())}
        if len(hits) == 1:
            parent[find(i)] = hits.pop()
