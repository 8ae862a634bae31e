"""Reported speech: reporting cues, the speaker noun phrase at each cue, and the reported clause.

Patterns (per-language lexicons supply the words): "X said (that) CLAUSE", "CLAUSE, X said",
"CLAUSE, said X", "according to X, CLAUSE", "CLAUSE, selon X", "a-t-il ajouté",
"considérée par X comme CLAUSE". Noun phrases are read off the text by scanning tokens up to
punctuation or a clause-boundary word, with appositions ("X, directeur de Y,") taken as roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType

from ..names import TITLES, normalise, proper_tokens
from ..segment import Sentence
from .quotes import Marked

_TOKEN = re.compile(r"[^\W_][\w’'-]*(?:\.[^\W_][\w’'-]*)*\.?|[^\w\s]", re.UNICODE)
_PUNCT_STOP = set(",;:()[]—–\"“”«»!?…")
_CLOSERS = "”\"»"
_PARTICIPLE = re.compile(r"^\w+(?:é|ée|és|ées|ed)$")
_PP_CUT = {"at", "with", "from", "for", "in", "on", "chez", "a", "au", "aupres", "pour", "dans"}
_REACH = 600  # characters a speaker phrase with its apposition may span around a cue
_POSSESSIVES = {"its", "his", "her", "their", "my", "our", "your", "son", "sa", "ses", "leur",
                "leurs", "notre", "nos", "votre", "vos"}
_LEAD_PREP = {"in", "on", "after", "before", "during", "since", "en", "apres", "avant", "lors",
              "depuis", "pendant"}
_SHORT_ABBR = {"mr.", "mrs.", "ms.", "dr.", "st.", "m.", "mme.", "gen.", "lt.", "col.", "sen.",
               "rep.", "gov.", "prof.", "jr.", "sr.", "u.s.", "u.k.", "inc.", "co.", "corp.", "pr."}


@dataclass
class Mention:
    """A speaker as written at a cue: surface text and span, with an apposition role."""

    text: str
    start: int
    end: int
    role: str | None = None
    pronoun: str | None = None  # normalised pronoun when the mention is one


@dataclass
class Attr:
    """One reporting cue with its speaker mention and reported clause (None if there is none)."""

    cue_start: int
    cue_end: int
    cue: str
    mention: Mention | None
    clause: tuple[int, int] | None
    kind: str  # forward, post, according, passive, pending, naming


class Lexicon:
    """Compiled view of a language's lexicon module."""

    def __init__(self, mod: ModuleType) -> None:
        self.mod = mod
        self.verbs = re.compile(mod.REPORT_VERBS)  # case-sensitive: "United States" is no verb
        self.inverted = re.compile(mod.INVERTED_PRONOUN, re.I) if mod.INVERTED_PRONOUN else None
        self.according = re.compile(mod.ACCORDING, re.I)
        named = getattr(mod, "NAMING_VERBS", None)  # "X called it "long overdue"": speech only before a quote
        self.naming = re.compile(named) if named else None
        self.passive = re.compile(mod.PASSIVE, re.I)
        self.comp = re.compile(mod.COMPLEMENTISER, re.I)
        self.pronouns: dict[str, tuple[str, str | None]] = mod.PRONOUNS
        self.boundary: set[str] = mod.BOUNDARY_WORDS
        self.strip: set[str] = mod.STRIP_TRAILING
        self.post_stop: set[str] = mod.POST_NP_STOP
        self.articles: set[str] = mod.ARTICLES
        self.quant: set[str] = mod.UNNAMED_QUANT
        self.org: set[str] = {_low(w) for w in mod.ORG_HEADS}  # compared with normalised words
        self.doc: set[str] = {_low(w) for w in mod.DOC_HEADS}
        self.weak = {_low(w) for w in mod.WEAK_FORWARD}
        self.tell = {_low(w) for w in mod.TELL_VERBS}
        self.invertible = {_low(w) for w in mod.INVERTIBLE}
        self.relative = {"qui", "who", "which", "that"}
        self.participles = {_low(w) for w in mod.PARTICIPLES}
        self.keep_comp: bool = mod.KEEP_COMPLEMENTISER


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    out = []
    for m in _TOKEN.finditer(text, start, end):
        s, e, w = m.start(), m.end(), m.group()
        if len(w) > 1 and w.endswith(".") and w.lower() not in _SHORT_ABBR and len(w) > 2:
            e -= 1
            w = w[:-1]
            out.append((s, e, w))
            out.append((e, e + 1, "."))
            continue
        out.append((s, e, w))
    return out


