"""`claims worksheet`: entries, ordering, rule-based checkables and questions, and the writers."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import pytest

from claims.render.worksheet import render_worksheet
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
    Voice,
)
from claims.verify import checkables
from claims.worksheet import build_worksheet, source_text

# Invented articles (not from any data set).
FR = (
    "Le gouvernement a annoncé mardi 14 mars 2023 la fermeture de 12 maternités.\n"
    "« Nous avons perdu 3 500 lits en dix ans », a déclaré Claire Dubois, présidente de la "
    "Fédération hospitalière. Elle estime que la réforme pourrait aggraver la situation.\n"
    "Le ministre Paul Martin a jugé ces chiffres « exagérés ».\n"
    "C'est une honte, selon certains élus.\n"
)
EN = (
    "=SUM(A1:A9) was typed into the city budget, the auditor <script>document.title='pwned'</script> said.\n"
    "“Spending rose by $2.4 million in 2022,” said Ann Lee, the city auditor.\n"
)


def at(text: str, fragment: str) -> tuple[int, int]:
    s = text.index(fragment)
    return s, s + len(fragment)


def doc(text: str, language: str, source: str = "article.txt") -> Document:
    return Document(
        source=source, sha256=hashlib.sha256(text.encode()).hexdigest(), language=language,
        chars=len(text), text=text,
    )


def french() -> Analysis:
    t = FR
    q1 = "« Nous avons perdu 3 500 lits en dix ans »"
    q2 = "« exagérés »"
    pourrait = at(t, "pourrait")
    return Analysis(
        document=doc(t, "fr"),
        speakers=[
            Speaker(id="s1", name="Claire Dubois", kind=SpeakerKind.person, role="présidente de la Fédération hospitalière"),
            Speaker(id="s2", name="Paul Martin", kind=SpeakerKind.person, role="ministre"),
            Speaker(id="s3", name="certains élus", kind=SpeakerKind.unnamed),
        ],
        quotes=[
            Quote(id="q1", text=q1, start=at(t, q1)[0], end=at(t, q1)[1], type="direct", speaker_id="s1"),
            Quote(id="q2", text=q2, start=at(t, q2)[0], end=at(t, q2)[1], type="direct", speaker_id="s2"),
        ],
        claims=[
            Claim(id="c1", statement="Le gouvernement a annoncé la fermeture de 12 maternités le 14 mars 2023.",
                  start=0, end=at(t, "maternités.")[1], checkworthiness=0.8, kind=ClaimKind.event),
            Claim(id="c2", statement="La France a perdu 3 500 lits d'hôpital en dix ans.", start=at(t, q1)[0],
                  end=at(t, q1)[1], quote_id="q1", speaker_id="s1", checkworthiness=0.95, kind=ClaimKind.statistic,
                  checkworthiness_reason="chiffre national vérifiable"),
            Claim(id="c3", statement="La réforme pourrait aggraver la situation des hôpitaux.",
                  start=at(t, "Elle estime")[0], end=at(t, "la situation.")[1], speaker_id="s1",
                  checkworthiness=0.5, kind=ClaimKind.prediction,
                  hedging=Hedging(level=HedgeLevel.medium, cues=[
                      Cue(text="pourrait", start=pourrait[0], end=pourrait[1], voice=Voice.speaker, kind=CueKind.modal),
                      Cue(text="estime", start=at(t, "estime")[0], end=at(t, "estime")[1], voice=Voice.author,
                          kind=CueKind.epistemic)])),
            Claim(id="c4", statement="Les chiffres de Claire Dubois sont exagérés.", start=at(t, q2)[0],
                  end=at(t, q2)[1], quote_id="q2", speaker_id="s2", checkworthiness=0.6, kind=ClaimKind.opinion),
            Claim(id="c5", statement="C'est une honte.", start=at(t, "C'est une honte")[0],
                  end=at(t, "C'est une honte")[1], speaker_id="s3", checkworthiness=0.3, kind=ClaimKind.other),
        ],
        engine=Engine(backend="offline", model="offline", heuristic=True),
    )


def english(source: str = "budget.txt") -> Analysis:
    t = EN
    q = "“Spending rose by $2.4 million in 2022,”"
    return Analysis(
        document=doc(t, "en", source),
        speakers=[Speaker(id="s1", name="Ann Lee", kind=SpeakerKind.person, role="city auditor")],
        quotes=[Quote(id="q1", text=q, start=at(t, q)[0], end=at(t, q)[1], type="direct", speaker_id="s1")],
        claims=[
            Claim(id="c1", statement="=SUM(A1:A9) was typed into the city budget <script>document.title='pwned'</script>.",
                  start=0, end=t.index("\n"), checkworthiness=0.4, kind=ClaimKind.event),
            Claim(id="c2", statement="City spending rose by $2.4 million in 2022.", start=at(t, q)[0], end=at(t, q)[1],
                  quote_id="q1", speaker_id="s1", checkworthiness=0.9, kind=ClaimKind.statistic),
        ],
        engine=Engine(backend="openai-compatible", model="m"),
    )


# ------------------------------------------------------------------ model


def test_entries_most_checkworthy_first_opinions_apart() -> None:
    ws = build_worksheet([french()])
    assert [e.claim_id for e in ws.entries] == ["c2", "c1"]
    scores = [e.checkworthiness for e in ws.entries]
    assert scores == sorted(scores, reverse=True)
    apart = {e.claim_id: e.apart_reason for e in ws.apart}
    # an opinion, and claims with nothing concrete (no figure, date or name) to check
    assert set(apart) == {"c3", "c4", "c5"}
    assert "opinion" in apart["c4"] and "rien de concret" in apart["c5"] and "rien de concret" in apart["c3"]
    assert [e.claim_id for e in ws.apart] == ["c4", "c3", "c5"]  # still by check-worthiness
    assert [e.number for e in ws.entries + ws.apart] == [1, 2, 3, 4, 5]
    assert all(2 <= len(e.questions) <= 3 for e in ws.entries + ws.apart)
    assert ws.heuristic


def test_min_score_leaves_out_low_claims() -> None:
    ws = build_worksheet([french()], min_score=0.6)
    assert {e.claim_id for e in ws.entries + ws.apart} == {"c1", "c2", "c4"}


def test_entry_fields() -> None:
    ws = build_worksheet([french()])
    top = ws.entries[0]
    assert top.quote == "« Nous avons perdu 3 500 lits en dix ans »" and top.verbatim_is_quote
    assert (top.paragraph, top.sentence) == (2, 1)  # located from the text when not finalised
    assert top.speaker == "Claire Dubois" and top.speaker_role.startswith("présidente")
    assert top.reason == "chiffre national vérifiable"  # the analyser's own reason wins
    assert "3 500 lits" in top.to_verify.numbers
    assert 2 <= len(top.questions) <= 3
    assert top.questions[0].question.startswith("D'où vient le chiffre « 3 500 lits »")  # French article
    assert top.verdict == top.evidence == top.checked_by == top.date == ""
    event = ws.entries[1]
    assert not event.verbatim_is_quote and event.quote.startswith("Le gouvernement a annoncé")
    assert "12 maternités" in event.to_verify.numbers
    assert "mardi 14 mars 2023" in event.to_verify.dates
    assert event.speaker is None and event.paragraph == 1
    assert event.reason  # derived when the analyser gave none
    hedged = next(e for e in ws.apart if e.claim_id == "c3")
    whose = {(h.text, h.whose) for h in hedged.hedges}
    assert ("pourrait", "Claire Dubois") in whose  # inside the speaker's words
    assert any(h.text == "estime" and h.whose.startswith("l'article") for h in hedged.hedges)
    unnamed = next(e for e in ws.apart if e.claim_id == "c5")
    assert unnamed.questions[0].question.startswith("Qui sont « certains élus »")


def test_question_for_a_cited_document() -> None:
    a = french()
    a.speakers[1] = Speaker(id="s2", name="rapport de la Cour des comptes", kind=SpeakerKind.document)
    entry = next(e for e in build_worksheet([a]).apart if e.claim_id == "c4")
    assert any(q.question.startswith("Retrouver le document « rapport de la Cour des comptes »") for q in entry.questions)
    assert not any("a-t-il bien tenu ces propos" in q.question for q in entry.questions)


def test_english_questions_and_scoped_ids_across_documents() -> None:
    ws = build_worksheet([french(), english()])
    ids = [e.claim_id for e in ws.entries + ws.apart]
    assert len(ids) == len(set(ids)) and all(i.startswith(("doc1:", "doc2:")) for i in ids)
    lee = next(e for e in ws.entries if e.speaker == "Ann Lee")
    assert lee.language == "en" and lee.questions[0].question.startswith("Where does the figure")
    assert lee.quote_id == "doc2:q1"


def test_checkables_rules() -> None:
    c = checkables("Unemployment fell to 4.2% in March 2023, the Bureau of Labor Statistics said on Friday.")
    assert c.entities == ["Bureau of Labor Statistics"]  # a sentence-initial capital is not a name
    assert "4.2%" in c.numbers and "March 2023" in c.dates and "Friday" in c.dates
    assert "2023" not in c.numbers  # a year is a date
    fr = checkables("Selon l'Insee, le chômage a baissé de 3,5 % en 2022, soit 120 000 personnes.")
    assert "Insee" in fr.entities and "3,5 %" in fr.numbers and "120 000 personnes" in fr.numbers
    assert "en 2022" in fr.dates
    assert checkables("c'est une honte").empty


def test_source_text_reread_only_when_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(FR, encoding="utf-8")
    a = french()
    a.document.text, a.document.source = None, str(path)
    assert source_text(a) == FR
    path.write_text(FR + "changed", encoding="utf-8")
    assert source_text(a) is None
    entry = next(e for e in build_worksheet([a]).entries if e.claim_id == "c1")
    assert entry.quote is None  # no verbatim text rather than the wrong one


# ------------------------------------------------------------------ writers


def test_markdown_lists_every_claim_and_escapes_markup() -> None:
    ws = build_worksheet([french(), english()])
    md = render_worksheet(ws, "markdown")
    assert isinstance(md, str)
    for e in ws.entries + ws.apart:
        assert f"### {e.number}." in md
    assert md.index("Opinions et affirmations invérifiables") > md.index("### 2.")
    assert "<script>" not in md and "\\<script\\>" in md


def test_csv_bom_rows_and_formula_neutralised() -> None:
    ws = build_worksheet([english()])
    data = render_worksheet(ws, "csv")
    assert isinstance(data, bytes) and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 2 and [r["claim_id"] for r in rows] == ["c2", "c1"]
    formula = next(r for r in rows if r["claim_id"] == "c1")
    assert formula["claim"].startswith("'=SUM")
    for r in rows:
        for value in r.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    fr_rows = list(csv.DictReader(io.StringIO(render_worksheet(build_worksheet([french()]), "csv").decode("utf-8-sig"))))
    assert "présidente" in fr_rows[0]["speaker_role"]
    assert [r["section"] for r in fr_rows] == ["check"] * 2 + ["apart"] * 3


def test_jsonld_one_claimreview_per_claim() -> None:
    ws = build_worksheet([english()], url="https://news.example/budget")
    raw = render_worksheet(ws, "jsonld")
    assert isinstance(raw, str) and "<" not in raw  # safe to paste into a <script> block
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org"
    reviews = data["@graph"]
    assert len(reviews) == 2
    for r in reviews:
        assert r["@type"] == "ClaimReview" and r["datePublished"] == ""
        assert r["reviewRating"]["@type"] == "Rating" and r["reviewRating"]["ratingValue"] == ""
        assert r["itemReviewed"]["@type"] == "Claim"
        assert r["itemReviewed"]["appearance"]["url"] == "https://news.example/budget"
    first = reviews[0]
    assert first["claimReviewed"] == "City spending rose by $2.4 million in 2022."
    assert first["itemReviewed"]["author"] == {"@type": "Person", "name": "Ann Lee", "jobTitle": "city auditor"}
    assert "<script>" in reviews[1]["claimReviewed"]  # the escapes decode back to the text
    no_url = json.loads(render_worksheet(build_worksheet([english()]), "jsonld"))
    assert all("appearance" not in r["itemReviewed"] for r in no_url["@graph"])


def test_html_escapes_article_text() -> None:
    html = render_worksheet(build_worksheet([english()]), "html")
    assert isinstance(html, str)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in html
    assert "@media print" in html and "size: A4" in html


def test_unknown_format() -> None:
    with pytest.raises(ValueError):
        render_worksheet(build_worksheet([english()]), "pdf")


# ------------------------------------------------------------------ in a real headless browser
# The HTML worksheet in Debian `chromium`: it renders every claim, markup from an article stays
# inert text, and it prints on A4.

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER = next((b for b in map(shutil.which, BROWSERS) if b), None)
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no chromium binary on PATH (install the Debian package: apt-get install -y chromium)"
)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--no-default-browser-check",
]


def run_browser(tmp_path: Path, page: Path, *args: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    done = subprocess.run(
        [str(BROWSER), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def title(dom: str) -> str:
    m = re.search(r"<title>(.*?)</title>", dom, re.S)
    return m.group(1) if m else ""


@needs_browser
def test_browser_would_notice_a_script_that_runs(tmp_path: Path) -> None:
    """Control: in this harness an unescaped script does execute, so the next test means something."""
    page = tmp_path / "control.html"
    page.write_text("<html><head><title>before</title></head><body><script>document.title='ran'</script></body></html>")
    assert title(run_browser(tmp_path, page, "--dump-dom")) == "ran"


@needs_browser
def test_html_worksheet_renders_every_claim_and_keeps_scripts_inert(tmp_path: Path) -> None:
    ws = build_worksheet([english(), french()])
    html = render_worksheet(ws, "html")
    assert isinstance(html, str)
    page = tmp_path / "worksheet.html"
    page.write_text(html, encoding="utf-8")
    dom = run_browser(tmp_path, page, "--dump-dom")
    assert "<script" not in dom.lower()  # no element was created from article text
    assert title(dom) == escape(f"Fact-check worksheet — {ws.documents[0].source}", quote=False)
    assert "pwned" not in title(dom)
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom  # shown as text
    entries = ws.entries + ws.apart
    assert dom.count('<article class="claim"') == len(entries) == 7
    for e in entries:
        assert escape(e.claim, quote=False) in dom
        assert f'id="claim-{e.number}"' in dom
    positions = [dom.index(f'id="claim-{e.number}"') for e in entries]
    assert positions == sorted(positions)  # most check-worthy first, opinions apart at the end


@needs_browser
def test_html_worksheet_prints_on_a4(tmp_path: Path) -> None:
    page = tmp_path / "worksheet.html"
    page.write_text(render_worksheet(build_worksheet([french()]), "html"), encoding="utf-8")
    pdf = tmp_path / "worksheet.pdf"
    run_browser(tmp_path, page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes, "no page in the PDF"
    for w, h in boxes:  # A4 is 595 x 842 points
        assert abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2


def test_french_worksheet_names_kinds_and_hedging_levels_in_french() -> None:
    import claims
    from claims.worksheet import build_worksheet

    text = (
        "Le ministre Paul Durand a affirmé mardi que le chômage avait baissé de 2 % en 2024.\n"
        "« La dette pourrait baisser dès l’an prochain », a-t-il ajouté.\n"
    )
    ws = build_worksheet([claims.analyze(text, model="offline", language="fr")])
    md = render_worksheet(ws, "markdown")
    kinds = {"statistique", "événement", "lien de cause à effet", "prévision", "opinion", "autre"}
    shown = [line.split("**: ", 1)[1] for line in md.splitlines() if line.startswith("- **Type**: ")]
    assert shown and set(shown) <= kinds
    levels = [line.split("**: ", 1)[1].split(":")[0] for line in md.splitlines() if line.startswith("- **Réserves**: ")]
    assert levels and set(levels) <= {"aucune", "faibles", "moyennes", "fortes"}
