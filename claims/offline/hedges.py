"""Hedge and booster cues from per-language regex lexicons, with their voice: inside quotation
marks the words are the speaker's; outside, they are the author's framing."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from types import ModuleType

from ..schemas import CueKind, HedgeLevel


@dataclass(frozen=True)
class FoundCue:
    start: int
    end: int
    kind: CueKind
    booster: bool = False


class HedgeLexicon:
    """Compiled hedge and booster patterns of one language."""

    def __init__(self, mod: ModuleType) -> None:
        self.hedges = [(re.compile(p, re.I), CueKind(k)) for p, k in mod.HEDGES]
        self.boosters = [re.compile(p, re.I) for p in mod.BOOSTERS]

    def find(self, text: str) -> list[FoundCue]:
        """All cues, overlaps resolved in favour of the longer match (boosters kept apart)."""
        found: list[FoundCue] = []
        for rx, kind in self.hedges:
            found.extend(FoundCue(m.start(), m.end(), kind) for m in rx.finditer(text) if m.end() > m.start())
        for rx in self.boosters:
            found.extend(FoundCue(m.start(), m.end(), CueKind.booster, True) for m in rx.finditer(text))
        found.sort(key=lambda c: (-(c.end - c.start), c.start))
        kept: list[FoundCue] = []
        taken: list[tuple[int, int]] = []
        # kept cues never overlap, so (all being non-empty) the one starting last before a cue's
        # end is the only one to check: bisection instead of a scan of all kept
        sweep = all(c.end > c.start for c in found)
        starts: list[int] = []
        ends: list[int] = []
        for c in found:
            if sweep:
                k = bisect_left(starts, c.end) - 1
                if k >= 0 and ends[k] > c.start:
                    continue
                starts.insert(k + 1, c.start)
                ends.insert(k + 1, c.end)
            elif any(c.start < e and s < c.end for s, e in taken):
                continue
            kept.append(c)
            taken.append((c.start, c.end))
        kept.sort(key=lambda c: c.start)
        return kept


_WEIGHT = {CueKind.weasel: 1.0, CueKind.conditional: 1.0, CueKind.modal: 1.0,
           CueKind.epistemic: 1.0, CueKind.condition: 1.0, CueKind.other: 0.5}


def level(kinds: list[CueKind]) -> HedgeLevel:
    """Hedge level from the cues of one claim: one cue low, two medium, three or more high."""
    score = sum(_WEIGHT.get(k, 0.0) for k in kinds)
    if score <= 0:
        return HedgeLevel.none
    if score < 2:
        return HedgeLevel.low
    if score < 3:
        return HedgeLevel.medium
    return HedgeLevel.high
