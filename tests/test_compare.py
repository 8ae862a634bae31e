"""`claims compare`: propositions × speakers from analyses, offline rules and the LLM path."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

import pytest
from pydantic import ValidationError

from claims.compare import Comparison, LLMComparison, Stance, compare
from claims.config import Config
from claims.render.compare import LEGEND, render_comparison
from claims.schemas import (
    Analysis,
    Claim,
    ClaimKind,
    Cue,
    CueKind,
    Document,
    Engine,
    HedgeLevel,
    Hedging,
    Quote,
    Speaker,
    SpeakerKind,
    Usage,
    Voice,
)
from claims.stance import neutral_statement, read_stance

OFFLINE = Config()

# Invented articles (not from any data set): two outlets quote the same epidemiologist.
ARTICLE_1 = (
    "Lakeside City extended its school vaccination programme on Monday.\n"
    "“The vaccination programme cut hospital admissions by 40 percent,” said Jane Okafor, an "
    "epidemiologist at Lakeside University.\n"
    "Health minister Tom Reyes disagreed: “The vaccination programme did not cut hospital admissions.”\n"
    "“The new budget will pay for twelve more clinics,” Reyes added.\n"
    "Some analysts say the figures could be inflated.\n"
)
ARTICLE_2 = (
    "Lakeside officials met on Tuesday.\n"
    "Professor Okafor told reporters: “The vaccination programme cut hospital admissions, if the "
    "data hold up.”\n"
)


def span(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def quote(text: str, qid: str, fragment: str, speaker: str | None) -> Quote:
    s, e = span(text, fragment)
    return Quote(id=qid, text=fragment, start=s, end=e, type="direct", speaker_id=speaker)


def claim(text: str, cid: str, fragment: str, speaker: str | None, quote_id: str | None, **kw: Any) -> Claim:
    s, e = span(text, fragment)
    return Claim(id=cid, statement=fragment.strip("“”"), start=s, end=e, speaker_id=speaker, quote_id=quote_id, **kw)


def document(text: str, source: str, language: str = "en") -> Document:
    return Document(
        source=source, sha256=hashlib.sha256(text.encode()).hexdigest(), language=language,
        chars=len(text), text=text,
    )


def analysis_1() -> Analysis:
    t = ARTICLE_1
    cut = "“The vaccination programme cut hospital admissions by 40 percent,”"
    denied = "“The vaccination programme did not cut hospital admissions.”"
    budget = "“The new budget will pay for twelve more clinics,”"
    could = t.index("could")
    return Analysis(
        document=document(t, "one.txt"),
        speakers=[
            Speaker(id="s1", name="Jane Okafor", kind=SpeakerKind.person, role="epidemiologist", aliases=["Jane Okafor"]),
            Speaker(id="s2", name="Tom Reyes", kind=SpeakerKind.person, role="health minister", aliases=["Reyes"]),
            Speaker(id="s3", name="some analysts", kind=SpeakerKind.unnamed),
        ],
        quotes=[quote(t, "q1", cut, "s1"), quote(t, "q2", denied, "s2"), quote(t, "q3", budget, "s2")],
        claims=[
            claim(t, "c1", cut, "s1", "q1", checkworthiness=0.9, kind=ClaimKind.statistic),
            claim(t, "c2", denied, "s2", "q2", checkworthiness=0.7, kind=ClaimKind.causal),
            claim(t, "c3", budget, "s2", "q3", checkworthiness=0.5, kind=ClaimKind.prediction),
            claim(
                t, "c4", "the figures could be inflated", "s3", None, checkworthiness=0.4,
                hedging=Hedging(
                    level=HedgeLevel.medium,
                    cues=[Cue(text="could", start=could, end=could + 5, voice=Voice.author, kind=CueKind.modal)],
                ),
            ),
        ],
        engine=Engine(backend="offline", model="offline", heuristic=True),
    )


def analysis_2() -> Analysis:
    t = ARTICLE_2
    q = "“The vaccination programme cut hospital admissions, if the data hold up.”"
    return Analysis(
        document=document(t, "two.txt"),
        speakers=[Speaker(id="s1", name="Okafor", kind=SpeakerKind.person, role="professor", aliases=["Professor Okafor"])],
        quotes=[quote(t, "q1", q, "s1")],
        claims=[claim(t, "c1", q, "s1", "q1", checkworthiness=0.8, kind=ClaimKind.causal)],
        engine=Engine(backend="offline", model="offline", heuristic=True),
    )


def cell(comp: Comparison, name: str, claim_id: str) -> Any:
    row = next(r for r in comp.rows if r.name == name)
    return next(c for c in row.cells if claim_id in c.claim_ids)


# ------------------------------------------------------------------ offline path


def test_offline_groups_opposing_claims_into_one_proposition() -> None:
    comp = compare([analysis_1()], OFFLINE)
    assert comp.heuristic and comp.engine.heuristic
    assert 1 <= len(comp.propositions) <= 8
    okafor, reyes = cell(comp, "Jane Okafor", "c1"), cell(comp, "Tom Reyes", "c2")
    assert okafor.proposition_id == reyes.proposition_id  # one point in dispute
    assert okafor.stance == Stance.favor
    assert reyes.stance == Stance.against
    prop = next(p for p in comp.propositions if p.id == okafor.proposition_id)
    assert "not" not in prop.text.split()  # phrased affirmatively, so the denial reads as against


def test_quote_ids_in_cells_exist_and_match_their_speaker() -> None:
    a = analysis_1()
    comp = compare([a], OFFLINE, include_unnamed=True)
    evidence = {q.id: q for q in comp.quotes}
    cited = [(row, q) for row in comp.rows for c in row.cells for q in c.quote_ids]
    assert cited
    for row, qid in cited:
        assert qid in evidence
        assert evidence[qid].row_id == row.id
        assert a.quote(qid) is not None and a.quote(qid).text == evidence[qid].text


def test_unnamed_sources_only_on_request() -> None:
    names = {r.name for r in compare([analysis_1()], OFFLINE).rows}
    assert "some analysts" not in names
    with_unnamed = compare([analysis_1()], OFFLINE, include_unnamed=True)
    assert "some analysts" in {r.name for r in with_unnamed.rows}


def test_author_row_on_request() -> None:
    a = analysis_1()
    a.claims.append(claim(ARTICLE_1, "c5", "extended its school vaccination programme", None, None, checkworthiness=0.6))
    assert all(r.kind != SpeakerKind.author for r in compare([a], OFFLINE).rows)
    rows = compare([a], OFFLINE, include_author=True).rows
    assert any(r.kind == SpeakerKind.author and "c5" in [c for x in r.cells for c in x.claim_ids] for r in rows)


def test_same_expert_in_two_documents_is_one_row() -> None:
    comp = compare([analysis_1(), analysis_2()], OFFLINE)
    okafor = [r for r in comp.rows if "Okafor" in r.name]
    assert len(okafor) == 1
    assert okafor[0].members == ["doc1:s1", "doc2:s1"]
    cited = {q for c in okafor[0].cells for q in c.quote_ids}
    assert {"doc1:q1", "doc2:q1"} <= cited  # ids are unambiguous across documents
    # both outlets' versions land on one point; the second is conditional, and the cell says so
    both = cell(comp, okafor[0].name, "doc2:c1")
    assert both is cell(comp, okafor[0].name, "doc1:c1")
    assert both.stance == Stance.favor and both.hedged
    assert "doc2:q1: uncertain, conditional" in both.rationale
    assert [d.id for d in comp.documents] == ["doc1", "doc2"]


def test_different_people_sharing_no_name_stay_apart() -> None:
    b = analysis_2()
    b.speakers[0] = Speaker(id="s1", name="Maria Lindqvist", kind=SpeakerKind.person)
    comp = compare([analysis_1(), b], OFFLINE)
    assert len([r for r in comp.rows if r.kind == SpeakerKind.person]) == 3


# ------------------------------------------------------------------ stance rules


def test_stance_rules() -> None:
    none = Hedging()
    ref = "The programme works."
    assert read_stance("The programme works well.", none, ref, is_reference=False).stance == Stance.favor
    assert read_stance("The programme does not work.", none, ref, is_reference=False).stance == Stance.against
    assert read_stance("Le programme ne marche pas.", none, ref, is_reference=False).stance == Stance.against
    assert read_stance("He denies the programme works.", none, ref, is_reference=False).stance == Stance.against
    assert read_stance("It works, if the data hold up.", none, ref, is_reference=False).stance == Stance.uncertain
    assert read_stance("Does the programme work?", none, ref, is_reference=False).stance == Stance.uncertain
    relayed = read_stance("Les Russes affirment que le programme marche.", none, ref, is_reference=False)
    assert relayed.stance == Stance.neutral
    # "ne … que" is restrictive, not a negation
    assert read_stance("Cela ne pourrait qu’indiquer un accord.", none, "Un accord.", is_reference=False).stance == Stance.favor
    hedged = Hedging(level=HedgeLevel.low, cues=[Cue(text="may", start=0, end=3, voice=Voice.speaker)])
    r = read_stance("may work", hedged, ref, is_reference=False)
    assert r.hedged and "may (speaker)" in r.reason


def test_neutral_statement() -> None:
    assert neutral_statement("Je pense que tout ce développement est une opération") == "Tout ce développement est une opération."
    assert neutral_statement("Loukachenko n’admettra jamais avoir été contraint") == "Loukachenko admettra avoir été contraint."
    assert neutral_statement("I think the plan won't work.") == "The plan will work."
    assert neutral_statement("“Taxes rose in May,” the minister said.") == "Taxes rose in May."


# ------------------------------------------------------------------ LLM path (run_task monkeypatched)


def llm_config() -> Config:
    return Config(model="test-model", base_url="http://127.0.0.1:9/v1", api_key="sk-test")


def test_llm_path_one_call_over_claims_and_quotes(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def fake_run_task(config: Config, task: str, variables: dict[str, str], response_model: type, *,
                      validation_context: dict[str, Any] | None, usage: Usage) -> Any:  # fmt: skip
        calls.append({"task": task, "variables": variables, "context": validation_context})
        usage.requests += 1
        payload = {
            "propositions": [
                {"id": "a", "text": "The vaccination programme cut hospital admissions."},
                {"id": "b", "text": "The budget pays for more clinics."},
                {"id": "c", "text": "The published figures are reliable."},
            ],
            "stances": [
                {"speaker_id": "r1", "proposition_id": "a", "stance": "favor", "hedged": False,
                 "quote_ids": ["doc1:q1"], "rationale": "Gives a 40 percent cut."},
                {"speaker_id": "r1", "proposition_id": "a", "stance": "uncertain", "hedged": True,
                 "quote_ids": ["doc2:q1"], "rationale": "duplicate pair, dropped"},
                {"speaker_id": "r2", "proposition_id": "a", "stance": "against", "hedged": False,
                 "quote_ids": ["doc1:q2"], "rationale": "Says it did not."},
                {"speaker_id": "r2", "proposition_id": "b", "stance": "favor", "hedged": False,
                 "quote_ids": ["doc1:q3"], "rationale": "Announces the clinics."},
            ],
        }
        return response_model.model_validate(payload, context=validation_context)

    monkeypatch.setattr("claims.llm.run_task", fake_run_task)
    usage = Usage()
    comp = compare([analysis_1(), analysis_2()], llm_config(), usage=usage)
    assert len(calls) == 1 and calls[0]["task"] == "compare"
    sent = "\n".join(calls[0]["variables"].values())
    assert "Lakeside officials met on Tuesday" not in sent  # article text is not sent again
    assert "doc1:q2" in sent and "Tom Reyes" in sent
    assert not comp.heuristic and comp.engine.prompt_versions == {"compare": "1"}
    assert usage.requests == 1 and comp.usage.requests == 1
    assert [p.id for p in comp.propositions] == ["p1", "p2", "p3"]
    okafor = next(r for r in comp.rows if "Okafor" in r.name)
    assert len(okafor.cells) == 1 and okafor.cells[0].stance == Stance.favor


def context() -> dict[str, Any]:
    return {"speaker_ids": ["r1", "r2"], "quote_owner": {"q1": "r1", "q2": "r2"}, "min_propositions": 1}


def test_llm_response_with_unknown_ids_is_rejected() -> None:
    good = {"propositions": [{"id": "p1", "text": "X."}],
            "stances": [{"speaker_id": "r1", "proposition_id": "p1", "stance": "favor", "hedged": False,
                         "quote_ids": ["q1"], "rationale": "r"}]}  # fmt: skip
    LLMComparison.model_validate(good, context=context())
    for field, bad in [("quote_ids", ["q9"]), ("speaker_id", "r7"), ("proposition_id", "p4"), ("stance", "maybe")]:
        data = json.loads(json.dumps(good))
        data["stances"][0][field] = bad
        with pytest.raises(ValidationError):
            LLMComparison.model_validate(data, context=context())
    stolen = json.loads(json.dumps(good))
    stolen["stances"][0]["quote_ids"] = ["q2"]  # another speaker's quote
    with pytest.raises(ValidationError, match="not by speaker"):
        LLMComparison.model_validate(stolen, context=context())
    few = dict(good, propositions=good["propositions"])
    with pytest.raises(ValidationError, match="at least 3"):
        LLMComparison.model_validate(few, context={**context(), "min_propositions": 3})


def test_compare_prompt_template_loads_with_the_variables_given() -> None:
    from claims.prompts import load

    prompt = load("compare")
    assert prompt.version == "1"
    assert prompt.variables() == {"language", "min_propositions", "max_propositions", "speakers", "claims", "quotes"}


# ------------------------------------------------------------------ writers


def test_table_has_rows_columns_legend_and_evidence() -> None:
    comp = compare([analysis_1(), analysis_2()], OFFLINE)
    table = render_comparison(comp, "table")
    assert LEGEND in table and "heuristic" in table
    lines = table.splitlines()
    header = next(ln for ln in lines if ln.startswith("Speaker"))
    assert header.split()[1:] == [f"P{n}" for n in range(1, len(comp.propositions) + 1)]
    reyes = next(ln for ln in lines if ln.startswith("Tom Reyes"))
    assert "−" in reyes  # Reyes' denial
    for row in comp.rows:
        for c in row.cells:
            for q in c.quote_ids:
                assert f"[{q}]" in table


def test_csv_json_markdown() -> None:
    a = analysis_1()
    a.speakers[0].role = "=HYPERLINK(\"http://evil.example\")"
    comp = compare([a], OFFLINE)
    out = render_comparison(comp, "csv")
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert len(rows) == sum(len(r.cells) for r in comp.rows)
    assert all(not r["role"].startswith("=") for r in rows)
    assert any(r["role"].startswith("'=HYPERLINK") for r in rows)
    again = Comparison.model_validate_json(render_comparison(comp, "json"))
    assert again == comp
    md = render_comparison(comp, "markdown")
    table_lines = [ln for ln in md.splitlines() if ln.startswith("| ")]
    assert all(ln.count("|") - ln.count("\\|") == len(comp.propositions) + 2 for ln in table_lines)


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError):
        render_comparison(compare([analysis_1()], OFFLINE), "xml")


# ------------------------------------------------------------------ grouping by topic, not by speaker


def _restated(text: str, source: str, speakers: list[tuple[str, str, str]]) -> Analysis:
    """An analysis whose claims are restated the offline way ("According to NAME, CLAUSE.")
    over indirect quotes: (speaker name, quoted clause, claim id) per claim."""
    quotes, claims_, people = [], [], []
    for n, (name, clause, cid) in enumerate(speakers, 1):
        s, e = span(text, clause)
        quotes.append(Quote(id=f"q{n}", text=clause, start=s, end=e, type="indirect", speaker_id=f"s{n}"))
        claims_.append(Claim(id=cid, statement=f"According to {name}, {clause}.", start=s, end=e,
                             speaker_id=f"s{n}", quote_id=f"q{n}", checkworthiness=0.5))  # fmt: skip
        people.append(Speaker(id=f"s{n}", name=name, kind=SpeakerKind.person))
    return Analysis(document=document(text, source), speakers=people, quotes=quotes, claims=claims_,
                    engine=Engine(backend="offline", model="offline", heuristic=True))  # fmt: skip


def test_a_restated_claims_frame_is_not_read_as_relaying() -> None:
    """'According to Jane Okafor, X' is Okafor asserting X, not Okafor relaying someone's claim."""
    text = "Jane Okafor said the harbour tunnel will open in March.\n"
    comp = compare([_restated(text, "a.txt", [("Jane Okafor", "the harbour tunnel will open in March", "c1")])], OFFLINE)
    cell_ = comp.rows[0].cells[0]
    assert cell_.stance == Stance.favor and "relays" not in cell_.rationale


