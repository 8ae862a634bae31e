"""Stance comparison: points in dispute (propositions) × speakers, from finished analyses.

Works on the analyses only (claims and quotes), never on the article text again. Speakers are
canonicalised across documents with `claims.names`, so one expert quoted in two articles is one
row. Offline: propositions are clusters of similar claims (pure-Python TF-IDF) and stances come
from negation, denial, polarity and hedge cues, and the result is flagged heuristic. LLM: one call
over the claims and quotes through `claims.llm.run_task`, validated against the known ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import Field, ValidationInfo, model_validator

from .config import Config
from .names import same_entity
from .schemas import (
    SCHEMA_VERSION,
    Analysis,
    Engine,
    HedgeLevel,
    Hedging,
    SpeakerKind,
    Strict,
    Usage,
)
from .stance import Reading, Stance, neutral_statement, read_stance, relays
from .tfidf import cluster, similarity_matrix, tfidf, tokens

__all__ = ["Cell", "Comparison", "Evidence", "Proposition", "Row", "Stance", "compare"]

MIN_PROPOSITIONS, MAX_PROPOSITIONS = 3, 8
TOPIC_THRESHOLD = 0.08  # average-link cosine above which two groups of claims share a topic (a column)
SAME_POINT = 0.18  # cosine to the column's central claim above which a claim makes that point
DEFAULT_KINDS = frozenset(
    {SpeakerKind.person, SpeakerKind.organisation, SpeakerKind.group, SpeakerKind.document}
)
COMPARE_PROMPT_VERSION = "1"


class SourceDocument(Strict):
    id: str  # "doc1", "doc2", ...
    source: str
    title: str | None = None
    language: str
    sha256: str


class Proposition(Strict):
    id: str  # "p1", ...
    text: str  # a neutral statement that sources agree or disagree with
    claim_ids: list[str] = Field(default_factory=list)  # the grouped claims it was phrased from


class Cell(Strict):
    proposition_id: str
    stance: Stance
    hedged: bool = False
    quote_ids: list[str] = Field(default_factory=list)
    claim_ids: list[str] = Field(default_factory=list)
    rationale: str = ""


class Row(Strict):
    id: str  # "r1", ...
    name: str
    kind: SpeakerKind
    role: str | None = None
    members: list[str] = Field(default_factory=list)  # the speakers merged here, document-scoped ids
    cells: list[Cell] = Field(default_factory=list)  # only propositions the speaker addresses


class Evidence(Strict):
    id: str  # document-scoped quote id ("q3", or "doc2:q3" with several documents)
    document: str
    row_id: str | None = None
    text: str


class Comparison(Strict):
    schema_version: str = SCHEMA_VERSION
    documents: list[SourceDocument]
    propositions: list[Proposition] = Field(max_length=MAX_PROPOSITIONS)
    rows: list[Row] = Field(default_factory=list)
    quotes: list[Evidence] = Field(default_factory=list)
    heuristic: bool
    engine: Engine
    usage: Usage = Field(default_factory=Usage)
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Comparison:
        props = {p.id for p in self.propositions}
        quotes = {q.id for q in self.quotes}
        for row in self.rows:
            for cell in row.cells:
                if cell.proposition_id not in props:
                    raise ValueError(f"row {row.id}: unknown proposition {cell.proposition_id}")
                missing = [q for q in cell.quote_ids if q not in quotes]
                if missing:
                    raise ValueError(f"row {row.id}: unknown quote ids {missing}")
        return self


# ---------------------------------------------------------------- gathering rows and units


@dataclass
class _Unit:
    """One claim (or unclaimed quote) a row's speaker made: what gets grouped and read."""

    claim_id: str | None
    row_id: str
    statement: str  # the standalone claim (or the quote, for an unclaimed quote)
    quoted: str  # the verbatim quote behind it, "" when none
    hedging: Hedging
    quote_ids: list[str]
    checkworthiness: float

    @property
    def words(self) -> str:
        """What the speaker is reported to have said: the quote, else the claim. Read for the
        stance, never the restated claim's frame ("Selon X, ...", "According to X, ..."), which
        would read as relaying someone else's claim."""
        return self.quoted or self.statement

    @property
    def text(self) -> str:
        """Statement and quote together: what is compared and read for cues."""
        if self.quoted and self.quoted not in self.statement:
            return f"{self.statement} {self.quoted}"
        return self.statement


@dataclass
class _Gathered:
    documents: list[SourceDocument]
    rows: list[Row]
    units: list[_Unit]
    quotes: list[Evidence]
    warnings: list[str] = field(default_factory=list)
    names: dict[str, list[str]] = field(default_factory=dict)  # row id -> the names it goes by


def _scope(doc: int, local: str, multi: bool) -> str:
    return f"doc{doc + 1}:{local}" if multi else local


