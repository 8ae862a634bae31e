"""Rule-based stance cues for the offline `compare`: negation, denial, polarity, hedges, reports.

French and English lexicons are applied together (they do not collide), so a quote in either
language is read the same way whatever the article's main language. These are heuristics: the
comparison they produce says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .schemas import CueKind, HedgeLevel, Hedging
from .tfidf import fold


class Stance(str, Enum):
    favor = "favor"
    against = "against"
    neutral = "neutral"
    uncertain = "uncertain"


_NEG_WORDS = r"(?:pas|jamais|plus|guere|point|aucun|aucune|rien|nullement)"
# French "ne/n' VERB (…) pas|jamais": the restrictive "ne … que" is not a negation.
_FR_NEG = re.compile(r"\b(?:ne\s+|n['’])(?:[^\W\d_]+['’]?\s*){1,3}?" + _NEG_WORDS + r"\b", re.I)
_EN_NEG = re.compile(r"\b(?:not|never|no longer|neither|nor|nobody|none)\b|n['’]t\b", re.I)

_DENIAL = re.compile(
    r"\b(?:nie|nient|d[ée]ment|d[ée]mentent|rejette|rejettent|conteste|contestent|r[ée]fute|"
    r"faux|fausse|absurde|infond[ée]e?s?|deny|denies|denied|reject|rejects|rejected|dismiss(?:es|ed)?|"
    r"refute[sd]?|false|untrue|wrong|baseless|nonsense)\b",
    re.I,
)
# The speaker relays what someone else claims ("les Russes affirment que", "they claim that").
_REPORTED = re.compile(
    r"\b(?:affirment|pr[ée]tendent|assurent|soutiennent|disent|selon (?:eux|lui|elle|les|le|la)|"
    r"d['’]apr[èe]s (?:eux|lui|elle|les|le|la)|claim(?:s|ed)? that|they say|according to)\b",
    re.I,
)
# Conditions that suspend the whole statement ("if that is what happened"), not any "if" clause.
_CONDITION = re.compile(
    r"\b(?:si\s+(?:c['’]est|cela|ça|tel est|les? (?:chiffres?|données|faits)|la (?:nouvelle|version))|"
    r"à condition que|pour autant que|if\s+(?:that|this|it|so|true|the (?:data|figures?|reports?|story))\b|"
    r"unless\b|provided that|assuming)",
    re.I,
)

# Evaluative words, accent-folded; the sign of their balance is a text's polarity.
_POSITIVE = frozenset(
    """
    bon bonne bons bien positif positive utile utiles legitime efficace raisonnable acceptable
    succes victoire progres avantage benefique renforce renforcer solide fort forte rassurant
    good positive useful legitimate effective reasonable acceptable success victory progress
    benefit beneficial strengthen strong reassuring safe win welcome
    """.split()
)
_NEGATIVE = frozenset(
    """
    mauvais mauvaise inacceptable dangereux dangereuse danger menace menaces grave risque risques
    creux echec crise otage vulnerable impuissant faible affaiblit affaiblir escalade cible
    catastrophique inquietant illegal illegitime provocation
    bad unacceptable dangerous danger threat threats serious risk risks hollow failure crisis
    hostage vulnerable powerless weak weaken weakens escalation target catastrophic worrying
    illegal illegitimate provocation
    """.split()
)
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)


def negations(text: str) -> list[str]:
    """Negation cues in a text, as written."""
    return [m.group(0) for m in _FR_NEG.finditer(text)] + [m.group(0) for m in _EN_NEG.finditer(text)]


def polarity(text: str) -> int:
    """-1, 0 or +1: the balance of evaluative words, flipped once if the text is negated."""
    words = _WORDS.findall(fold(text))
    score = sum(w in _POSITIVE for w in words) - sum(w in _NEGATIVE for w in words)
    sign = (score > 0) - (score < 0)
    return -sign if negations(text) else sign


@dataclass(frozen=True)
class Reading:
    """One unit's stance on a proposition, with the cue that decided it."""

    stance: Stance
    hedged: bool
    reason: str


def hedge_cues(hedging: Hedging) -> list[str]:
    return [f"{c.text} ({c.voice.value})" for c in hedging.cues]


def relays(text: str) -> bool:
    """Does the speaker relay someone else's claim ("les Russes affirment que ...")?"""
    return _REPORTED.search(text) is not None


