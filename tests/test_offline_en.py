"""Offline analyser on small hand-written English snippets."""

from __future__ import annotations

import claims
from claims.schemas import Analysis, QuoteType, SpeakerKind, Voice

TEXT = (
    "Finance Minister Jane Smith said on Tuesday that inflation fell to 3 per cent in May.\n\n"
    '"We are not out of the woods yet," she said. "Prices may rise again."\n\n'
    "According to the central bank, growth could slow next year.\n\n"
    '"This budget is clearly a disaster," said Tom Brown, a professor of economics at Carleton University.\n\n'
    "Some experts say the forecast is probably too optimistic.\n\n"
    "I think this is a wonderful day for all of us.\n"
)


def _en(text: str) -> Analysis:
    return claims.analyze(text, model="offline", language="en")


def _speaker(a: Analysis, fragment: str) -> str | None:
    q = next(q for q in a.quotes if fragment in q.text)
    sp = a.speaker(q.speaker_id)
    return sp.name if sp else None


def test_said_that_keeps_complementiser_and_names_speaker() -> None:
    a = _en(TEXT)
    q = next(q for q in a.quotes if "inflation fell" in q.text)
    assert q.text.startswith("that inflation") and q.type == QuoteType.indirect
    assert _speaker(a, "inflation fell") == "Jane Smith"


def test_pronoun_and_continuation() -> None:
    a = _en(TEXT)
    assert _speaker(a, "out of the woods") == "Jane Smith"
    assert _speaker(a, "Prices may rise") == "Jane Smith"


def test_pronoun_skips_incompatible_gender() -> None:
    text = (
        "Mary Jones said the plan was sound. She has led the council since 2010.\n\n"
        "Peter Hall said the plan was too costly. He voted against it.\n\n"
        '"It will pass," she said.\n'
    )
    assert _speaker(_en(text), "It will pass") == "Mary Jones"


def test_according_to_and_inverted_said_with_apposition() -> None:
    a = _en(TEXT)
    q = next(q for q in a.quotes if "growth could slow" in q.text)
    sp = a.speaker(q.speaker_id)
    assert sp is not None and sp.kind == SpeakerKind.organisation
    q2 = next(q for q in a.quotes if "disaster" in q.text)
    sp2 = a.speaker(q2.speaker_id)
    assert sp2 is not None and sp2.name == "Tom Brown" and sp2.role is not None and "professor" in sp2.role
    assert q2.type == QuoteType.direct and q2.text.startswith('"') and q2.cue == "said"


def test_unnamed_source_and_hedge_voices() -> None:
    a = _en(TEXT)
    q = next(q for q in a.quotes if "forecast" in q.text)
    sp = a.speaker(q.speaker_id)
    assert sp is not None and sp.kind == SpeakerKind.unnamed
    cues = {c.text: c.voice for cl in a.claims for c in cl.hedging.cues}
    assert cues["may"] == Voice.speaker
    assert cues["probably"] == Voice.author
    boosters = {c.text: c.voice for cl in a.claims for c in cl.hedging.boosters}
    assert boosters == {"clearly": Voice.speaker}


def test_checkworthiness_rises_with_numbers_and_falls_with_opinion() -> None:
    a = _en(TEXT)
    stat = next(c for c in a.claims if "3 per cent" in c.statement)
    opinion = next(c for c in a.claims if "wonderful" in c.statement)
    assert stat.checkworthiness > opinion.checkworthiness
    assert stat.kind.value == "statistic" and opinion.kind.value == "opinion"
    assert stat.checkworthiness_reason and "number" in stat.checkworthiness_reason


def test_claim_statements_name_the_speaker() -> None:
    a = _en(TEXT)
    claim = next(c for c in a.claims if c.quote_id and "inflation" in c.statement)
    # "<speaker> <verb as written> <clause>" when the article wrote it so
    assert claim.statement == "Jane Smith said on Tuesday that inflation fell to 3 per cent in May."
    assert claim.speaker_id is not None and a.check_grounding(TEXT) == []
    hedged = next(c for c in a.claims if "growth could slow" in c.statement)
    assert hedged.statement == "According to the central bank, growth could slow next year."


def test_pronoun_subject_is_restated_with_according_to_and_no_complementiser() -> None:
    text = "Finance Minister Jane Smith arrived late on Tuesday.\n\nShe said that the deficit would double by 2027.\n"
    a = _en(text)
    claim = next(c for c in a.claims if "deficit" in c.statement)
    assert claim.statement == "According to Jane Smith, the deficit would double by 2027."


def test_inverted_said_with_lowercase_title_and_date_adjunct() -> None:
    text = (
        '"The border is calm," said retired general Ann Ortiz, a former army commander.\n\n'
        '"We will reopen it soon," said on Monday the spokesman for the ministry.\n'
    )
    a = _en(text)
    assert _speaker(a, "border is calm") == "Ann Ortiz"
    assert a.speaker(next(q for q in a.quotes if "reopen" in q.text).speaker_id) is None or all(
        s.name != "Monday" for s in a.speakers
    )


def test_participle_cue_is_restated_with_according_to() -> None:
    """'X declined to comment, saying CLAUSE': the words between X and the cue are no apposition,
    so the claim is not 'X, declined to comment, saying ...'."""
    text = "The province's municipal affairs minister, John Lohr, declined to comment on the vote, saying it was a matter for council.\n"
    a = _en(text)
    claim = next(c for c in a.claims if "matter for council" in c.statement)
    assert claim.statement == "According to John Lohr, it was a matter for council."


def test_called_before_a_quotation_reports_words_of_a_named_speaker() -> None:
    text = (
        "The council voted on Tuesday to add a transit levy, a move Mayor Andy Fillmore called \"long overdue.\"\n\n"
        "Senator John Schickel called it \"completely unfair\" for the students \"to be dragged through the mud.\"\n\n"
        "The company withdrew an app called \"Screenwise Meter\" last year.\n"
    )
    a = _en(text)
    assert _speaker(a, "long overdue") == "Andy Fillmore"
    mixed = next(q for q in a.quotes if "completely unfair" in q.text)
    assert mixed.type == QuoteType.mixed and "dragged through the mud" in mixed.text  # the rest is reported too
    assert _speaker(a, "completely unfair") == "John Schickel"
    assert all(q.speaker_id is None for q in a.quotes if "Screenwise" in q.text)  # an app is named, nobody speaks