def test_claims_group_by_what_they_say_not_by_who_says_them() -> None:
    """Each speaker's restated claims all carry the speaker's name; the grouping must not pair a
    speaker's unrelated claims on that name, and must put two speakers on one point together."""
    text = (
        "Mira Lindqvist said the harbour tunnel will open in March.\n"
        "Mira Lindqvist said the orchestra needs a new conductor.\n"
        "Omar Haddad said the harbour tunnel will open in March at the earliest.\n"
    )
    a = _restated(text, "a.txt", [
        ("Mira Lindqvist", "the harbour tunnel will open in March", "c1"),
        ("Mira Lindqvist", "the orchestra needs a new conductor", "c2"),
        ("Omar Haddad", "the harbour tunnel will open in March at the earliest", "c3"),
    ])  # fmt: skip
    a.speakers[1] = a.speakers[0].model_copy(update={"id": "s2"})  # one person, two claims
    comp = compare([a], OFFLINE)
    where = {cid: c.proposition_id for row in comp.rows for c in row.cells for cid in c.claim_ids}
    assert where["c1"] == where["c3"] != where["c2"]


def test_a_claim_on_the_topic_but_not_the_point_is_neutral() -> None:
    """Grouped into one column by topic words, a claim that shares little with the column's
    central claim is not counted as making that point."""
    from claims.compare import SAME_POINT, TOPIC_THRESHOLD, _gather, _topic_text
    from claims.tfidf import similarity_matrix, tfidf

    text = (
        "Ana Duarte said the harbour tunnel budget doubled to 900 million after the flooding of the works.\n"
        "Kofi Osei said the harbour tunnel workers want a new contract.\n"
        "Lena Keller said the orchestra needs a new conductor for the spring season.\n"
    )
    a = _restated(text, "a.txt", [
        ("Ana Duarte", "the harbour tunnel budget doubled to 900 million after the flooding of the works", "c1"),
        ("Kofi Osei", "the harbour tunnel workers want a new contract", "c2"),
        ("Lena Keller", "the orchestra needs a new conductor for the spring season", "c3"),
    ])  # fmt: skip
    g = _gather([a], False, False)
    sim = similarity_matrix(tfidf([_topic_text(u, g.names[u.row_id]) for u in g.units]))
    assert TOPIC_THRESHOLD <= sim[0][1] < SAME_POINT  # the case this test is about
    comp = compare([a], OFFLINE)
    cells = {cid: c for row in comp.rows for c in row.cells for cid in c.claim_ids}
    assert cells["c1"].proposition_id == cells["c2"].proposition_id != cells["c3"].proposition_id
    central, other = sorted((cells["c1"], cells["c2"]), key=lambda c: c.stance != Stance.favor)
    assert central.stance == Stance.favor and other.stance == Stance.neutral
    assert "same topic" in other.rationale
