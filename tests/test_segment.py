"""Paragraphs, sentences, chunks and the Locator (claims.segment) on hand-made French and English text."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.segment import Locator, chunk, paragraphs, sentences

SEED = Path(__file__).resolve().parent.parent / "seeds" / "belarus-nuclear-fr.txt"


def _sents(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentences(text)]


def test_paragraph_offsets_are_trimmed_and_exact() -> None:
    text = "  Titre  \n\nPremier paragraphe.\nLigne suivante.\n\n\n  Dernier.  "
    paras = paragraphs(text)
    assert [text[p.start : p.end] for p in paras] == ["Titre", "Premier paragraphe.", "Ligne suivante.", "Dernier."]
    assert [p.index for p in paras] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M. Macron a parlé. Il est parti.", ["M. Macron a parlé.", "Il est parti."]),
        ("Le Dr. Smith et J. Dupont sont venus. U.S. officials agreed.",
         ["Le Dr. Smith et J. Dupont sont venus.", "U.S. officials agreed."]),
        ("Vraiment ?! Oui… « Non ! » a-t-il crié.", ["Vraiment ?!", "Oui…", "« Non ! » a-t-il crié."]),
        ("Il a dit « oui. » Puis il est parti.", ["Il a dit « oui. »", "Puis il est parti."]),
        ("« Demain. »\u202fMais non.", ["« Demain. »", "Mais non."]),
        ('He said: "Go." Then he left. (See below.) Next.', ['He said: "Go."', "Then he left.", "(See below.)", "Next."]),
        ("Le 1er janv. 2024 fut froid. Le 3 déc. 2023 aussi.", ["Le 1er janv. 2024 fut froid.", "Le 3 déc. 2023 aussi."]),
        ("Il coûte 3.5 fois plus. Le prix : 1.200 €.", ["Il coûte 3.5 fois plus.", "Le prix : 1.200 €."]),
        ("pas de ponctuation du tout", ["pas de ponctuation du tout"]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert _sents(text) == expected


def test_sentences_never_cross_paragraphs() -> None:
    text = "Une phrase sans point\nUne autre ligne. Et une phrase"
    sents = sentences(text)
    assert [(text[s.start : s.end], s.paragraph) for s in sents] == [
        ("Une phrase sans point", 0), ("Une autre ligne.", 1), ("Et une phrase", 1)]


def test_chunks_fill_the_budget_with_whole_sentences() -> None:
    text = " ".join(f"Phrase numéro {i} avec quelques mots de plus." for i in range(100))
    chunks = chunk(text, budget=500)
    assert len(chunks) > 5
    sents = sentences(text)
    ends = {s.end for s in sents}
    for c in chunks:
        assert c.end - c.start <= 500 and c.end in ends and c.text == text[c.start : c.end]
    # greedy: adding the next sentence would have broken the budget
    for a, b in zip(chunks, chunks[1:], strict=False):
        nxt = next(s for s in sents if s.start == b.start)
        assert nxt.end - a.start > 500


def test_oversize_sentence_is_cut_at_spaces_within_budget() -> None:
    text = "Intro courte. " + "mot " * 600 + "fin."
    chunks = chunk(text, budget=400)
    assert all(c.end - c.start <= 400 for c in chunks)
    for c in chunks:  # cut at a space: no word split across chunks
        assert not (c.end < len(text) and text[c.end - 1].isalpha() and text[c.end].isalpha())


def test_chunk_context_is_lead_and_preceding_paragraph_only() -> None:
    paras = [f"Paragraphe {i}. " + "Texte de remplissage assez long. " * 8 for i in range(6)]
    text = "\n\n".join(paras)
    chunks = chunk(text, budget=300, context_chars=120)
    assert chunks[0].context == ""
    for c in chunks[1:]:
        assert len(c.context) <= 2 * 120 + 1
        assert c.context.strip() and c.context not in c.text
    later = [c for c in chunks if c.start > text.index("Paragraphe 3")]
    assert later and all(c.context.startswith("Paragraphe 0.") for c in later)  # the lead is always there


def test_seed_is_segmented_with_exact_offsets() -> None:
    text = SEED.read_text(encoding="utf-8")
    sents = sentences(text)
    assert len(sents) > 20
    for s in sents:
        piece = text[s.start : s.end]
        assert piece == piece.strip() and "\n" not in piece
    chunks = chunk(text, budget=1200)
    assert len(chunks) >= 4 and all(c.end - c.start <= 1200 for c in chunks)


def test_locator_numbers_paragraphs_and_sentences_from_one() -> None:
    text = "Titre\n\nPremière phrase. Deuxième phrase.\n\nAutre paragraphe. Encore une. Et trois."
    loc = Locator(text)
    assert loc.locate(0) == (1, 1)
    assert loc.locate(text.index("Deuxième")) == (2, 2)
    assert loc.locate(text.index("Et trois")) == (3, 3)
    assert loc.locate(text.index("Encore") + 3) == (3, 2)  # inside a sentence
    assert Locator("").locate(0) == (1, 1)
