"""What to verify in a claim, by rules: its entities, numbers and dates, and the questions and
kinds of sources that would settle it, in French or English (the article's language).

No model and no lists of names: entities are runs of capitalised words, numbers and dates are
regular expressions over the span, and questions are templates chosen by claim kind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .schemas import ClaimKind

_MONTHS = (
    r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|"
    r"décembre|decembre|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|jan\.|feb\.|mar\.|apr\.|jun\.|jul\.|aug\.|sept?\.|oct\.|nov\.|dec\."
)
_DAYS = r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DATE = re.compile(
    r"\b(?:(?:" + _DAYS + r")\s+)?(?:\d{1,2}(?:er)?\s+(?:" + _MONTHS + r")(?:\s+\d{4})?"
    r"|(?:" + _MONTHS + r")\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?"
    r"|(?:" + _MONTHS + r")\s+\d{4}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\b"
    r"|\b(?:en|in|since|depuis|de|from|until|jusqu['’]en)\s+(?:19|20)\d{2}\b"
    r"|\b(?:19|20)\d{2}s?\b"
    r"|\b(?:" + _DAYS + r")\b"
    r"|\b(?:hier|aujourd['’]hui|demain|avant-hier|cette semaine|la semaine dernière|le mois dernier|"
    r"l['’]an dernier|l['’]année dernière|au cours du week-end|ce week-end|le week-end dernier|"
    r"yesterday|today|tomorrow|this week|last week|last month|last year|over the weekend|this weekend|"
    r"last weekend)\b",
    re.I,
)
_UNITS = (
    r"%|pour\s?cent|percent|per\s?cent|points?|millions?|milliards?|billions?|trillions?|"
    r"thousands?|milliers?|mille|k€|m€|€|\$|£|euros?|dollars?|roubles?|livres?|km|kilomètres?|"
    r"kilometres?|kilometers?|miles?|tonnes?|tons?|kg|mégatonnes?|megatons?|kilotonnes?|kilotons?|"
    r"ans|années|years?|mois|months?|jours|days?|heures|hours?|habitants|people|personnes|morts|"
    r"deaths?|victimes|soldats|soldiers|troops"
)
_NUMBER = re.compile(
    r"(?:[$£€]\s?)?\b\d+(?:[ \u00a0\u202f.,]\d{3})*(?:[.,]\d+)?(?:\s?(?:" + _UNITS + r"))?(?![\w])",
    re.I,
)
_NUMBER_WORDS = re.compile(
    r"\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|trente|cent|"
    r"mille|million|milliard|dizaines?|centaines?|milliers|two|three|four|five|six|seven|eight|"
    r"nine|ten|twelve|fifteen|twenty|thirty|hundred|thousand|dozens?|hundreds|thousands|"
    r"half|moitié|tiers|quart|third|quarter|double|triple)\b(?:\s+(?:" + _UNITS + r"|de\s+\w+|\w+))?",
    re.I,
)
_CAP_WORD = r"(?:[A-ZÀ-ÖØ-Þ][\w’'-]*|[A-Z]{2,})"
_ENTITY = re.compile(
    _CAP_WORD + r"(?:\s+(?:(?:de|du|des|la|le|of|the|and|et|von|van|al|bin)\s+)?" + _CAP_WORD + r")*"
)
# Capitalised words that start sentences or quotes without naming anything.
_NOT_ENTITY = frozenset(
    """
    le la les l un une des de du ce cet cette ces il elle ils elles on nous vous je j mais et ou
    si selon pour par avec dans sur sous quant cependant pourtant alors ainsi une telle tel peu au
    aux en cela ceci ça c qu que qui quand comme lorsque après avant depuis
    the a an this that these those he she they we you i it but and or if for by with in on at as
    when while after before since however such some many most
    """.split()
)


@dataclass(frozen=True)
class Checkables:
    """The concrete things to look up for one claim."""

    entities: list[str]
    numbers: list[str]
    dates: list[str]

    @property
    def empty(self) -> bool:
        return not (self.entities or self.numbers or self.dates)


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for x in items:
        x = " ".join(x.split()).strip(" ,.;:")
        if x and x.lower() not in seen:
            seen[x.lower()] = x
    return list(seen.values())


def find_dates(text: str) -> list[str]:
    return _unique([m.group(0) for m in _DATE.finditer(text)])


_COUNTED = re.compile(r"\s+(?:d['’])?([^\W\d_]{3,})")
_NOT_COUNTED = frozenset(
    "and are des for from les par pour que qui sur the than was were with dans avec entre".split()
)


def _with_noun(text: str, m: re.Match[str]) -> str:
    """"3 500" -> "3 500 lits": a bare figure takes the noun it counts."""
    figure = m.group(0)
    if not figure[-1].isdigit():
        return figure  # already has a unit
    n = _COUNTED.match(text, m.end())
    if n and n.group(1).lower() not in _NOT_COUNTED and n.group(1).islower():
        return text[m.start() : n.end()]
    return figure


def find_numbers(text: str) -> list[str]:
    """Figures with their unit or counted noun; a bare year is a date, not a number."""
    dates = " ".join(find_dates(text))
    found = [_with_noun(text, m) for m in _NUMBER.finditer(text)]
    found = [n for n in found if not (re.fullmatch(r"(?:19|20)\d{2}", n.strip()) and n.strip() in dates)]
    found += [m.group(0) for m in _NUMBER_WORDS.finditer(text) if _has_unit(m.group(0))]
    return _unique(found)


def _has_unit(phrase: str) -> bool:
    return bool(re.search(r"\s(?:" + _UNITS + r")$", phrase, re.I)) or " de " in phrase


def find_entities(text: str) -> list[str]:
    """Runs of capitalised words, minus sentence-initial function words and month/day names."""
    found: list[str] = []
    date_words = {w.lower() for d in find_dates(text) for w in d.split()}
    for m in _ENTITY.finditer(text):
        words = m.group(0).split()
        while words and _plain(words[0]) in _NOT_ENTITY:
            words = words[1:]
        if not words:
            continue
        phrase = " ".join(words).rstrip("’'")
        phrase = re.sub(r"^(?:[LlDd]|Qu)['’]", "", phrase)
        if len(phrase) < 2 or all(w.lower() in date_words for w in phrase.split()):
            continue
        if len(words) == 1 and not phrase.isupper() and _sentence_initial(text, m.start()):
            # "Unemployment fell...": a capital that only marks a sentence start names nothing,
            # unless the same word is capitalised mid-sentence elsewhere.
            if not any(not _sentence_initial(text, x.start()) for x in re.finditer(re.escape(phrase), text)):
                continue
        found.append(phrase)
    return _unique(found)


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t“”\"«»‘’'(—–-")
    return not before or before[-1] in ".!?…:\n"


def _plain(word: str) -> str:
    return re.split(r"['’]", word.lower())[0]


def checkables(text: str) -> Checkables:
    return Checkables(find_entities(text), find_numbers(text), find_dates(text))


@dataclass(frozen=True)
class Question:
    question: str
    sources: list[str]


_T = {
    "fr": {
        "attribution": "{speaker} a-t-il bien tenu ces propos ? Retrouver la déclaration d'origine (date, lieu, contexte complet).",
        "attribution_src": ["enregistrement ou transcription d'origine", "{speaker} : comptes officiels", "le média cité"],
        "statistic": "D'où vient le chiffre {number} et que mesure-t-il exactement (période, périmètre, méthode) ?",
        "statistic_src": ["institut statistique ou rapport d'origine", "base de données officielle", "chercheurs du domaine"],
        "trend": "Le chiffre {number} est-il à jour et comparable aux séries publiées ?",
        "trend_src": ["séries statistiques publiées", "rapports annuels"],
        "event": "L'événement a-t-il eu lieu{date_clause}, et qui d'autre que l'article le confirme ?",
        "event_src": ["communiqués officiels", "dépêches d'agences (AFP, Reuters, AP)", "documents primaires"],
        "entity": "Que disent les sources primaires sur {entity} à ce sujet ?",
        "entity_src": ["{entity} : site et déclarations officielles", "documents publics", "presse de référence"],
        "causal": "Le lien de cause à effet est-il établi par des données ou des experts indépendants, ou seulement affirmé ?",
        "causal_src": ["études publiées", "experts indépendants", "données chronologiques"],
        "prediction": "Sur quoi repose cette prévision, et que prévoient d'autres analystes ?",
        "prediction_src": ["rapports d'analystes", "think tanks", "prévisions antérieures et leur fiabilité"],
        "opinion": "Sur quels faits repose cette opinion, et sont-ils exacts ?",
        "opinion_src": ["sources primaires des faits invoqués", "avis d'experts divergents"],
        "date": "La date ou période {date} est-elle exacte ?",
        "date_src": ["chronologies publiées", "archives de presse"],
        "document": "Retrouver le document « {speaker} » : le passage y figure-t-il mot pour mot ?",
        "document_src": ["le document d'origine (site officiel, archives)", "le média cité"],
        "unnamed": "Qui sont « {speaker} » ? Identifier des sources nommées qui tiennent ces propos.",
        "unnamed_src": ["le journaliste ou le média", "déclarations publiques d'experts du domaine"],
        "role": "Le titre ou la fonction de {speaker} ({role}) est-il exact ?",
        "role_src": ["biographie officielle", "site de l'organisation"],
        "basis": "Sur quelle source ou quelles données l'article fonde-t-il cette affirmation ?",
        "basis_src": ["le journaliste ou le média", "documents cités dans l'article"],
        "generic": "Quelles sources indépendantes confirment ou contredisent cette affirmation ?",
        "generic_src": ["sources primaires", "experts indépendants", "presse de référence"],
        "and": " ({date})",
    },
    "en": {
        "attribution": "Did {speaker} really say this? Find the original statement (date, place, full context).",
        "attribution_src": ["original recording or transcript", "{speaker}'s official channels", "the outlet cited"],
        "statistic": "Where does the figure {number} come from, and what exactly does it measure (period, scope, method)?",
        "statistic_src": ["statistics office or original report", "official dataset", "researchers in the field"],
        "trend": "Is the figure {number} current and comparable with published series?",
        "trend_src": ["published statistical series", "annual reports"],
        "event": "Did the event happen{date_clause}, and who besides the article confirms it?",
        "event_src": ["official statements", "news agency wires (AFP, Reuters, AP)", "primary documents"],
        "entity": "What do primary sources say about {entity} on this point?",
        "entity_src": ["{entity}'s official website and statements", "public records", "newspapers of record"],
        "causal": "Is the cause-and-effect link shown by data or independent experts, or only asserted?",
        "causal_src": ["published studies", "independent experts", "timeline data"],
        "prediction": "What is this forecast based on, and what do other analysts expect?",
        "prediction_src": ["analysts' reports", "think tanks", "earlier forecasts and their track record"],
        "opinion": "Which facts does this opinion rest on, and are they accurate?",
        "opinion_src": ["primary sources for the facts invoked", "dissenting expert views"],
        "date": "Is the date or period {date} right?",
        "date_src": ["published timelines", "press archives"],
        "document": "Find the document “{speaker}”: does the passage appear in it word for word?",
        "document_src": ["the original document (official website, archives)", "the outlet cited"],
        "unnamed": "Who are “{speaker}”? Find named sources who say this.",
        "unnamed_src": ["the reporter or the outlet", "public statements by experts in the field"],
        "role": "Is {speaker}'s title or position ({role}) right?",
        "role_src": ["official biography", "the organisation's website"],
        "basis": "What source or data does the article base this claim on?",
        "basis_src": ["the reporter or the outlet", "documents the article cites"],
        "generic": "Which independent sources confirm or contradict this claim?",
        "generic_src": ["primary sources", "independent experts", "newspapers of record"],
        "and": " ({date})",
    },
}


def _q(t: Mapping[str, object], key: str, **values: str) -> Question:
    text = str(t[key]).format(**values)
    sources = [s.format(**values) for s in t[key + "_src"]]  # type: ignore[attr-defined]
    return Question(text, sources)


def questions(
    kind: ClaimKind,
    found: Checkables,
    *,
    language: str,
    speaker: str | None = None,
    role: str | None = None,
    quoted: bool = False,
    named: bool = True,
    document: bool = False,
    limit: int = 3,
) -> list[Question]:
    """Two or three concrete verification questions, most specific first. `named` is False for
    anonymous sources (who they are comes first); `document` for a cited report or record."""
    t = _T["fr" if language == "fr" else "en"]
    qs: list[Question] = []
    number = found.numbers[0] if found.numbers else None
    date = found.dates[0] if found.dates else None
    others = [e for e in found.entities if not speaker or e not in speaker]
    entity = others[0] if others else None
    if kind == ClaimKind.statistic or (number and kind in (ClaimKind.other, ClaimKind.event)):
        if number:
            qs.append(_q(t, "statistic", number=f"« {number} »" if language == "fr" else f"“{number}”"))
    if kind == ClaimKind.event:
        clause = str(t["and"]).format(date=date) if date else ""
        qs.append(_q(t, "event", date_clause=clause))
    elif kind in (ClaimKind.causal, ClaimKind.prediction, ClaimKind.opinion):
        qs.append(_q(t, kind.value))
    if entity:
        qs.append(_q(t, "entity", entity=entity))
    if speaker and not named:
        qs.insert(0, _q(t, "unnamed", speaker=speaker))  # an anonymous source is the first thing to check
    elif speaker and document:
        qs.append(_q(t, "document", speaker=speaker))
    elif speaker and quoted:
        qs.append(_q(t, "attribution", speaker=speaker))
    if date and kind != ClaimKind.event:
        qs.append(_q(t, "date", date=date))
    if speaker and role and len(qs) < 2:
        qs.append(_q(t, "role", speaker=speaker, role=role))
    if len(qs) < 2 and number:
        qs.append(_q(t, "trend", number=number))
    if len(qs) < 2 and not speaker:
        qs.append(_q(t, "basis"))
    if len(qs) < 2:
        qs.append(_q(t, "generic"))
    if len(qs) < 2:
        qs.append(_q(t, "opinion" if kind != ClaimKind.opinion else "generic"))
    return qs[:limit]