def _low(w: str) -> str:
    return normalise(w).replace(" ", "")


def _is_stop(tok: str, lex: Lexicon) -> bool:
    return tok in _PUNCT_STOP or tok == "." or _low(tok) in lex.boundary


def _valid_np(words: list[str], lex: Lexicon) -> bool:
    """Does a word run look like a speaker noun phrase?"""
    if not words or len(words) > 10:
        return False
    first = _low(words[0])
    if len(words) == 1 and first in lex.pronouns:
        return True
    if len(words) == 1 and first in _POSSESSIVES:
        return False  # "its", "his": a determiner left over, nobody speaks as one
    if proper_tokens(" ".join(words)):
        return True
    if first in lex.articles or first in lex.quant:
        return True
    return len(words) <= 3 and (first.endswith("s") or _low(words[-1]) in lex.quant)


def _mention(text: str, toks: list[tuple[int, int, str]], lex: Lexicon, role: str | None = None) -> Mention | None:
    words = [t[2] for t in toks]
    while words and (_low(words[0]) in lex.boundary or _low(words[0]) in lex.strip):
        toks, words = toks[1:], words[1:]
    if len(words) > 2 and _low(words[0]) in _LEAD_PREP and words[0][0].isupper():
        # "In early November the company": an opening adjunct before the subject
        art = next((k for k in range(1, len(words)) if _low(words[k]) in lex.articles), None)
        if art is not None:
            toks, words = toks[art:], words[art:]
    if not _valid_np(words, lex):
        return None
    s, e = toks[0][0], toks[-1][1]
    surface = text[s:e]
    pron = _low(words[0]) if len(words) == 1 and _low(words[0]) in lex.pronouns else None
    if role is None and not pron:
        role = _pre_name_role(surface, lex)
    return Mention(surface, s, e, role, pron)


def _pre_name_role(surface: str, lex: Lexicon) -> str | None:
    """'le président russe Vladimir Poutine' -> 'président russe' (words before the name)."""
    names = proper_tokens(surface)
    if not names:
        return None
    i = surface.find(names[0])
    before = surface[:i].split()
    while before and _low(before[0]) in lex.articles:
        before = before[1:]
    before = [w for w in before if w[0].islower()]
    return " ".join(before) or None


_POSSESSIVE_ROLE = re.compile(r"^(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*['’]s\s+[a-z]")


def _role_head(run: list[tuple[int, int, str]], lex: Lexicon) -> bool:
    """Is a word run a definite role phrase with no name in its head ("the president of the
    European Council", "le porte-parole du Kremlin")?"""
    words = [t[2] for t in run]
    if len(words) < 2 or _low(words[0]) not in lex.articles:
        return False
    for w in words[1:]:
        if _low(w) in ("of", "de", "du", "des", "d"):
            break
        if w[0].isupper():
            return False
    return True


_NEGATION = frozenset({"ne", "n", "not", "never"})


def _role_ok(seg: str, lex: Lexicon, longest: int = 25) -> bool:
    """Does an apposition read as a role ("directeur de ...", "Nova Scotia's chief officer")?"""
    words = seg.split()
    if not words or len(words) > longest or _low(words[0]).split("’")[0].split("'")[0] in _NEGATION:
        return False  # "..., selon certains observateurs, ne pourrait ...": a negated verb, no role
    return words[0][0].islower() or _low(words[0]) in lex.articles or bool(_POSSESSIVE_ROLE.match(seg))


