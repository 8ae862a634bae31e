"""Check-worthiness of a claim from surface features: numbers, dates, named entities,
comparisons and causal markers raise it; opinion, first/second person and questions lower it.
The one-line reason is worded in the article's language (the lexicon's CHECKWORTHY_REASONS)."""

from __future__ import annotations

import re
from types import ModuleType

from ..schemas import ClaimKind

_DIGIT = re.compile(r"\d")
_STAT = re.compile(r"[%$€£¥]|\b(?:percent|per\s+cent|pour\s+cent|million|billion|milliard)s?\b", re.I)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_CAP = re.compile(r"(?<=[\s(“\"'«-])[A-ZÀ-Ý][\w’'-]+")


class Scorer:
    """Per-language feature patterns, compiled once."""

    def __init__(self, mod: ModuleType) -> None:
        flags = re.I
        self.months = re.compile(mod.MONTHS)
        self.weekdays = re.compile(mod.WEEKDAYS, flags)
        self.numwords = re.compile(mod.NUMBER_WORDS, flags)
        self.compare = re.compile(mod.COMPARISON, flags)
        self.causal = re.compile(mod.CAUSAL, flags)
        self.predict = re.compile(mod.PREDICTION, flags)
        self.opinion = re.compile(mod.OPINION, flags)
        self.first = re.compile(mod.FIRST_PERSON, flags)
        self.reasons: dict[str, str] = mod.CHECKWORTHY_REASONS  # wording in the article's language

    def score(self, text: str) -> tuple[float, str, ClaimKind]:
        """(score in 0..1, one-line reason, kind) for one claim's source text."""
        words = len(text.split())
        reasons: list[str] = []
        s = 0.15
        digits = bool(_DIGIT.search(text))
        stat = bool(_STAT.search(text))
        if digits:
            s += 0.25
            reasons.append("number")
        elif self.numwords.search(text):
            s += 0.1
            reasons.append("quantity")
        if stat:
            s += 0.1
            reasons.append("statistic")
        if _YEAR.search(text) or self.months.search(text) or self.weekdays.search(text):
            s += 0.1
            reasons.append("date")
        ents = len(set(_CAP.findall(text)))
        if ents:
            s += min(0.05 * ents, 0.15)
            reasons.append("entities")
        n_cmp = len(self.compare.findall(text))
        if n_cmp:
            s += min(0.06 * n_cmp, 0.15)
            reasons.append("comparison")
        causal = bool(self.causal.search(text))
        if causal:
            s += 0.1
            reasons.append("causal")
        n_op = len(self.opinion.findall(text))
        if n_op:
            s -= min(0.12 * n_op, 0.3)
            reasons.append("opinion")
        if self.first.search(text):
            s -= 0.05
        if text.rstrip().endswith("?"):
            s -= 0.25
            reasons.append("question")
        if words < 6:
            s -= 0.15
            reasons.append("short")
        s = max(0.0, min(1.0, s))
        if stat or (digits and n_cmp):
            kind = ClaimKind.statistic
        elif causal and self.causal.search(text) and re.search(r"because|due to|caus|led to|parce|cause|raison|entraîn|provoqu", text, re.I):
            kind = ClaimKind.causal
        elif n_op and not digits:
            kind = ClaimKind.opinion
        elif self.predict.search(text):
            kind = ClaimKind.prediction
        elif digits or ents >= 2:
            kind = ClaimKind.event
        else:
            kind = ClaimKind.other
        say = self.reasons
        found = [say[r] for r in reasons if r != "short"]
        parts = [say["contains"] + ", ".join(found)] if found else []
        if "short" in reasons:
            parts.append(say["short"])
        reason = "; ".join(parts) if parts else say["none"]
        return round(s, 3), reason, kind
