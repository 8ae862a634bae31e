"""`compare` and `worksheet` end to end on the seed article through the offline analyser."""

from __future__ import annotations

from pathlib import Path

import pytest

import claims
from claims.compare import compare
from claims.config import Config
from claims.render.compare import render_comparison
from claims.render.worksheet import render_worksheet
from claims.worksheet import build_worksheet

SEED = Path(__file__).resolve().parent.parent / "seeds" / "belarus-nuclear-fr.txt"
# An invented English article quoting the same expert as the seed.
OTHER = (
    "Officials in Vilnius met on Thursday to discuss the border.\n"
    "\"Moscow wants the West to hesitate before helping Kyiv,\" said retired general Ben Hodges, "
    "a former commander of US Army Europe.\n"
)


@pytest.fixture(scope="module")
def seed() -> claims.Analysis:  # type: ignore[name-defined]
    return claims.analyze(SEED.read_text(encoding="utf-8"), source=str(SEED), model="offline")


def test_seed_compare_rows_backed_by_real_quotes(seed) -> None:  # type: ignore[no-untyped-def]
    comp = compare([seed], Config())
    assert comp.heuristic and 3 <= len(comp.propositions) <= 8
    names = " | ".join(r.name for r in comp.rows).lower()
    for who in ("hodges", "menon", "tsikhanouskaya", "ukrainiens", "état"):
        assert who in names, names
    text = SEED.read_text(encoding="utf-8")
    for row in comp.rows:
        for cell in row.cells:
            assert cell.quote_ids, (row.name, cell)
            for qid in cell.quote_ids:
                q = seed.quote(qid)
                assert q is not None and text[q.start : q.end] == q.text
                assert seed.speaker(q.speaker_id).id in row.members
    assert "Legend:" in render_comparison(comp, "table")


def test_same_expert_across_two_articles_is_one_row(seed) -> None:  # type: ignore[no-untyped-def]
    other = claims.analyze(OTHER, source="other.txt", model="offline")
    comp = compare([seed, other], Config())
    hodges = [r for r in comp.rows if "hodges" in r.name.lower()]
    assert len(hodges) == 1
    assert {m.split(":")[0] for m in hodges[0].members} == {"doc1", "doc2"}


def test_seed_worksheet_in_check_worthiness_order(seed) -> None:  # type: ignore[no-untyped-def]
    ws = build_worksheet([seed])
    scores = [e.checkworthiness for e in ws.entries]
    assert scores == sorted(scores, reverse=True) and len(ws.entries) >= 3
    text = SEED.read_text(encoding="utf-8")
    for e in ws.entries + ws.apart:
        assert e.quote is None or e.quote in text
        assert e.paragraph is not None and 2 <= len(e.questions) <= 3
    for fmt in ("markdown", "html", "csv", "jsonld"):
        out = render_worksheet(ws, fmt)
        body = out.decode("utf-8-sig") if isinstance(out, bytes) else out
        first = ws.entries[0].claim if fmt != "html" else ws.entries[0].claim.replace("'", "&#x27;")
        assert first.split()[0] in body