def scan_back(text: str, pos: int, floor: int, lex: Lexicon) -> Mention | None:
    """The speaker phrase ending just before `pos` (a cue), or None."""
    floor = max(floor, pos - _REACH)  # a speaker phrase never reaches further: stays linear
    toks = _tokens(text, floor, pos)
    while toks and _low(toks[-1][2]) in lex.strip:
        toks.pop()
    run: list[tuple[int, int, str]] = []
    i = len(toks) - 1
    while i >= 0 and not _is_stop(toks[i][2], lex):
        run.insert(0, toks[i])
        i -= 1
    if run and _low(run[-1][2]) in lex.pronouns:
        run = run[-1:]  # "It's something she said": the subject is the pronoun
    if run:
        for k in range(1, len(run)):
            if _low(run[k][2]) in _PP_CUT and run[k - 1][2][:1].isupper():
                run = run[:k]  # "professor Kent Moore at the University of Toronto"
                break
        if len(run) > 10:
            return None
        if i >= 1 and toks[i][2] == "," and _role_head(run, lex):
            # "Donald Tusk, the president of the European Council, ... urged": name before role
            name: list[tuple[int, int, str]] = []
            j = i - 1
            while j >= 0 and toks[j][2] not in _PUNCT_STOP and toks[j][2] != ".":
                name.insert(0, toks[j])
                j -= 1
            name_text = text[name[0][0] : name[-1][1]] if name else ""
            if name and len(name) <= 6 and proper_tokens(name_text) and not _role_ok(name_text, lex) \
                    and _low(name[0][2]) not in _LEAD_PREP:
                return _mention(text, name, lex, text[run[0][0] : run[-1][1]])
        return _mention(text, run, lex)
    if i >= 1 and _low(toks[i][2]) in lex.relative and toks[i - 1][2] == ",":
        # "les responsables ukrainiens, qui ont déclaré": the antecedent before the comma
        return scan_back(text, toks[i - 1][0], floor, lex)
    if i < 0 or toks[i][2] != ",":
        return None
    # apposition: "NAME, ROLE, said" or "ROLE, NAME, a affirmé"
    segs: list[list[tuple[int, int, str]]] = []
    j = i
    for _ in range(2):
        j -= 1
        seg: list[tuple[int, int, str]] = []
        while j >= 0 and toks[j][2] not in _PUNCT_STOP and toks[j][2] != ".":
            seg.insert(0, toks[j])
            j -= 1
        segs.append(seg)
        if j < 0 or toks[j][2] != ",":
            break
    near = segs[0]
    if near and _low(near[0][2]) in lex.relative:
        # "X, the president of Y, which represents Z, urged": skip the relative clause
        return scan_back(text, near[0][0], floor, lex)
    near_text = text[near[0][0] : near[-1][1]] if near else ""
    far = segs[1] if len(segs) > 1 else []
    far_text = text[far[0][0] : far[-1][1]] if far else ""
    if near and proper_tokens(near_text) and len(near) <= 6 and not _role_ok(near_text, lex):
        role = far_text if far and _role_ok(far_text, lex) and not proper_tokens(far_text[:1]) else None
        return _mention(text, near, lex, role)
    if near and _role_ok(near_text, lex) and far:
        cut = [t for t in far]
        k = len(cut) - 1
        while k >= 0 and not _is_stop(cut[k][2], lex):
            k -= 1
        name = cut[k + 1 :]
        if name and proper_tokens(text[name[0][0] : name[-1][1]]):
            return _mention(text, name, lex, near_text)
    return None


def scan_forward(text: str, pos: int, limit: int, lex: Lexicon, participle_cut: bool = False,
                 long_role: bool = False) -> Mention | None:
    """The speaker phrase starting just after `pos` (an inverted cue or "according to");
    `long_role` lets an apposition after an inverted cue run to the next punctuation."""
    limit = min(limit, pos + _REACH)
    toks = _tokens(text, pos, limit)
    run: list[tuple[int, int, str]] = []
    for t in toks:
        w = t[2]
        if w in _PUNCT_STOP or w == ".":
            break
        lw = _low(w)
        if run and (lw in lex.post_stop or lw in lex.boundary):
            nxt = toks[toks.index(t) + 1][2] if toks.index(t) + 1 < len(toks) else ""
            if not (lw in ("on", "for") and run[-1][2][:1].isupper() and nxt[:1].isupper()):
                break  # "National Institute on Drug Abuse" goes on; "X on Monday" stops
        if participle_cut and len(run) >= 2 and w[0].islower() and _PARTICIPLE.match(w):
            break
        run.append(t)
        if len(run) > 12:
            return None
    if not run:
        return None
    first = _low(run[0][2])
    if first in lex.post_stop and first not in lex.articles:
        return None  # "said on Aug. 5", "said in a statement"
    role = None
    after = run[-1][1]
    k = after
    while k < limit and text[k] == " ":
        k += 1
    if k < limit and text[k] == ",":
        seg = []
        for t in _tokens(text, k + 1, limit):
            if t[2] in _PUNCT_STOP or t[2] == ".":
                break
            seg.append(t)
        if seg:
            seg_text = text[seg[0][0] : seg[-1][1]]
            # after the name, a role runs to the next punctuation and may be long ("a déclaré
            # Rajan Menon, directeur du programme ... et titulaire de la chaire ...")
            if _role_ok(seg_text, lex, longest=45 if long_role else 25):
                role = seg_text
    return _mention(text, run, lex, role)


