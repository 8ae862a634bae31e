"""Finding a model's verbatim strings in the source and returning exact source offsets.

An exact match is tried first; failing that, typographic quotes, apostrophes, dashes and runs of
whitespace are folded on both sides and the match is mapped back to the source, so the returned
span always satisfies `text[start:end]` being real source text (the caller reports that slice).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

# The source text a model's answer is checked against, for the pydantic validators of the answer
# schemas: passed explicitly (`model_validate(..., context=...)`), or, where instructor validates
# without a context, set for the running task in this variable (claims.llm sets it).
VALIDATION_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("claims_validation", default=None)


def context_of(info: Any) -> dict[str, Any] | None:
    """The validation context for a pydantic validator (`info` is its ValidationInfo): explicit,
    else the running task's."""
    if info is not None and isinstance(info.context, dict):
        return info.context  # type: ignore[no-any-return]
    return VALIDATION_CONTEXT.get()


_FOLD = str.maketrans(
    {
        "’": "'", "‘": "'", "ʼ": "'", "`": "'",
        "“": '"', "”": '"', "«": '"', "»": '"', "„": '"',
        "–": "-", "—": "-", "‑": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    }
)  # fmt: skip


def _folded(text: str) -> tuple[str, list[int]]:
    """Folded text (whitespace runs collapsed to one space) and each folded char's source index."""
    out: list[str] = []
    index: list[int] = []
    prev_space = False
    for i, ch in enumerate(text.translate(_FOLD)):
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        out.append(ch)
        index.append(i)
    return "".join(out), index


def _occurrences(hay: str, needle: str) -> list[int]:
    found, i = [], hay.find(needle)
    while i >= 0:
        found.append(i)
        i = hay.find(needle, i + 1)
    return found


def find_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Every span of `text` matching `needle` exactly, else after folding (empty when absent)."""
    needle = needle.strip()
    if not needle:
        return []
    exact = _occurrences(text, needle)
    if exact:
        return [(i, i + len(needle)) for i in exact]
    hay, index = _folded(text)
    pin, _ = _folded(needle)
    return [(index[i], index[i + len(pin) - 1] + 1) for i in _occurrences(hay, pin)]


def find_span(
    text: str, needle: str, near: int | None = None, within: tuple[int, int] | None = None
) -> tuple[int, int] | None:
    """The match of `needle` inside `within` if any, else the one nearest `near`, else the first."""
    spans = find_all(text, needle)
    if not spans:
        return None
    if within is not None:
        inside = [s for s in spans if within[0] <= s[0] and s[1] <= within[1]]
        spans = inside or spans
    if near is not None:
        return min(spans, key=lambda s: abs(s[0] - near))
    return spans[0]


def occurs(text: str, needle: str) -> bool:
    return bool(find_all(text, needle))


def nearest(spans: list[tuple[int, int]], target: tuple[int, int]) -> tuple[int, int] | None:
    """The span closest to `target` (0 when they touch or overlap); ties go to the earlier one."""

    def gap(s: tuple[int, int]) -> int:
        return max(0, s[0] - target[1], target[0] - s[1])

    return min(spans, key=lambda s: (gap(s), s[0])) if spans else None
