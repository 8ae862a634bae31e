"""Worksheet as one self-contained HTML page: inline CSS, no scripts, A4-friendly print styles.

Every piece of article-derived text goes through `html.escape`, and a Content-Security-Policy
forbids scripts and remote loads, so markup in an article can only ever show as text.
"""

from __future__ import annotations

from html import escape

from ..worksheet import Entry, Worksheet
from .worksheet_labels import labels, value, where

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"

CSS = """
:root { --ink: #1a1a1a; --muted: #5a5a5a; --line: #c8c8c8; --accent: #8a1c1c; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: var(--ink); max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; margin-top: 2rem; }
.note { color: var(--accent); font-style: italic; }
.docs { color: var(--muted); font-size: .9rem; padding-left: 1.2rem; }
article.claim { border: 1px solid var(--line); border-radius: 4px; padding: .7rem .9rem;
                margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
article.claim h3 { font-size: 1.05rem; margin: 0 0 .5rem; }
.num { color: var(--accent); margin-right: .3rem; }
blockquote { margin: .3rem 0 .6rem; padding: .3rem .7rem; border-left: 3px solid var(--accent);
             background: #f6f3f0; font-style: italic; white-space: pre-wrap; }
dl { display: grid; grid-template-columns: 11rem 1fr; gap: .2rem .8rem; margin: 0; font-size: .95rem; }
dt { font-weight: bold; color: var(--muted); }
dd { margin: 0; }
ul.questions { margin: 0; padding-left: 1.1rem; }
.sources { color: var(--muted); font-size: .88rem; }
table.check { width: 100%; border-collapse: collapse; margin-top: .6rem; font-size: .9rem; }
table.check th { text-align: left; width: 11rem; color: var(--muted); }
table.check th, table.check td { border: 1px solid var(--line); padding: .25rem .4rem; height: 1.8rem; }
.score { font-variant-numeric: tabular-nums; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  article.claim { border-color: #999; }
  blockquote { background: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
"""


def _e(s: str | None) -> str:
    return escape(s or "", quote=True)


def _entry(e: Entry, t: dict[str, str], multi: bool) -> str:
    rows: list[tuple[str, str]] = []
    who = _e(e.speaker) if e.speaker else _e(t["author"])
    if e.speaker and e.speaker_role:
        who += ", " + _e(e.speaker_role)
    rows.append((t["speaker"], who))
    rows.append((t["where"], _e(where(e.paragraph, e.sentence, e.document if multi else None, e.language))))
    rows.append((t["kind"], _e(value(e.language, e.kind.value))))
    rows.append((t["score"], f'<span class="score">{e.checkworthiness:.2f}</span> — {_e(e.reason)}'))
    cues = "; ".join(
        f"“{_e(h.text)}” ({_e(t['booster']) + ', ' if h.booster else ''}{_e(t['whose'])} {_e(h.whose)})"
        for h in e.hedges
    )
    rows.append((t["hedging"], _e(value(e.language, e.hedging.value)) + (": " + cues if cues else "")))
    v = e.to_verify
    parts = [
        f"{_e(t[k])}: {_e(', '.join(getattr(v, k)))}" for k in ("entities", "numbers", "dates") if getattr(v, k)
    ]
    rows.append((t["verify"], "; ".join(parts) or _e(t["none"])))
    if e.questions:
        items = "".join(
            f'<li>{_e(q.question)} <span class="sources">({_e(t["sources"])}: {_e(", ".join(q.sources))})</span></li>'
            for q in e.questions
        )
        rows.append((t["questions"], f'<ul class="questions">{items}</ul>'))
    if e.apart_reason:
        rows.append((t["why_apart"], _e(e.apart_reason)))
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows)
    quote = ""
    if e.quote:
        label = t["quote"] if e.verbatim_is_quote else t["excerpt"]
        qid = f" ({_e(e.quote_id)})" if e.quote_id else ""
        quote = f'<blockquote title="{_e(label)}{qid}">{_e(e.quote)}</blockquote>'
    blanks = "".join(
        f"<tr><th>{_e(t[k])}</th><td>{_e(getattr(e, k))}</td></tr>" for k in ("verdict", "evidence", "checked_by", "date")
    )
    return (
        f'<article class="claim" id="claim-{e.number}">'
        f'<h3><span class="num">{e.number}.</span>{_e(e.claim)}</h3>{quote}<dl>{dl}</dl>'
        f'<table class="check">{blanks}</table></article>'
    )


def render(ws: Worksheet) -> str:
    t = labels(ws.language)
    multi = len(ws.documents) > 1
    title = t["title"] + (f" — {ws.documents[0].title or ws.documents[0].source}" if ws.documents else "")
    docs = "".join(
        f"<li>{_e(d.id)}: {_e(d.title or d.source)} ({_e(d.language)})"
        + (f" — {_e(d.url)}" if d.url else "")
        + "</li>"
        for d in ws.documents
    )
    body = [f"<h1>{_e(title)}</h1>"]
    if ws.heuristic:
        body.append(f'<p class="note">{_e(t["heuristic"])}</p>')
    body.append(f'<ul class="docs">{docs}</ul>')
    body.append(f"<h2>{_e(t['claims'])}</h2>")
    body += [_entry(e, t, multi) for e in ws.entries] or [f"<p>{_e(t['empty'])}</p>"]
    if ws.apart:
        body.append(f"<h2>{_e(t['apart'])}</h2>")
        body += [_entry(e, t, multi) for e in ws.apart]
    if ws.warnings:
        body.append(f"<h2>{_e(t['warnings'])}</h2><ul>" + "".join(f"<li>{_e(w)}</li>" for w in ws.warnings) + "</ul>")
    lang = _e(ws.language)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