def _trim_clause(text: str, s: int, e: int) -> tuple[int, int] | None:
    while s < e and (text[s].isspace() or text[s] in ",:;—–-"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ".,;:!?…—–-"):
        e -= 1
    if e - s < 3 or len(text[s:e].split()) < 2:
        return None
    return s, e


def _skip_object(text: str, pos: int, end: int, lex: Lexicon) -> int:
    """After "told", skip the addressee ("the crowd", "reporters", "CBC News")."""
    toks = _tokens(text, pos, min(end, pos + 200))
    n = 0
    for t in toks[:4]:
        lw = _low(t[2])
        if t[2] in _PUNCT_STOP or t[2] == "." or lw in lex.boundary or lw in ("about", "of"):
            break
        if n == 0 or lw in lex.articles or t[2][0].isupper() or n < 2:
            n += 1
            continue
        break
    return toks[n - 1][1] if n else pos


_RELATIVE_BEFORE = re.compile(r",\s*(?:qui|who)\s+(?:[^\W\d_]+\s+){0,2}$", re.I)


def _forward_clause(text: str, v: re.Match[str], sent_end: int, lex: Lexicon) -> tuple[int, int] | None:
    if _RELATIVE_BEFORE.search(text, max(0, v.start() - 40), v.start()):
        # "X, qui a déclaré que CLAUSE, visitait ...": the relative clause ends at the next comma
        comma = text.find(",", v.end(), sent_end)
        if comma > 0:
            sent_end = comma
    start = v.end()
    verb = _low(v.group().split()[-1])
    window = text[start : min(sent_end, start + 80)]
    comp = lex.comp.search(window)
    if comp is not None:
        gap = window[: comp.start()]
        if len(gap.split()) <= 6 and not any(c in gap for c in ".;:\"“”«»"):
            cs = start + (comp.start() if lex.keep_comp else comp.end())
            return _trim_clause(text, cs, sent_end)
    stripped = window.lstrip()
    if stripped[:1] in ".,;!?)":
        return None
    if verb in lex.tell:
        start = _skip_object(text, start, sent_end, lex)
        if text[start:sent_end].lstrip().lower().startswith(("about ", "of ")):
            return None  # "tells us about a growing concern": a topic, not reported words
    elif verb in lex.weak and stripped[:1] not in ":\"“«":
        return None
    return _trim_clause(text, start, sent_end)


def _prev_boundary(text: str, pos: int, floor: int) -> int:
    """Position of the comma/closing mark/dash just before `pos` (skipping spaces), or -1."""
    k = pos - 1
    while k >= floor and text[k].isspace():
        k -= 1
    if k >= floor and (text[k] in ",—–" or text[k] in _CLOSERS):
        return k
    return -1


def _inside(spans: list[Marked], pos: int) -> bool:
    return any(m.start < pos < m.end - 1 for m in spans)


def _post_clause(text: str, b: int, s0: int, prev_start: int) -> tuple[int, int] | None:
    """The clause before a trailing attribution, ending at boundary `b` (which may lie in the
    previous sentence when the splitter cut after a closing quotation mark)."""
    if b < 0:
        return None
    start = s0 if b >= s0 else prev_start
    return _trim_clause(text, start, b + (1 if text[b] in _CLOSERS else 0))


