"""The offline analyser's work grows linearly with the article, counted in function calls (not
seconds, so the test does not depend on the machine): four times the text must cost about four
times the calls. Quadratic steps (every sentence against every quote, every cue against every
span, every speaker name against every other) made the ratio 7-16 on these sizes."""

from __future__ import annotations

import cProfile
import pstats

import claims

_CAST = [("Anna Keller", "she"), ("Peter Novak", "he"), ("Maria Lund", "she"), ("John Ortega", "he"),
         ("Claire Dubois", "she"), ("David Mensah", "he"), ("Sophie Brandt", "she"), ("Mark Ivanov", "he")]
_ORGS = ["the city", "the health authority", "Statistics Canada", "the union"]


def _article(paragraphs: int) -> str:
    """Synthetic news prose: direct and indirect quotes, pronoun cues, 'according to', hedges,
    numbers; a recurring cast, as a long article or a feed of related stories has."""
    out = []
    for i in range(paragraphs):
        name, pron = _CAST[i % len(_CAST)]
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


def test_offline_work_grows_linearly_with_the_text() -> None:
    small, large = _article(30), _article(120)
    _calls(small)  # warm-up: imports, compiled lexicons, name caches
    n_small, n_large = _calls(small), _calls(large)
    analysis = claims.analyze(large, model="offline", language="en", cache=False)
    assert len(analysis.quotes) >= 3 * 120 and len(analysis.speakers) >= len(_CAST)  # not vacuous
    ratio = n_large / n_small
    assert ratio < 5.0, f"4x the text took {ratio:.1f}x the function calls ({n_small} -> {n_large})"
