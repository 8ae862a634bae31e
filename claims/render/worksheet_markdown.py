"""Worksheet as Markdown (the default): one section per claim, blanks for the verdict."""

from __future__ import annotations

from ..worksheet import Entry, Worksheet
from .worksheet_labels import labels, value, where

_SPECIAL = "\\`*_[]<>#|"


def md(s: str) -> str:
    """One line of article-derived text, with Markdown and HTML markup characters escaped."""
    s = " ".join(s.split())
    for ch in _SPECIAL:
        s = s.replace(ch, "\\" + ch)
    return s


def _entry(e: Entry, t: dict[str, str], multi: bool) -> list[str]:
    out = [f"### {e.number}. {md(e.claim)}", ""]
    if e.quote:
        label = t["quote"] if e.verbatim_is_quote else t["excerpt"]
        qid = f" ({md(e.quote_id)})" if e.quote_id else ""
        out.append(f"- **{label}**{qid}: “{md(e.quote)}”")
    out.append(f"- **{t['where']}**: {where(e.paragraph, e.sentence, e.document if multi else None, e.language)}")
    who = md(e.speaker) if e.speaker else t["author"]
    if e.speaker and e.speaker_role:
        who += f", {md(e.speaker_role)}"
    out.append(f"- **{t['speaker']}**: {who}")
    out.append(f"- **{t['kind']}**: {value(e.language, e.kind.value)}")
    out.append(f"- **{t['score']}**: {e.checkworthiness:.2f} — {md(e.reason)}")
    cues = [
        f"“{md(h.text)}” ({t['booster'] + ', ' if h.booster else ''}{t['whose']} {md(h.whose)})" for h in e.hedges
    ]
    out.append(f"- **{t['hedging']}**: {value(e.language, e.hedging.value)}" + (": " + "; ".join(cues) if cues else ""))
    v = e.to_verify
    parts = [
        f"{t[k]}: {', '.join(md(x) for x in getattr(v, k))}" for k in ("entities", "numbers", "dates") if getattr(v, k)
    ]
    out.append(f"- **{t['verify']}**: " + ("; ".join(parts) if parts else t["none"]))
    if e.questions:
        out.append(f"- **{t['questions']}**:")
        for q in e.questions:
            out.append(f"  - {md(q.question)} *({t['sources']}: {md(', '.join(q.sources))})*")
    if e.apart_reason:
        out.append(f"- **{t['why_apart']}**: {md(e.apart_reason)}")
    for key in ("verdict", "evidence", "checked_by", "date"):
        out.append(f"- **{t[key]}**: {md(getattr(e, key)) or '_____'}")
    return out + [""]


def render(ws: Worksheet) -> str:
    t = labels(ws.language)
    multi = len(ws.documents) > 1
    out = [f"# {t['title']}", ""]
    if ws.heuristic:
        out += [f"*{t['heuristic']}*", ""]
    out.append(f"**{t['documents']}**:")
    for d in ws.documents:
        url = f" <{md(d.url)}>" if d.url else ""
        out.append(f"- {d.id}: {md(d.title or d.source)} ({d.language}){url}")
    out += ["", f"## {t['claims']}", ""]
    if not ws.entries:
        out += [t["empty"], ""]
    for e in ws.entries:
        out += _entry(e, t, multi)
    if ws.apart:
        out += [f"## {t['apart']}", ""]
        for e in ws.apart:
            out += _entry(e, t, multi)
    if ws.warnings:
        out += [f"## {t['warnings']}", ""] + [f"- {md(w)}" for w in ws.warnings]
    return "\n".join(out).rstrip() + "\n"