def _after_quote(text: str, b: int) -> bool:
    """Is boundary `b` a closing mark, or a comma right after one?"""
    return b >= 0 and (text[b] in _CLOSERS or text[b] == "," and b > 0 and text[b - 1] in _CLOSERS)


def find_attributions(text: str, sent: Sentence, marked: list[Marked], lex: Lexicon,
                      prev_start: int | None = None) -> list[Attr]:
    """Every reporting cue of one sentence with its mention and clause. `prev_start` is the start
    of the previous sentence of the paragraph (for quotations the splitter cut off)."""
    s0, s1 = sent.start, sent.end
    pfloor = prev_start if prev_start is not None else s0
    out: list[Attr] = []
    used: list[tuple[int, int]] = []
    if lex.inverted is not None:
        for m in lex.inverted.finditer(text, s0, s1):
            if _inside(marked, m.start()):
                continue
            p = next(g for g in (m.group("p1"), m.group("p2"), m.group("p3")) if g)
            ps = m.start() + m.group().lower().rfind(p.lower())
            mention = Mention(text[ps : ps + len(p)], ps, ps + len(p), None, p.lower())
            b = _prev_boundary(text, m.start(), pfloor)
            out.append(Attr(m.start(), m.end(), m.group(), mention, _post_clause(text, b, s0, pfloor), "post"))
            used.append((m.start(), m.end()))
    if lex.naming is not None:
        for v in lex.naming.finditer(text, s0, s1):
            quote = next((m for m in marked if 0 <= m.start - v.end() <= 3), None)
            left = scan_back(text, v.start(), s0, lex) if quote is not None and not _inside(marked, v.start()) else None
            if quote is None or left is None or left.pronoun or not proper_tokens(left.text):
                continue  # a named person or body right before: "an app called "X"" names no speaker
            clause = _trim_clause(text, quote.start, s1)
            if clause is None or clause[1] <= quote.end + 1:  # the quotation ends the sentence: direct
                out.append(Attr(v.start(), v.end(), v.group(), left, (quote.start, quote.end), "forward"))
            else:  # "called it "completely unfair" for the students ...": the rest is reported too (mixed)
                out.append(Attr(v.start(), v.end(), v.group(), left, clause, "naming"))
            used.append((v.start(), v.end()))
    for v in lex.verbs.finditer(text, s0, s1):
        if _inside(marked, v.start()) or any(a <= v.start() < b for a, b in used):
            continue
        verb = _low(v.group().split()[-1])
        left = scan_back(text, v.start(), s0, lex)
        if (left is None or not left.pronoun) and _prev_boundary(text, v.start(), s0) >= 0:
            rel = _relative_subject(text, s0, v.start(), lex)
            left = rel if rel is not None and (left is None or left.start > rel.end + 2) else left
        after = text[v.end() : s1].strip()
        if left is None and verb in lex.participles and _prev_boundary(text, v.start(), s0) >= 0:
            # "..., saying that ...": the subject is the sentence's speaker
            left = Mention("", v.start(), v.start(), None, "_subject")
        if left is not None:
            b = _prev_boundary(text, left.start, pfloor)
            if (not after or after[0] in ".,;!?" or after.startswith("...") or _after_quote(text, b)
                    and not lex.comp.match(after)
                    or b >= 0 and _is_tail(text, v.end(), s1)) and left.pronoun != "_subject":
                out.append(Attr(v.start(), v.end(), v.group(), left, _post_clause(text, b, s0, pfloor), "post"))
                continue
            if after.startswith(":") and len(after) < 3:
                out.append(Attr(v.start(), v.end(), v.group(), left, None, "pending"))
                continue
            clause = _forward_clause(text, v, s1, lex)
            if clause is None and after.startswith(":"):
                out.append(Attr(v.start(), v.end(), v.group(), left, None, "pending"))
                continue
            out.append(Attr(v.start(), v.end(), v.group(), left, clause, "forward"))
            continue
        b = _prev_boundary(text, v.start(), pfloor)
        if b >= 0 and verb in lex.invertible:
            right = scan_forward(text, v.end(), s1, lex, long_role=True)
            if right is not None and right.pronoun is None or right is not None and lex.mod.KEEP_COMPLEMENTISER:
                out.append(Attr(v.start(), v.end(), v.group(), right, _post_clause(text, b, s0, pfloor), "post"))
    for a in lex.according.finditer(text, s0, s1):
        if _inside(marked, a.start()):
            continue
        np = scan_forward(text, a.end(), s1, lex, participle_cut=True)
        if np is None:
            continue
        b = _prev_boundary(text, a.start(), s0)
        k = np.end
        while k < s1 and text[k] not in ",.;:!?":
            k += 1
        tail = _trim_clause(text, k + 1, s1) if k < s1 and text[k] == "," else None
        if tail is not None and np.role and text[tail[0] : tail[1]].startswith(np.role) and b >= 0:
            tail = None  # "..., according to X, a doctor at Y.": the role is no clause
        if tail is not None:
            clause = tail
        elif b >= 0:
            clause = _trim_clause(text, s0, b + (1 if text[b] in _CLOSERS else 0))
        else:
            clause = None
        out.append(Attr(a.start(), a.end(), a.group(), np, clause, "according"))
    for p in lex.passive.finditer(text, s0, s1):
        if _inside(marked, p.start()):
            continue
        ns, ne = p.span("np")
        toks = _tokens(text, ns, ne)
        found = _mention(text, toks, lex) if toks else None
        if found is None:
            continue
        mention = found
        e = p.end()
        k = e
        while k < s1 and text[k] not in "–—;()":
            k += 1
        out.append(Attr(p.start(), p.end(), p.group(), mention, _trim_clause(text, e, k), "passive"))
    return out


