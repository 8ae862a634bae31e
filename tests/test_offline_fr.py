"""Offline analyser on small hand-written French snippets."""

from __future__ import annotations

import claims
from claims.schemas import Analysis, QuoteType, SpeakerKind, Voice


def _fr(text: str) -> Analysis:
    return claims.analyze(text, model="offline", language="fr")


def _speaker_of(a: Analysis, fragment: str) -> str | None:
    q = next(q for q in a.quotes if fragment in q.text)
    sp = a.speaker(q.speaker_id)
    return sp.name if sp else None


TEXT = (
    "Le ministre de l’Économie, Paul Durand, a affirmé mardi que la croissance atteindrait 2 % en 2025. "
    "« Nous tiendrons nos engagements », a-t-il ajouté. « La dette baissera dès l’an prochain. »\n"
    "Selon certains économistes, ce chiffre serait trop optimiste.\n"
    "D’après la Banque de France, l’inflation reste élevée depuis le printemps.\n"
)


def test_indirect_speech_with_apposition_role() -> None:
    a = _fr(TEXT)
    q = next(q for q in a.quotes if q.text.startswith("la croissance"))
    assert q.type == QuoteType.indirect
    sp = a.speaker(q.speaker_id)
    assert sp is not None and sp.name == "Paul Durand"
    assert sp.role is not None and "ministre" in sp.role


def test_inverted_pronoun_and_continuation_quote() -> None:
    a = _fr(TEXT)
    assert _speaker_of(a, "Nous tiendrons") == "Paul Durand"  # a-t-il ajouté
    assert _speaker_of(a, "La dette baissera") == "Paul Durand"  # no attribution: continues


def test_selon_unnamed_source_and_organisation() -> None:
    a = _fr(TEXT)
    q = next(q for q in a.quotes if "ce chiffre" in q.text)
    sp = a.speaker(q.speaker_id)
    assert sp is not None and sp.kind == SpeakerKind.unnamed and "économistes" in sp.name
    q2 = next(q for q in a.quotes if "l’inflation" in q.text)
    org = a.speaker(q2.speaker_id)
    assert org is not None and org.kind == SpeakerKind.organisation and "Banque de France" in org.name


def test_conditional_and_weasel_are_author_hedges() -> None:
    a = _fr(TEXT)
    cues = {c.text: c for cl in a.claims for c in cl.hedging.cues}
    assert cues["serait"].voice == Voice.author and cues["serait"].kind.value == "conditional"
    assert any(t.startswith("Selon certains") and c.kind.value == "weasel" for t, c in cues.items())


def test_missing_opening_mark_and_speaker_hedge_voice() -> None:
    text = (
        "« Je pense que cela change tout », a déclaré l’avocate Marie Leroy. "
        "J’attendrai de voir la décision du tribunal. Rien n’est joué.”\n"
    )
    a = _fr(text)
    q = next(q for q in a.quotes if "J’attendrai" in q.text)
    assert q.text.startswith("J’attendrai") and q.text.endswith("joué.”")
    assert _speaker_of(a, "J’attendrai") == "Marie Leroy"
    voices = {c.text: c.voice for cl in a.claims for c in cl.hedging.cues}
    assert voices["Je pense"] == Voice.speaker
    assert voices["J’attendrai de voir"] == Voice.speaker


def test_booster_recorded_apart() -> None:
    a = _fr("« C’est incontestablement une erreur », a estimé le député Jean Morel.\n")
    claim = next(c for c in a.claims if c.quote_id)
    assert [b.text for b in claim.hedging.boosters] == ["incontestablement"]
    assert not claim.hedging.cues


def test_spelling_variants_and_role_phrase_are_one_speaker() -> None:
    text = (
        "Un ancien diplomate a estimé que la guerre durerait encore des années.\n"
        "L’ancien diplomate Volodymyr Zelensky a ajouté que les négociations étaient au point mort.\n"
        "« Nous ne céderons rien », a dit Zelenskyy.\n"
    )
    a = _fr(text)
    ids = {q.speaker_id for q in a.quotes}
    assert len(ids) == 1 and None not in ids
    sp = a.speaker(ids.pop())
    assert sp is not None and sp.name == "Volodymyr Zelensky"
    assert {"Un ancien diplomate", "Zelenskyy"} <= set(sp.aliases)


def test_every_offset_points_at_its_text() -> None:
    a = _fr(TEXT)
    assert a.check_grounding(TEXT) == []
    assert a.engine.backend == "offline" and a.engine.heuristic and a.usage.requests == 0


def test_long_apposition_after_the_cue_is_attribution_not_an_authors_claim() -> None:
    text = (
        "« Les exportations ont doublé en trois ans », a déclaré Claire Martin, directrice de "
        "l’observatoire régional du commerce extérieur et professeure associée d’économie "
        "internationale à l’université de Lille depuis 2015.\n"
    )
    a = _fr(text)
    assert len(a.quotes) == 1
    assert a.speaker(a.quotes[0].speaker_id).name == "Claire Martin"
    assert [c for c in a.claims if c.speaker_id is None] == []
    assert len(a.claims) == 1 and a.claims[0].end == text.rstrip().rfind("2015") + 4
