"""Field labels of the worksheet writers, in the worksheet's language (French or English)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Fiche de vérification",
        "heuristic": "Analyse hors ligne par règles : à relire avant usage.",
        "documents": "Documents",
        "claims": "Affirmations à vérifier (par ordre d'importance)",
        "apart": "Opinions et affirmations invérifiables",
        "claim": "Affirmation",
        "quote": "Citation exacte",
        "excerpt": "Passage de l'article",
        "where": "Emplacement",
        "paragraph": "paragraphe",
        "sentence": "phrase",
        "speaker": "Source",
        "author": "l'article lui-même",
        "kind": "Type",
        "score": "Importance",
        "hedging": "Réserves",
        "none": "aucune",
        "whose": "de",
        "booster": "renforcement",
        "verify": "À vérifier",
        "entities": "noms",
        "numbers": "chiffres",
        "dates": "dates",
        "questions": "Questions",
        "sources": "sources possibles",
        "verdict": "Verdict",
        "evidence": "Preuves",
        "checked_by": "Vérifié par",
        "date": "Date",
        "why_apart": "Listé à part",
        "empty": "Aucune affirmation à vérifier.",
        "warnings": "Avertissements",
    },
    "en": {
        "title": "Fact-check worksheet",
        "heuristic": "Offline rule-based analysis: review before use.",
        "documents": "Documents",
        "claims": "Claims to check (most check-worthy first)",
        "apart": "Opinions and unverifiable claims",
        "claim": "Claim",
        "quote": "Verbatim quote",
        "excerpt": "Article passage",
        "where": "Where",
        "paragraph": "paragraph",
        "sentence": "sentence",
        "speaker": "Speaker",
        "author": "the article itself",
        "kind": "Kind",
        "score": "Check-worthiness",
        "hedging": "Hedging",
        "none": "none",
        "whose": "by",
        "booster": "booster",
        "verify": "What to verify",
        "entities": "names",
        "numbers": "figures",
        "dates": "dates",
        "questions": "Questions",
        "sources": "possible sources",
        "verdict": "Verdict",
        "evidence": "Evidence",
        "checked_by": "Checked by",
        "date": "Date",
        "why_apart": "Listed apart",
        "empty": "No claim to check.",
        "warnings": "Warnings",
    },
}


# Claim kinds and hedging levels as a reader of the worksheet's language says them (CSV and
# JSON-LD keep the enum values, which are for machines).
VALUES: dict[str, dict[str, str]] = {
    "fr": {
        "statistic": "statistique", "event": "événement", "causal": "lien de cause à effet",
        "prediction": "prévision", "opinion": "opinion", "other": "autre",
        "none": "aucune", "low": "faibles", "medium": "moyennes", "high": "fortes",
    },
}


def value(language: str, enum_value: str) -> str:
    """A kind or hedging level in the worksheet's language (English: the value itself)."""
    return VALUES.get(language, {}).get(enum_value, enum_value)


def labels(language: str) -> dict[str, str]:
    return LABELS["fr" if language == "fr" else "en"]


def where(paragraph: int | None, sentence: int | None, document: str | None, language: str) -> str:
    """"doc2, paragraph 3, sentence 1" (document only when there are several)."""
    t = labels(language)
    parts = [document] if document else []
    if paragraph is not None:
        parts.append(f"{t['paragraph']} {paragraph}")
    if sentence is not None:
        parts.append(f"{t['sentence']} {sentence}")
    return ", ".join(parts) or "?"
