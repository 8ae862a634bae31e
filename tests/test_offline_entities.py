"""Narrative entities and the resolution they allow: pronouns and definite descriptions whose
antecedent was only mentioned in narrative text, acronyms, colon-introduced quotations, and the
French wording of statements and check-worthiness reasons. Hand-written snippets only."""

from __future__ import annotations

import re

import claims
from claims.offline import lexicon_en
from claims.offline.entities import EntityIndex, find_entities
from claims.schemas import Analysis
from claims.segment import paragraphs, sentences


def _analyse(text: str, lang: str = "en") -> Analysis:
    return claims.analyze(text, model="offline", language=lang)


def _speaker(a: Analysis, fragment: str) -> str | None:
    q = next(q for q in a.quotes if fragment in q.text)
    sp = a.speaker(q.speaker_id)
    return sp.name if sp else None


def _entities(text: str) -> EntityIndex:
    sents = sentences(text, paragraphs(text))
    dates = re.compile(f"(?:{lexicon_en.MONTHS}|{lexicon_en.WEEKDAYS})", re.I)
    stop = {"the", "a", "but", "he", "she", "it", "they", "this", "in", "on", "so"}
    rejected: set[str] = set()
    return EntityIndex(*find_entities(text, sents, stop, [], dates, rejected), rejected)


def test_entity_kinds_come_from_cues_not_lists() -> None:
    text = (
        "Story continues below advertisement.\n\n"
        "Mr. Alan Brook met officials of the Harbour Authority in Port Keld on Monday. "
        "On Dec. 3, Mrs. Ivy Stone of Gravel Corp. said the talks went well. "
        "Stone has run the firm since 2010, and she plans to stay.\n"
    )
    idx = _entities(text)
    kinds = {e.name: e.kind for e in idx.entities}
    assert kinds["Alan Brook"] == "person" and kinds["Ivy Stone"] == "person"
    assert kinds["Harbour Authority"] == "organisation" and kinds["Gravel Corp"] == "organisation"
    assert kinds["Port Keld"] == "place"
    genders = {e.name: e.gender for e in idx.entities}
    assert genders["Alan Brook"] == "m" and genders["Ivy Stone"] == "f"
    assert not any(n in kinds for n in ("Story", "Monday", "Dec"))
    assert "story" in idx.rejected
    stone = next(e for e in idx.entities if e.name == "Ivy Stone")
    assert len(stone.starts) == 2  # the surname alone joins the full name


def test_pronoun_finds_a_person_named_only_in_narrative() -> None:
    text = (
        "Dana Whitlock toured the flooded streets of Marrow on Monday with the fire chief.\n\n"
        '"We will rebuild every house," she said.\n'
    )
    assert _speaker(_analyse(text), "rebuild every house") == "Dana Whitlock"


def test_pronoun_skips_places_and_other_gender() -> None:
    text = (
        "Ruth Calder runs the clinic. In Nova Scotia, prescriptions rose again, and "
        "Mr. Owen Pryce blamed the rules.\n\n"
        '"The numbers are not good," she said.\n'
    )
    assert _speaker(_analyse(text), "numbers are not good") == "Ruth Calder"


def test_definite_description_resolves_to_titled_name_and_organisation() -> None:
    text = (
        "Mayor Doug Kerrigan opened the new arena in Hollow Bay on Friday.\n\n"
        "The mayor said the city would build two more rinks by 2025.\n\n"
        "The Parole Board of Canada released the man in May. "
        "The parole board said he had completed every programme.\n"
    )
    a = _analyse(text)
    assert _speaker(a, "two more rinks") == "Doug Kerrigan"
    assert _speaker(a, "completed every programme") == "Parole Board of Canada"


def test_acronym_resolves_to_the_name_it_abbreviates() -> None:
    text = (
        "The Parliamentary Budget Officer published a costing of the pipeline on Tuesday.\n\n"
        "The PBO said the pipeline was worth less than the price paid.\n"
    )
    assert _speaker(_analyse(text), "worth less") == "Parliamentary Budget Officer"


def test_colon_introduced_and_narrative_led_quotations() -> None:
    text = (
        "Tom Varga, the addictions doctor in town, is more blunt: "
        '"This has to stop before more people die."\n\n'
        "Lena Ortiz, an analyst with the ministry, outlined how the policy works.\n\n"
        '"Who may be included is left to the decision-maker in each case."\n'
    )
    a = _analyse(text)
    assert _speaker(a, "This has to stop") == "Tom Varga"
    assert _speaker(a, "Who may be included") == "Lena Ortiz"


