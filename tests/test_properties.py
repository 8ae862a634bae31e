"""Property-based tests (hypothesis): segmentation invariants and grounding, for any text.

Example counts are kept modest so the suite stays fast; raise them locally with
HYPOTHESIS_PROFILE=thorough when changing claims/segment.py.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.segment import chunk, paragraphs, sentences

settings.register_profile(
    "default-claims", max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default-claims"))

# Characters that stress the splitter: terminal punctuation, quotes of every kind, abbreviations'
# dots, whitespace of several kinds (including ones str.isspace() knows but "\n" splitting does not).
PUNCT = list(".!?…,;:\"'“”‘’«»()[]-–—¿¡") + [" ", " ", "\n", "\n\n", "\t", "\r", "\u2028", "\u00a0", "\u202f", ". »"]
WORDS = ["M.", "Dr.", "U.S.", "J.", "etc.", "Le", "il", "Ben", "Hodges", "a", "1.5", "3", "É", "été",
         "مرحبا", "שלום", "😀", "👩‍👩‍👧", "e\u0301"]

texts = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.sampled_from([c for c in PUNCT if len(c) == 1] + list("aAzZ0 éÉ")), max_size=300),
    st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(PUNCT)), max_size=120).map("".join),
    st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join),
)


def _check_sentences(text: str) -> None:
    paras = paragraphs(text)
    sents = sentences(text, paras)
    covered = [False] * len(text)
    prev_end = 0
    for i, s in enumerate(sents):
        assert s.index == i
        assert prev_end <= s.start < s.end <= len(text), (s, prev_end)
        p = paras[s.paragraph]
        assert p.start <= s.start and s.end <= p.end, (s, p)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        for k in range(s.start, s.end):
            covered[k] = True
        prev_end = s.end
    missing = [k for k, c in enumerate(text) if not c.isspace() and not covered[k]]
    assert not missing, f"non-space characters outside every sentence at {missing[:5]}"
    # paragraphs: ordered, non-overlapping, trimmed, and no newline inside one
    last = 0
    for p in paras:
        assert last <= p.start < p.end and "\n" not in text[p.start : p.end]
        last = p.end


@given(texts)
def test_sentence_spans_are_ordered_disjoint_inside_paragraphs_and_cover_text(text: str) -> None:
    _check_sentences(text)


@given(texts, st.integers(min_value=200, max_value=900))
def test_chunks_cover_sentences_in_order_within_budget(text: str, budget: int) -> None:
    chunks = chunk(text, budget=budget, context_chars=50)
    sents = sentences(text)
    prev_end = 0
    covered = [False] * len(text)
    for i, c in enumerate(chunks):
        assert c.index == i
        assert c.text == text[c.start : c.end]
        assert prev_end <= c.start < c.end, (prev_end, c.start, c.end)
        assert c.end - c.start <= budget
        assert c.sentences and c.sentences[0].start == c.start and c.sentences[-1].end == c.end
        assert c.context == "" or c.context.strip()
        for k in range(c.start, c.end):
            covered[k] = True
        prev_end = c.end
    for s in sents:  # every sentence's characters are in some chunk
        assert all(covered[k] or text[k].isspace() for k in range(s.start, s.end)), s
    # whole sentences stay together unless the sentence alone exceeds the budget
    for s in sents:
        if s.end - s.start <= budget:
            assert any(c.start <= s.start and s.end <= c.end for c in chunks), s


def _long_text(n_sentences: int, words: int) -> str:
    return " ".join(("mot " * words).strip() + "." for _ in range(n_sentences))


@given(st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=400),
       st.integers(min_value=200, max_value=2000))
def test_chunks_respect_budget_for_long_sentences(n: int, words: int, budget: int) -> None:
    text = _long_text(n, words)
    chunks = chunk(text, budget=budget)
    assert all(c.end - c.start <= budget for c in chunks)
    assert "".join(text[c.start : c.end] for c in chunks).replace(" ", "") == text.replace(" ", "")


def test_chunk_rejects_tiny_budget() -> None:
    with pytest.raises(ValueError):
        chunk("Some text.", budget=10)


def _reference_context(text: str, start: int, limit: int) -> str:
    """The documented context, computed the slow obvious way: lead + preceding paragraph text."""
    paras = paragraphs(text)
    if not paras or start <= paras[0].start:
        return ""
    i = max(k for k, p in enumerate(paras) if p.start <= start)
    prev_start = paras[i - 1].start if i >= 1 else paras[i].start
    parts = []
    if prev_start > paras[0].start:
        parts.append(text[paras[0].start : paras[0].end][:limit])
    before = text[prev_start:start].strip()
    if before:
        parts.append(before[-limit:])
    return "\n".join(parts)


@given(texts, st.integers(min_value=0, max_value=120))
def test_chunk_context_is_lead_and_preceding_paragraph(text: str, limit: int) -> None:
    for c in chunk(text, budget=200, context_chars=limit):
        assert c.context == _reference_context(text, c.start, limit)


# --- grounding of the offline analyser -----------------------------------------------------------

NEWS_BITS = ["« ", " »", "“", "”", "\"", ", a déclaré ", ", a-t-il ajouté", " selon ", "Selon ",
             " a affirmé que ", ", said ", " said that ", "according to ", " pourrait ", " aurait ",
             " may ", " might ", "probably ", "Le ministre", "Marie Curie", "il", "she", "They",
             "l'expert", "certains observateurs", " : ", ". ", ", ", "\n\n", "\n", "... ", "—",
             "20 %", "1,5 million", "M. Dupont", "Dr. Smith", "😀", "مرحبا", "e\u0301té"]
news_texts = st.one_of(
    st.lists(st.one_of(st.sampled_from(NEWS_BITS), st.sampled_from(WORDS)), min_size=1, max_size=60).map("".join),
    st.text(alphabet=st.sampled_from([c for c in PUNCT if len(c) == 1] + list("aAsdé «»“”")), min_size=1,
            max_size=200),
)


def _offline() -> bool:
    try:
        from claims.offline import analyse  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _offline(), reason="claims.offline.analyse is not written yet")
@given(news_texts, st.sampled_from([None, "fr", "en"]))
def test_offline_analyser_output_is_grounded_for_any_text(text: str, lang: str | None) -> None:
    import claims

    if not text.strip():
        return
    analysis = claims.analyze(text, model="offline", language=lang, cache=False)
    for q in analysis.quotes:
        assert text[q.start : q.end] == q.text
        if q.cue_start is not None:
            assert text[q.cue_start : q.cue_end] == q.cue
    for c in analysis.claims:
        assert 0 <= c.start < c.end <= len(text)
        for cue in c.hedging.cues + c.hedging.boosters:
            assert text[cue.start : cue.end] == cue.text
    assert analysis.check_grounding(text) == []
    # nothing was silently dropped by finalise(): the analyser itself produced grounded items
    assert analysis.usage.dropped == 0, analysis.warnings
