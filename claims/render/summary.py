"""Writers for `claims summarize`: table (terminal), markdown, json, jsonl, csv."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterable

from ..schemas import Analysis, Claim, HedgeLevel, Speaker
from .safe import csv_safe

FORMATS = ("table", "markdown", "json", "jsonl", "csv")
_HEDGE_MARK = {HedgeLevel.none: " ", HedgeLevel.low: "~", HedgeLevel.medium: "≈", HedgeLevel.high: "≋"}


def to_json(analysis: Analysis) -> str:
    return analysis.model_dump_json(indent=2)


def to_jsonl(analysis: Analysis) -> str:
    return analysis.model_dump_json()


def _by_speaker(analysis: Analysis) -> list[tuple[Speaker | None, list[Claim]]]:
    """Claims grouped by speaker, speakers in order of first appearance, the article's voice last."""
    groups: dict[str | None, list[Claim]] = {}
    for c in analysis.claims:
        groups.setdefault(c.speaker_id, []).append(c)
    order = [s for s in analysis.speakers if s.id in groups]
    result: list[tuple[Speaker | None, list[Claim]]] = [(s, groups[s.id]) for s in order]
    if None in groups:
        result.append((None, groups[None]))
    return result


def _speaker_title(s: Speaker | None) -> str:
    if s is None:
        return "Article's own voice"
    role = f" — {s.role}" if s.role else ""
    return f"{s.name} ({s.kind.value}){role}"


def _cues(c: Claim) -> str:
    parts = [f"{x.text} ({x.voice.value})" for x in c.hedging.cues]
    parts += [f"{x.text} (booster, {x.voice.value})" for x in c.hedging.boosters]
    return "; ".join(parts)


def _header(a: Analysis) -> str:
    d, e = a.document, a.engine
    how = "offline analyser (heuristic)" if e.backend == "offline" else f"{e.model} via {e.base_url}"
    return (
        f"{d.title or d.source} — {d.language}, {d.chars} characters, {how}\n"
        f"{len(a.speakers)} speakers, {len(a.quotes)} quotes, {len(a.claims)} claims"
    )


def to_table(analysis: Analysis, width: int = 100) -> str:
    """Claims grouped by speaker; hedged claims marked with ~ (low), ≈ (medium), ≋ (high)."""
    lines = [_header(analysis), ""]
    wrap = textwrap.TextWrapper(width=width, initial_indent="", subsequent_indent=" " * 18)
    for speaker, claims in _by_speaker(analysis):
        lines.append(_speaker_title(speaker))
        if speaker is not None and len(speaker.aliases) > 1:
            lines.append("  also: " + "; ".join(a for a in speaker.aliases if a != speaker.name))
        for c in claims:
            mark = _HEDGE_MARK[c.hedging.level]
            head = f"  {mark} {c.checkworthiness:.2f} {c.kind.value:<10} "
            lines.append(wrap.fill(head + c.statement))
            cues = _cues(c)
            if cues:
                lines.append(" " * 18 + f"hedging {c.hedging.level.value}: {cues}")
        lines.append("")
    lines.append("Legend: score = check-worthiness (0-1); ~ low, ≈ medium, ≋ high hedging.")
    lines.extend(f"Warning: {w}" for w in analysis.warnings)
    return "\n".join(lines)


def to_markdown(analysis: Analysis) -> str:
    lines = [f"# {analysis.document.title or analysis.document.source}", "", _header(analysis).split("\n")[1], ""]
    for speaker, claims in _by_speaker(analysis):
        lines.append(f"## {md_escape(_speaker_title(speaker))}")
        lines.append("")
        lines.append("| score | kind | hedging | claim |")
        lines.append("|---:|---|---|---|")
        for c in claims:
            hedge = c.hedging.level.value + (f": {_cues(c)}" if _cues(c) else "")
            lines.append(f"| {c.checkworthiness:.2f} | {c.kind.value} | {md_escape(hedge)} | {md_escape(c.statement)} |")
        lines.append("")
    return "\n".join(lines)


def md_escape(s: str) -> str:
    """Neutralise Markdown/HTML syntax in article-derived text for table cells."""
    out = s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(out.split())


CSV_FIELDS = (
    "source", "claim_id", "speaker", "speaker_kind", "role", "kind", "checkworthiness", "hedging",
    "cues", "statement", "quote", "start", "end", "paragraph", "sentence",
)


def csv_rows(analysis: Analysis) -> Iterable[list[str]]:
    for c in analysis.claims:
        s = analysis.speaker(c.speaker_id)
        q = analysis.quote(c.quote_id)
        yield [
            analysis.document.source, c.id, s.name if s else "", s.kind.value if s else "author",
            (s.role or "") if s else "", c.kind.value, f"{c.checkworthiness:.2f}", c.hedging.level.value,
            _cues(c), c.statement, q.text if q else "", str(c.start), str(c.end),
            str(c.paragraph or ""), str(c.sentence or ""),
        ]


def to_csv(analyses: list[Analysis]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for a in analyses:
        for row in csv_rows(a):
            w.writerow([csv_safe(x) for x in row])
    return buf.getvalue()


def render(analyses: list[Analysis], fmt: str) -> str:
    """All analyses in one format; json gives one object for one input, an array for several."""
    if fmt == "json":
        if len(analyses) == 1:
            return to_json(analyses[0])
        return json.dumps([a.model_dump(mode="json") for a in analyses], ensure_ascii=False, indent=2)
    if fmt == "jsonl":
        return "\n".join(to_jsonl(a) for a in analyses)
    if fmt == "csv":
        return to_csv(analyses)
    one = to_table if fmt == "table" else to_markdown
    return "\n\n".join(one(a) for a in analyses)