_NAME_WHO = re.compile(r"\s*((?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*),\s+(?:who|qui)\s")
_NAME_APPOS = re.compile(r"\s*((?:[A-Z][\w'’.-]*\s+){1,4}[A-Z][\w'’.-]*),\s+(?:a|an|the|un|une|le|la|l['’])\s*\w")


def _relative_subject(text: str, s0: int, pos: int, lex: Lexicon) -> Mention | None:
    """"Sarah Buckley, who attended ..., played ... and graduated in 2013, said", "Joe
    Nienaber, a graduate and a commissioner in Kenton County, where ..., said": the name that
    opens the sentence before a relative clause or apposition reaching the cue."""
    m = _NAME_WHO.match(text, s0, pos) or _NAME_APPOS.match(text, s0, pos)
    if m is None or not proper_tokens(m.group(1)) or _low(m.group(1).split()[0]) in _LEAD_PREP:
        return None
    return _mention(text, _tokens(text, m.start(1), m.end(1)), lex)


def _is_tail(text: str, pos: int, end: int) -> bool:
    """Is what follows a cue only a short adjunct ("Wednesday.", "in a statement.")?"""
    rest = text[pos:end].strip().rstrip(".!?")
    return len(rest.split()) <= 5 and "," not in rest and "que" not in rest.split() and "that" not in rest.split()


def _titled(surface: str, first: str) -> bool:
    """Is the name starting with `first` preceded by a personal title in the mention?"""
    before = surface[: surface.find(first)].split()
    return bool(before) and normalise(before[-1]) in TITLES


def classify(m: Mention, lex: Lexicon) -> str:
    """Speaker kind of a (non-pronoun) mention: person, organisation, group, unnamed, document."""
    words = normalise(m.text).split()
    head_part: list[str] = []
    for w in words:
        if w in ("of", "de", "du", "des", "d"):
            break
        head_part.append(w)
    names = proper_tokens(m.text)
    if names and _titled(m.text, names[0]):
        return "person"  # "Niagara County District Attorney Caroline Wojtaszek"
    if any(w in lex.doc for w in head_part):
        return "document"
    if any(w in lex.org for w in head_part):
        return "organisation"
    if names and all(len(t) > 1 and t.isupper() for t in names[-1:]):
        return "organisation"
    if names:
        return "person"
    if words and (words[0] in lex.quant or any(w in ("some", "certains", "certaines", "plupart") for w in words[:2])):
        return "unnamed"
    last = head_part[-1] if head_part else (words[-1] if words else "")
    if last.endswith(("s", "x")) and (not words or words[0] in ("les", "the", "des", "ces", "these")):
        return "group"
    if len(words) <= 3 and words and words[0] not in lex.articles and last.endswith("s"):
        return "group"
    return "person"