def _wanted(kind: SpeakerKind, include_author: bool, include_unnamed: bool) -> bool:
    if kind == SpeakerKind.author:
        return include_author
    if kind == SpeakerKind.unnamed:
        return include_unnamed
    return kind in DEFAULT_KINDS


def _find_row(rows: list[Row], names: dict[str, list[str]], kind: SpeakerKind, forms: list[str]) -> Row | None:
    """An existing row naming the same entity (never merging unnamed sources or authors)."""
    if kind in (SpeakerKind.unnamed, SpeakerKind.author):
        return None
    for row in rows:
        if row.kind in (SpeakerKind.unnamed, SpeakerKind.author):
            continue
        if (row.kind == SpeakerKind.person) != (kind == SpeakerKind.person):
            continue
        if any(same_entity(a, b) for a in names[row.id] for b in forms):
            return row
    return None


def _gather(analyses: list[Analysis], include_author: bool, include_unnamed: bool) -> _Gathered:
    multi = len(analyses) > 1
    rows: list[Row] = []
    names: dict[str, list[str]] = {}
    units: list[_Unit] = []
    evidence: list[Evidence] = []
    documents: list[SourceDocument] = []
    for d, a in enumerate(analyses):
        doc_id = f"doc{d + 1}"
        documents.append(
            SourceDocument(
                id=doc_id, source=a.document.source, title=a.document.title,
                language=a.document.language, sha256=a.document.sha256,
            )
        )
        row_of: dict[str | None, str] = {}
        for s in a.speakers:
            if not _wanted(s.kind, include_author, include_unnamed):
                continue
            forms = [s.name, *s.aliases] if s.kind == SpeakerKind.person else [s.name]
            row = _find_row(rows, names, s.kind, forms)
            if row is None:
                row = Row(id=f"r{len(rows) + 1}", name=s.name, kind=s.kind, role=s.role)
                rows.append(row)
                names[row.id] = []
            names[row.id].extend(forms)
            row.role = row.role or s.role
            row.members.append(_scope(d, s.id, multi))
            row_of[s.id] = row.id
        if include_author:  # the article's own voice: claims with no speaker
            label = f"{a.document.title or a.document.source} (article)"
            row = Row(id=f"r{len(rows) + 1}", name=label, kind=SpeakerKind.author)
            rows.append(row)
            names[row.id] = []
            row_of[None] = row.id
        for q in a.quotes:
            evidence.append(
                Evidence(id=_scope(d, q.id, multi), document=doc_id, row_id=row_of.get(q.speaker_id), text=q.text)
            )
        claimed: set[str] = set()
        for c in a.claims:
            if c.speaker_id not in row_of:
                continue
            quote_ids = [c.quote_id] if c.quote_id else _covering(a, c.start, c.end, c.speaker_id)
            claimed.update(quote_ids)
            quote = a.quote(c.quote_id)
            source = quote.text if quote is not None else ""
            units.append(
                _Unit(
                    claim_id=_scope(d, c.id, multi),
                    row_id=row_of[c.speaker_id],
                    statement=c.statement,
                    quoted=source,
                    hedging=c.hedging,
                    quote_ids=[_scope(d, q, multi) for q in quote_ids],
                    checkworthiness=c.checkworthiness,
                )
            )
        for q in a.quotes:  # quotes no claim was made from still carry a position
            if q.id not in claimed and q.speaker_id in row_of and q.speaker_id is not None:
                units.append(
                    _Unit(None, row_of[q.speaker_id], q.text, "", Hedging(), [_scope(d, q.id, multi)], 0.0)
                )
    return _Gathered(documents, rows, units, evidence, names={r.id: [r.name, *names[r.id]] for r in rows})


def _covering(a: Analysis, start: int, end: int, speaker_id: str | None) -> list[str]:
    """Quotes by the same speaker that overlap a claim's span (claims made without a quote id)."""
    return [q.id for q in a.quotes if q.speaker_id == speaker_id and q.start < end and start < q.end]


# ---------------------------------------------------------------- offline


def _choose(groups: list[list[int]], units: list[_Unit]) -> list[list[int]]:
    """Up to 8 groups: first those that bring in a speaker not yet covered, then the most
    disputed (most speakers) and most check-worthy, so every speaker has a position shown."""

    def score(g: list[int]) -> tuple[int, float, int]:
        speakers = {units[i].row_id for i in g}
        return (len(speakers), max(units[i].checkworthiness for i in g), len(g))

    ranked = sorted(groups, key=score, reverse=True)
    chosen: list[list[int]] = []
    covered: set[str] = set()
    for g in ranked:
        new = {units[i].row_id for i in g} - covered
        if new and len(chosen) < MAX_PROPOSITIONS:
            chosen.append(g)
            covered |= new
    for g in ranked:  # then the rest by rank, disputed points first
        if len(chosen) >= MAX_PROPOSITIONS:
            break
        if g not in chosen:
            chosen.append(g)
    return sorted(chosen, key=lambda g: ranked.index(g))