def read_stance(text: str, hedging: Hedging, reference: str, *, is_reference: bool) -> Reading:
    """Stance of `text` (a claim or quote) towards `reference` (the proposition it was grouped under).

    Order: a condition, a question or a high hedge makes the stance uncertain; relaying someone
    else's claim is neutral; denial, a negation the reference lacks, or opposite evaluative
    polarity is against; otherwise the speaker asserts the point (favor).
    """
    hedged = hedging.level != HedgeLevel.none or bool(hedging.cues)
    cues = hedge_cues(hedging)
    condition = next((c.text for c in hedging.cues if c.kind == CueKind.condition), None)
    m = _CONDITION.search(text)
    condition = condition or (m.group(0) if m else None)
    if condition:
        return Reading(Stance.uncertain, True, f"conditional: “{condition}”")
    if text.rstrip(" ”\"»").endswith("?"):
        return Reading(Stance.uncertain, hedged, "asked as a question")
    if hedging.level == HedgeLevel.high:
        return Reading(Stance.uncertain, True, "strongly hedged: " + ", ".join(cues))
    hedge_note = f"; hedge cues: {', '.join(cues)}" if cues else ""
    m = _REPORTED.search(text)
    if m:
        return Reading(Stance.neutral, hedged, f"relays others' claim (“{m.group(0)}”){hedge_note}")
    m = _DENIAL.search(text)
    if m:
        return Reading(Stance.against, hedged, f"disputes it (“{m.group(0)}”){hedge_note}")
    neg_text, neg_ref = negations(text), negations(reference)
    if bool(neg_text) != bool(neg_ref):
        cue = (neg_text or neg_ref)[0]
        return Reading(Stance.against, hedged, f"negates it (“{cue}”){hedge_note}")
    p_text, p_ref = polarity(text), polarity(reference)
    if not is_reference and p_text and p_ref and p_text != p_ref:
        return Reading(Stance.against, hedged, f"opposite evaluation{hedge_note}")
    how = "states it" if is_reference else "makes the same point"
    return Reading(Stance.favor, hedged, how + hedge_note)


_ATTRIBUTION = [
    # leading first-person epistemic frames: "Je pense que", "I think (that)"
    re.compile(
        r"^\s*(?:je pense|je crois|j['’]estime|je dirais|à mon avis,?|selon moi,?|i think|i believe|"
        r"in my view,?|i would say)\s*(?:que\s+|qu['’]|that\s+)?",
        re.I,
    ),
    # leading relayed claim: "Les Russes affirment que", "Officials claim that"
    re.compile(
        r"^\s*(?:[^\W\d_]+\s+){1,4}?(?:affirment|prétendent|assurent|disent|estiment|claim|claims|"
        r"say|says|argue|argues)\s+(?:que\s+|qu['’]|that\s+)",
        re.I,
    ),
    # leading inference frame: "ne pourrait qu'indiquer que", "this could mean that"
    re.compile(
        r"^\s*(?:cela\s+|this\s+)?(?:ne\s+)?(?:pourrait|pourraient|peut|could|may|might)\s+(?:qu['’])?"
        r"(?:indiquer|signifier|montrer|suggérer|suggest|indicate|mean|show)\s+(?:que\s+|qu['’]|that\s+)",
        re.I,
    ),
    # leading connectives that only make sense inside the original sentence
    re.compile(r"^\s*(?:mais|et|or|cependant|pourtant|but|and|however|yet),?\s+", re.I),
    # leading attribution: "selon X, ", "according to X, "
    re.compile(r"^\s*(?:selon|d['’]après|according to)\s+[^,:«“\"]{1,60}[,:]\s*[«“\"]?\s*", re.I),
]
_REPORT_VERB = (
    r"(?:(?:a|ont|avait|aurait)\s+(?:déclaré|dit|affirmé|ajouté|estimé|expliqué|indiqué|écrit)|"
    r"said|says|told|added|wrote|according to|selon)"
)
_TRAIL_ATTRIBUTION = re.compile(
    # ', a déclaré X.'  /  ', said X.'  /  '," the minister said.'
    r",\s*" + _REPORT_VERB + r"\b.*$"
    r"|[,.]?\s*[”\"»]\s*,?\s*[^“”\"«»]{0,80}?\b" + _REPORT_VERB + r"\b[^“”\"«»]*$",
    re.I,
)
_FR_NEG_STRIP = re.compile(r"\b(?:ne\s+|n['’])((?:[^\W\d_]+['’]?\s*){1,3}?)" + _NEG_WORDS + r"\b\s*", re.I)
_EN_NEG_STRIP = [
    (re.compile(r"\bwon['’]t\b", re.I), "will"),
    (re.compile(r"\bcan['’]t\b", re.I), "can"),
    (re.compile(r"n['’]t\b", re.I), ""),
    (re.compile(r"\s+(?:not|never|no longer)\b", re.I), ""),
]


def neutral_statement(text: str) -> str:
    """A proposition phrased from a claim: no first-person frame, no attribution, no negation.

    A negated claim becomes its affirmative form, so the speaker who made it reads as "against".
    """
    s = " ".join(text.split()).strip(" “”\"«»")
    s = re.sub(r"^([dDlL]['’])\s*[“”\"«»]\s*", r"\1", s)
    for _ in range(3):  # frames nest: "Selon X : « Je pense que …"
        before = s
        for pattern in _ATTRIBUTION:
            s = pattern.sub("", s, count=1)
        if s == before:
            break
    s = _TRAIL_ATTRIBUTION.sub("", s)
    s = _FR_NEG_STRIP.sub(lambda m: m.group(1), s)
    for pattern, repl in _EN_NEG_STRIP:
        s = pattern.sub(repl, s)
    s = " ".join(s.split()).strip(" ,;:“”\"«»").rstrip(".…!?")
    if not s:
        return " ".join(text.split())
    return s[0].upper() + s[1:] + "."