def test_name_opening_a_relative_clause_is_the_subject() -> None:
    text = (
        "Sara Bell, who attended a school across the street, played in the band and graduated "
        'in 2013, said the school has "a culture of entitlement."\n'
    )
    assert _speaker(_analyse(text), "culture of entitlement") == "Sara Bell"


def test_french_narrative_antecedent_and_honorific_gender() -> None:
    text = (
        "Mme Claire Fontaine a visité l’usine de Lens mardi avec M. Paul Girard.\n\n"
        "« Nous allons rouvrir la ligne de production », a-t-elle déclaré.\n"
    )
    assert _speaker(_analyse(text, "fr"), "rouvrir la ligne") == "Claire Fontaine"


def test_french_statement_keeps_the_determiner_and_reasons_are_localised() -> None:
    text = (
        "Selon la plupart des observateurs, la décision est un geste creux qui coûtera "
        "3 milliards d’euros en 2024.\n"
    )
    a = _analyse(text, "fr")
    c = next(c for c in a.claims if "geste creux" in c.statement)
    assert c.statement.startswith("Selon la plupart des observateurs, la décision")
    verb = _analyse("Le ministre Paul Girard a annoncé lundi que le budget serait réduit de 3 %.\n", "fr")
    said = next(x for x in verb.claims if "budget" in x.statement)
    assert said.statement == "Paul Girard a annoncé lundi que le budget serait réduit de 3 %."
    incise = _analyse("Une telle décision, selon certains observateurs, ne pourrait qu’indiquer un accord secret.\n", "fr")
    inc = next(x for x in incise.claims if "accord secret" in x.statement)
    assert inc.statement == "Selon certains observateurs, une telle décision ne pourrait qu’indiquer un accord secret."
    relative = _analyse(
        "La ministre Claire Fontaine, qui a déclaré mardi que la ligne rouvrira en mai, visitait le chantier.\n", "fr"
    )
    rel = next(x for x in relative.claims if "rouvrira" in x.statement)
    assert rel.statement == "Claire Fontaine a déclaré mardi que la ligne rouvrira en mai.", rel.statement
    doc = _analyse("Les cheminots ont reconduit la grève mardi, selon un communiqué de la CGT.\n", "fr")
    c_doc = next(x for x in doc.claims if "grève" in x.statement)
    assert c_doc.statement == "Selon un communiqué de la CGT, les cheminots ont reconduit la grève mardi."  # the document speaks
    assert [q.text for q in relative.quotes] == ["la ligne rouvrira en mai"]  # the relative clause ends at its comma
    assert c.checkworthiness_reason.startswith("contient ") and "un nombre" in c.checkworthiness_reason
    en = _analyse("According to most observers, the deal will cost 3 billion dollars in 2024.\n")
    c_en = next(c for c in en.claims if "deal" in c.statement)
    assert c_en.checkworthiness_reason.startswith("contains ") and "a number" in c_en.checkworthiness_reason


def test_long_apposition_after_inverted_cue_is_the_role() -> None:
    text = (
        "« Les chiffres sont mauvais », a déclaré Hélène Morvan, directrice du programme de "
        "sécurité alimentaire chez Terres Unies et titulaire de la chaire émérite Louise et "
        "Marc Olivier en économie rurale au Collège universitaire de Rennes en Bretagne.\n"
    )
    a = _analyse(text, "fr")
    sp = next(s for s in a.speakers if s.name == "Hélène Morvan")
    assert sp.role is not None and sp.role.startswith("directrice du programme")


def test_apposition_chain_after_a_name_opening_the_sentence() -> None:
    text = (
        "Joe Varley, a 1989 graduate and a county commissioner in Kent County, where the school "
        'is situated, said the photo "totally misrepresents the culture" at the school.\n'
    )
    assert _speaker(_analyse(text), "misrepresents") == "Joe Varley"


def test_telling_about_a_topic_reports_no_words() -> None:
    a = _analyse("The CBC's Rita Moss tells us about a growing concern over sedatives in the crisis.\n")
    assert not any("growing concern" in q.text for q in a.quotes)
    a2 = _analyse("Rita Moss told reporters the sedatives were being over-prescribed.\n")
    assert _speaker(a2, "over-prescribed") == "Rita Moss"


def test_possessive_owner_is_a_name_of_its_own() -> None:
    idx = _entities("Later, the CBC's Rita Moss met Gravel Corp.'s Ivan Holt in Port Keld.\n")
    names = {e.name for e in idx.entities}
    assert {"CBC", "Rita Moss", "Ivan Holt"} <= names
    assert not any("CBC" in n and "Moss" in n for n in names)
