"""Worksheet as CSV for spreadsheets: one row per claim, UTF-8 with BOM (so Excel reads accents),
every cell neutralised against formula injection."""

from __future__ import annotations

import csv
import io

from ..worksheet import Entry, Worksheet
from .safe import csv_safe

COLUMNS = [
    "number", "section", "document", "claim_id", "claim", "quote", "quote_id", "paragraph", "sentence",
    "speaker", "speaker_role", "kind", "checkworthiness", "reason", "hedging", "hedge_cues",
    "entities", "numbers", "dates", "questions", "sources", "apart_reason",
    "verdict", "evidence", "checked_by", "date",
]


def _row(e: Entry, section: str) -> list[str]:
    cues = "; ".join(f"{h.text} ({h.whose})" for h in e.hedges)
    return [
        str(e.number), section, e.document, e.claim_id, e.claim, e.quote or "", e.quote_id or "",
        "" if e.paragraph is None else str(e.paragraph), "" if e.sentence is None else str(e.sentence),
        e.speaker or "", e.speaker_role or "", e.kind.value, f"{e.checkworthiness:.2f}", e.reason,
        e.hedging.value, cues, "; ".join(e.to_verify.entities), "; ".join(e.to_verify.numbers),
        "; ".join(e.to_verify.dates), "\n".join(q.question for q in e.questions),
        "\n".join(", ".join(q.sources) for q in e.questions), e.apart_reason or "",
        e.verdict, e.evidence, e.checked_by, e.date,
    ]


def render(ws: Worksheet) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for section, entries in (("check", ws.entries), ("apart", ws.apart)):
        for e in entries:
            w.writerow([csv_safe(v) for v in _row(e, section)])
    return buf.getvalue().encode("utf-8-sig")
