"""Name normalisation, alias matching and speaker merging (claims.names)."""

from __future__ import annotations

from claims.names import core, merge_speakers, normalise, same_entity, surname, variant
from claims.schemas import Speaker, SpeakerKind


def test_normalise_folds_case_accents_and_punctuation() -> None:
    assert normalise("  Élodie  D’Arcy-Lefèvre. ") == "elodie d arcy-lefevre"
    assert core("le département d’État (Washington)") == "departement d etat"
    assert core("Mr. John Smith") == "john smith"


def test_surname_and_full_name_match() -> None:
    assert surname("le général à la retraite Ben Hodges") == "hodges"
    assert same_entity("Ben Hodges", "Hodges")
    assert same_entity("le général à la retraite Ben Hodges", "Hodges")
    assert not same_entity("Ben Hodges", "Rajan Menon")
    assert not same_entity("Ben Hodges", "Ann Hodges")  # given names contradict


def test_spelling_variants_need_length_and_few_edits() -> None:
    assert variant("loukachenko", "loukachenka")
    assert same_entity("Alexandre Lukashenko", "Lukashenka")
    assert not variant("baden", "biden")  # too short for an edit
    assert not variant("martinez", "ramirez")


def _sp(i: int, name: str, kind: SpeakerKind = SpeakerKind.person, role: str | None = None) -> Speaker:
    return Speaker(id=f"s{i}", name=name, kind=kind, role=role, aliases=[name])


def test_merge_speakers_maps_old_ids_to_new() -> None:
    speakers = [
        _sp(1, "un ancien général américain"),
        _sp(2, "Ben Hodges", role="général à la retraite"),
        _sp(3, "Hodges"),
        _sp(4, "Loukachenko"),
        _sp(5, "Loukachenka"),
        _sp(6, "certains observateurs", SpeakerKind.unnamed),
    ]
    merged, mapping = merge_speakers(speakers)
    assert [s.name for s in merged] == ["Ben Hodges", "Loukachenko", "certains observateurs"]
    assert mapping == {"s1": "s1", "s2": "s1", "s3": "s1", "s4": "s4", "s5": "s4", "s6": "s6"}
    hodges = merged[0]
    assert set(hodges.aliases) == {"un ancien général américain", "Ben Hodges", "Hodges"}
    assert hodges.role == "général à la retraite"


def test_role_phrase_left_alone_when_ambiguous() -> None:
    speakers = [
        _sp(1, "a senior official"),
        _sp(2, "Ann Lee", role="official at the treasury"),
        _sp(3, "Bo Park", role="official at the bank"),
    ]
    merged, mapping = merge_speakers(speakers)
    assert len(merged) == 3 and mapping["s1"] == "s1"
