"""The offline analyser's work grows linearly with the article, counted in function calls (not
seconds, so the test does not depend on the machine): four times the text must cost about four
times the calls. Quadratic steps (every sentence against every quote, every cue against every
span, every speaker name against every other) made the ratio 11-15 on these sizes."""

from __future__ import annotations

import cProfile
import pstats

import pytest

import claims

_CAST = [("Anna Keller", "she"), ("Peter Novak", "he"), ("Maria Lund", "she"), ("John Ortega", "he"),
         ("Claire Dubois", "she"), ("David Mensah", "he"), ("Sophie Brandt", "she"), ("Mark Ivanov", "he")]
_ORGS = ["the city", "the health authority", "Statistics Canada", "the union"]


_SYLLABLES = ["mar", "ton", "bel", "ric", "sa", "lin", "dor", "ven", "ka", "lo", "mi", "ran", "tes", "gu"]


def _newcomer(i: int) -> tuple[str, str]:
    """A made-up person of its own for paragraph i ("Anna Tonbelric")."""
    first, pron = _CAST[i % len(_CAST)]
    n = len(_SYLLABLES)
    surname = "".join(_SYLLABLES[(i // n**k) % n] for k in range(3)).capitalize()
    return f"{first.split()[0]} {surname}", pron


def _article(paragraphs: int, distinct: bool = False) -> str:
    """Synthetic news prose: direct and indirect quotes, pronoun cues, 'according to', hedges,
    numbers; a recurring cast, as a long article or a feed of related stories has, or (with
    `distinct`) a new speaker in every paragraph, as a large corpus file has."""
    out = []
    for i in range(paragraphs):
        name, pron = _newcomer(i) if distinct else _CAST[i % len(_CAST)]
        surname = name.split()[1]
        org = _ORGS[i % len(_ORGS)]
        out.append(
            f'"The budget will grow by {i % 9 + 2} per cent in {2000 + i % 25}," said {name}, a '
            f"councillor in district {i}. {surname} added that the plan was probably too optimistic. "
            f'"We may need more time," {pron} said.\n\n'
            f"According to {org}, the costs could rise again by {i * 7 % 50} million. Some experts "
            f"say the forecast might be wrong, and the council will vote on it next week.\n\n"
        )
    return "".join(out)


def _calls(text: str) -> int:
    prof = cProfile.Profile()
    prof.runcall(claims.analyze, text, model="offline", language="en", cache=False)
    return pstats.Stats(prof).total_calls  # type: ignore[attr-defined]


@pytest.mark.parametrize("distinct", [False, True], ids=["recurring-cast", "new-speakers"])
def test_offline_work_grows_linearly_with_the_text(distinct: bool) -> None:
    small, large = _article(30, distinct), _article(120, distinct)
    _calls(small)  # warm-up: imports, compiled lexicons, name caches
    n_small, n_large = _calls(small), _calls(large)
    analysis = claims.analyze(large, model="offline", language="en", cache=False)
    assert len(analysis.quotes) >= 3 * 120  # not vacuous: every paragraph's quotes are found
    assert len(analysis.speakers) >= (100 if distinct else len(_CAST))  # spelling variants merge
    ratio = n_large / n_small
    assert ratio < 5.0, f"4x the text took {ratio:.1f}x the function calls ({n_small} -> {n_large})"