def _topic_text(u: _Unit, names: list[str]) -> str:
    """What a unit is about, for grouping: its text without its own speaker's names (restated
    claims open with them, "Selon Ben Hodges, ..."), which would group a speaker's claims with
    each other instead of with what others say on the same point."""
    own = {w for n in names for w in tokens(n)}
    return " ".join(w for w in tokens(u.text) if w not in own)


def _central(group: list[int], sim: list[list[float]], units: list[_Unit]) -> int:
    """The claim a column is phrased from: the one most similar to the rest of its group among
    those whose speaker asserts it (one who only relays others' claim does not set the point)."""
    candidates = [i for i in group if not relays(units[i].words)] or group
    return max(candidates, key=lambda i: (sum(sim[i][j] for j in group), -i))


def _offline(gathered: _Gathered) -> tuple[list[Proposition], dict[str, list[Cell]]]:
    units = gathered.units
    if not units:
        return [], {}
    sim = similarity_matrix(tfidf([_topic_text(u, gathered.names.get(u.row_id, [])) for u in units]))
    groups = _choose(cluster(sim, TOPIC_THRESHOLD), units)
    propositions: list[Proposition] = []
    cells: dict[str, list[Cell]] = {}
    for n, g in enumerate(groups, 1):
        c = _central(g, sim, units)
        pid = f"p{n}"
        text = neutral_statement(units[c].quoted or units[c].statement)  # the words reported, not the frame
        propositions.append(Proposition(id=pid, text=text, claim_ids=[u for i in g if (u := units[i].claim_id)]))
        by_row: dict[str, list[int]] = {}
        for i in g:
            by_row.setdefault(units[i].row_id, []).append(i)
        for row_id, members in by_row.items():
            cells.setdefault(row_id, []).append(_cell(pid, text, members, c, sim, units))
    return propositions, cells


def _cell(pid: str, prop: str, members: list[int], c: int, sim: list[list[float]], units: list[_Unit]) -> Cell:
    """Combine a row's readings on one proposition: conflicting favor/against is uncertain."""
    members = sorted(members, key=lambda i: -sim[c][i])
    readings = [
        read_stance(units[i].words, units[i].hedging, prop, is_reference=i == c)
        if i == c or sim[c][i] >= SAME_POINT
        else Reading(Stance.neutral, units[i].hedging.level != HedgeLevel.none or bool(units[i].hedging.cues),
                     f"on the same topic, another point (word overlap {sim[c][i]:.2f} with the proposition)")
        for i in members
    ]  # fmt: skip
    stances = {r.stance for r in readings}
    lead = readings[0]
    stance, rationale = lead.stance, lead.reason
    if len(stances) > 1:  # say what each statement does, e.g. one outlet's version is conditional
        labels = [", ".join(units[i].quote_ids) or units[i].claim_id or "?" for i in members]
        rationale = "; ".join(f"{lab}: {r.stance.value}, {r.reason}" for lab, r in zip(labels, readings, strict=True))
    if {Stance.favor, Stance.against} <= stances:
        stance, rationale = Stance.uncertain, "mixed — " + rationale
    quote_ids = list(dict.fromkeys(q for i in members for q in units[i].quote_ids))
    claim_ids = [u for i in members if (u := units[i].claim_id)]
    return Cell(
        proposition_id=pid, stance=stance, hedged=any(r.hedged for r in readings),
        quote_ids=quote_ids, claim_ids=claim_ids, rationale=rationale,
    )


# ---------------------------------------------------------------- LLM


class LLMProposition(Strict):
    id: str
    text: str


class LLMStance(Strict):
    speaker_id: str
    proposition_id: str
    stance: Stance
    hedged: bool
    quote_ids: list[str]
    rationale: str


