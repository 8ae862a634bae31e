"""Writers for `claims compare`: table (terminal), markdown, json, csv.

The table has speakers as rows and propositions as columns, one symbol per cell, then the
propositions in full and the quotes that back each stance, so every mark can be checked.
"""

from __future__ import annotations

import csv
import io
import textwrap

from ..compare import Cell, Comparison, Row
from ..stance import Stance
from .safe import csv_safe

FORMATS = ("table", "markdown", "json", "csv")
SYMBOL = {Stance.favor: "+", Stance.against: "−", Stance.neutral: "~", Stance.uncertain: "?"}
HEDGED, NO_POSITION = "*", "·"
LEGEND = "+ favor   − against   ~ neutral   ? uncertain   * hedged   · no position taken"
NAME_WIDTH = 32


def render_comparison(comp: Comparison, fmt: str) -> str:
    """The comparison in one of FORMATS."""
    if fmt == "json":
        return comp.model_dump_json(indent=2)
    if fmt == "table":
        return to_table(comp)
    if fmt == "markdown":
        return to_markdown(comp)
    if fmt == "csv":
        return to_csv(comp)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _mark(cell: Cell | None) -> str:
    if cell is None:
        return NO_POSITION
    return SYMBOL[cell.stance] + (HEDGED if cell.hedged else "")


def _cells(row: Row) -> dict[str, Cell]:
    return {c.proposition_id: c for c in row.cells}


def _label(row: Row) -> str:
    return f"{row.name} ({row.role})" if row.role else row.name


def _fit(s: str, width: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _how(comp: Comparison) -> str:
    if comp.heuristic:
        return "heuristic (offline rules: claims grouped by word overlap, stances from cue words)"
    e = comp.engine
    return f"{e.model} via {e.base_url}" if e.base_url else e.model


def _quote_text(comp: Comparison) -> dict[str, str]:
    return {q.id: " ".join(q.text.split()) for q in comp.quotes}


def to_table(comp: Comparison, width: int = 100) -> str:
    docs = ", ".join(f"{d.id} {d.title or d.source} ({d.language})" for d in comp.documents)
    out = [f"Stance comparison — {_how(comp)}", f"Documents: {docs}", ""]
    if not comp.propositions or not comp.rows:
        out.append("No speaker takes a position on a point the articles dispute.")
        return "\n".join(out + [f"Warning: {w}" for w in comp.warnings]) + "\n"
    out.append("Propositions")
    for n, p in enumerate(comp.propositions, 1):
        out.extend(textwrap.wrap(p.text, width, initial_indent=f"  P{n}  ", subsequent_indent="      "))
    out.append("")
    cols = [f"P{n}" for n in range(1, len(comp.propositions) + 1)]
    out.append(f"{'Speaker':<{NAME_WIDTH}}  " + "  ".join(f"{c:<3}" for c in cols))
    for row in comp.rows:
        cells = _cells(row)
        marks = [_mark(cells.get(p.id)) for p in comp.propositions]
        out.append(f"{_fit(_label(row), NAME_WIDTH):<{NAME_WIDTH}}  " + "  ".join(f"{m:<3}" for m in marks))
    out += ["", f"Legend: {LEGEND}", "", "Evidence"]
    quotes = _quote_text(comp)
    number = {p.id: n for n, p in enumerate(comp.propositions, 1)}
    for row in comp.rows:
        out.append(f"  {_label(row)}")
        for c in row.cells:
            hedge = " (hedged)" if c.hedged else ""
            out.append(f"    P{number[c.proposition_id]} {_mark(c)} {c.stance.value}{hedge} — {c.rationale}")
            for q in c.quote_ids:
                out.extend(
                    textwrap.wrap(f"[{q}] {quotes.get(q, '')}", width, initial_indent="        ", subsequent_indent="          ")
                )
    out += [f"Warning: {w}" for w in comp.warnings]
    return "\n".join(out) + "\n"


def _md(s: str) -> str:
    """Markdown table cell: one line, pipes and markup characters escaped."""
    s = " ".join(s.split())
    for ch in "\\|*_`[]<>#":
        s = s.replace(ch, "\\" + ch)
    return s


def to_markdown(comp: Comparison) -> str:
    out = ["# Stance comparison", "", f"*{_md(_how(comp))}*", ""]
    for d in comp.documents:
        out.append(f"- {d.id}: {_md(d.title or d.source)} ({d.language})")
    out += ["", "## Propositions", ""]
    for n, p in enumerate(comp.propositions, 1):
        out.append(f"{n}. **P{n}** {_md(p.text)}")
    cols = [f"P{n}" for n in range(1, len(comp.propositions) + 1)]
    out += ["", "## Stances", "", "| Speaker | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for row in comp.rows:
        cells = _cells(row)
        marks = [_md(_mark(cells.get(p.id))) for p in comp.propositions]
        out.append(f"| {_md(_label(row))} | " + " | ".join(marks) + " |")
    out += ["", f"Legend: {_md(LEGEND)}", "", "## Evidence", ""]
    quotes = _quote_text(comp)
    number = {p.id: n for n, p in enumerate(comp.propositions, 1)}
    for row in comp.rows:
        out += [f"### {_md(_label(row))}", ""]
        for c in row.cells:
            hedge = " (hedged)" if c.hedged else ""
            out.append(f"- **P{number[c.proposition_id]}** {c.stance.value}{hedge} — {_md(c.rationale)}")
            for q in c.quote_ids:
                out.append(f"  - `{q}` {_md(quotes.get(q, ''))}")
        out.append("")
    out += [f"> Warning: {_md(w)}" for w in comp.warnings]
    return "\n".join(out).rstrip() + "\n"


CSV_COLUMNS = [
    "speaker", "kind", "role", "members", "proposition_id", "proposition", "stance", "hedged",
    "quote_ids", "quotes", "rationale", "heuristic",
]


def to_csv(comp: Comparison) -> str:
    """One row per speaker × proposition with a stance; UTF-8 BOM so spreadsheets read accents."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    props = {p.id: p for p in comp.propositions}
    quotes = _quote_text(comp)
    for row in comp.rows:
        for c in row.cells:
            values = [
                row.name, row.kind.value, row.role or "", " ".join(row.members), c.proposition_id,
                props[c.proposition_id].text, c.stance.value, str(c.hedged).lower(), " ".join(c.quote_ids),
                " | ".join(quotes.get(q, "") for q in c.quote_ids), c.rationale, str(comp.heuristic).lower(),
            ]
            w.writerow([csv_safe(v) for v in values])
    return "\ufeff" + buf.getvalue()