class LLMComparison(Strict):
    """What the model returns; checked against the ids it was given (validation context)."""

    propositions: list[LLMProposition] = Field(max_length=MAX_PROPOSITIONS)
    stances: list[LLMStance]

    @model_validator(mode="after")
    def _known_ids(self, info: ValidationInfo) -> LLMComparison:
        from .grounding import context_of  # instructor validates without a context: read the task's

        ctx = context_of(info) or {}
        speakers: set[str] = set(ctx.get("speaker_ids", ()))
        quote_owner: dict[str, str | None] = dict(ctx.get("quote_owner", {}))
        minimum = int(ctx.get("min_propositions", 1))
        props = [p.id for p in self.propositions]
        problems: list[str] = []
        if len(props) < minimum:
            problems.append(f"give at least {minimum} propositions, not {len(props)}")
        if len(set(props)) != len(props):
            problems.append("proposition ids must be unique")
        for s in self.stances:
            if speakers and s.speaker_id not in speakers:
                problems.append(f"unknown speaker_id {s.speaker_id!r}; use one of {sorted(speakers)}")
            if s.proposition_id not in props:
                problems.append(f"unknown proposition_id {s.proposition_id!r}")
            for q in s.quote_ids:
                if q not in quote_owner:
                    problems.append(f"unknown quote id {q!r}; cite only the ids listed")
                elif quote_owner[q] not in (None, s.speaker_id):
                    problems.append(f"quote {q!r} is not by speaker {s.speaker_id!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _llm_variables(gathered: _Gathered, language: str) -> tuple[dict[str, str], dict[str, object]]:
    import json

    speakers = [
        {"id": r.id, "name": r.name, "kind": r.kind.value, "role": r.role} for r in gathered.rows
    ]
    claims = [
        {
            "claim_id": u.claim_id, "speaker_id": u.row_id, "quote_ids": u.quote_ids,
            "statement": u.statement, "hedging": u.hedging.level.value,
            "hedge_cues": [c.text for c in u.hedging.cues],
        }
        for u in gathered.units
    ]
    quotes = [{"id": q.id, "speaker_id": q.row_id, "text": q.text} for q in gathered.quotes]
    minimum = min(MIN_PROPOSITIONS, max(len(gathered.units), 1))

    def lines(items: list[dict[str, object]]) -> str:
        return "\n".join(json.dumps(x, ensure_ascii=False) for x in items)

    variables = {
        "language": {"fr": "French", "en": "English"}.get(language, language),
        "min_propositions": str(minimum),
        "max_propositions": str(MAX_PROPOSITIONS),
        "speakers": lines(speakers),  # type: ignore[arg-type]
        "claims": lines(claims),  # type: ignore[arg-type]
        "quotes": lines(quotes),  # type: ignore[arg-type]
    }
    context: dict[str, object] = {
        "speaker_ids": [r.id for r in gathered.rows],
        "quote_owner": {q.id: q.row_id for q in gathered.quotes},
        "min_propositions": minimum,
    }
    return variables, context


def _llm(gathered: _Gathered, config: Config, language: str, usage: Usage) -> tuple[list[Proposition], dict[str, list[Cell]]]:
    from .llm import run_task

    variables, context = _llm_variables(gathered, language)
    result = run_task(
        config, task="compare", variables=variables, response_model=LLMComparison,
        validation_context=context, usage=usage,
    )
    ids = {p.id: f"p{n}" for n, p in enumerate(result.propositions, 1)}  # renumber p1..pN
    propositions = [Proposition(id=ids[p.id], text=p.text) for p in result.propositions]
    cells: dict[str, list[Cell]] = {}
    seen: set[tuple[str, str]] = set()
    for s in result.stances:
        key = (s.speaker_id, s.proposition_id)
        if key in seen:  # keep the first stance a model gave for a pair
            continue
        seen.add(key)
        cells.setdefault(s.speaker_id, []).append(
            Cell(
                proposition_id=ids[s.proposition_id], stance=s.stance, hedged=s.hedged,
                quote_ids=list(dict.fromkeys(s.quote_ids)), rationale=" ".join(s.rationale.split()),
            )
        )
    return propositions, cells


# ---------------------------------------------------------------- entry point


def compare(
    analyses: list[Analysis],
    config: Config,
    *,
    include_author: bool = False,
    include_unnamed: bool = False,
    usage: Usage | None = None,
) -> Comparison:
    """Propositions in dispute across the analyses and each speaker's stance on them."""
    gathered = _gather(analyses, include_author, include_unnamed)
    usage = usage if usage is not None else Usage()
    language = analyses[0].document.language if analyses else "en"
    if config.offline:
        propositions, cells = _offline(gathered)
        engine = Engine(backend="offline", model="offline", heuristic=True)
    else:
        propositions, cells = _llm(gathered, config, language, usage)
        engine = Engine(
            backend="openai-compatible", model=config.model, base_url=config.base_url, mode=config.mode,
            prompt_versions={"compare": COMPARE_PROMPT_VERSION},
        )
    order = {p.id: n for n, p in enumerate(propositions)}
    rows = []
    for row in gathered.rows:
        row.cells = sorted(cells.get(row.id, []), key=lambda c: order[c.proposition_id])
        if row.cells:
            rows.append(row)
    warnings = list(gathered.warnings)
    if len(propositions) < MIN_PROPOSITIONS:
        warnings.append(
            f"only {len(propositions)} proposition(s): the articles give too few claims by named sources"
        )
    if config.offline:
        warnings.append("heuristic comparison: propositions from word overlap, stances from cue words")
    return Comparison(
        documents=gathered.documents, propositions=propositions, rows=rows, quotes=gathered.quotes,
        heuristic=config.offline, engine=engine, usage=usage, warnings=warnings,
    )
