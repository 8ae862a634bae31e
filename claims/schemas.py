"""The analysis document: the contract shared by every backend, renderer and command.

Offsets are Python character offsets into `Document.text` (the text the tool analysed), always
computed by code from the text; `model_validator`s check that they point at what they claim to.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpeakerKind(str, Enum):
    person = "person"
    organisation = "organisation"
    group = "group"
    unnamed = "unnamed"
    document = "document"
    author = "author"


class QuoteType(str, Enum):
    direct = "direct"
    indirect = "indirect"
    mixed = "mixed"


class ClaimKind(str, Enum):
    statistic = "statistic"
    event = "event"
    causal = "causal"
    prediction = "prediction"
    opinion = "opinion"
    other = "other"


class HedgeLevel(str, Enum):
    none = "none"
    low = "low"
    medium = "medium"
    high = "high"


class Voice(str, Enum):
    speaker = "speaker"  # the hedge is inside the quoted words: the speaker's own
    author = "author"  # the journalist's framing (conditional, weasel attribution...)


class CueKind(str, Enum):
    modal = "modal"  # may, might, could, pourrait
    conditional = "conditional"  # journalistic conditional: aurait, serait
    epistemic = "epistemic"  # I think, probably, je pense, peut-être
    weasel = "weasel"  # some experts say, selon certains observateurs
    condition = "condition"  # if that is what happened, si c'est...
    booster = "booster"  # clearly, incontestablement (recorded apart from hedges)
    other = "other"


class Document(Strict):
    source: str  # path, "-" for stdin, or a caller-given name
    sha256: str  # of the analysed text (UTF-8)
    language: str  # ISO 639-1 ("fr", "en", ...)
    chars: int
    format: str = "text"  # text, markdown, html
    title: str | None = None
    text: str | None = None  # present when it differs from the file (HTML, decoded input)


class Speaker(Strict):
    id: str
    name: str  # canonical name
    kind: SpeakerKind
    role: str | None = None
    aliases: list[str] = Field(default_factory=list)  # every surface form used in the text


class Quote(Strict):
    id: str
    text: str  # verbatim: equals document text[start:end]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    type: QuoteType
    speaker_id: str | None = None
    mention: str | None = None  # the speaker as written near the quote ("il", "Hodges")
    cue: str | None = None  # reporting verb or "selon"-like marker, verbatim
    cue_start: int | None = None
    cue_end: int | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Quote:
        if self.end <= self.start:
            raise ValueError(f"quote {self.id}: end {self.end} <= start {self.start}")
        return self


class Cue(Strict):
    text: str  # verbatim: equals document text[start:end]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    voice: Voice
    kind: CueKind = CueKind.other


class Hedging(Strict):
    level: HedgeLevel = HedgeLevel.none
    cues: list[Cue] = Field(default_factory=list)
    boosters: list[Cue] = Field(default_factory=list)


class Claim(Strict):
    id: str
    statement: str  # standalone restatement, in the output language
    start: int = Field(ge=0)  # source span in the document text
    end: int = Field(ge=0)
    quote_id: str | None = None
    speaker_id: str | None = None  # None: the article's own voice
    checkworthiness: float = Field(ge=0.0, le=1.0)
    checkworthiness_reason: str = ""
    kind: ClaimKind = ClaimKind.other
    hedging: Hedging = Field(default_factory=Hedging)
    paragraph: int | None = None  # 1-based, computed from the offsets
    sentence: int | None = None  # 1-based within the paragraph, computed from the offsets


class Engine(Strict):
    backend: str  # "offline" or "openai-compatible"
    model: str
    base_url: str | None = None
    mode: str | None = None  # instructor mode for the LLM path
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    heuristic: bool = False  # True when the result comes from rules, not a model


class Usage(Strict):
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prompt_chars: int = 0
    cache_hits: int = 0
    chunks: int = 0
    chunks_failed: list[int] = Field(default_factory=list)
    dropped: int = 0  # items that failed validation after every re-ask and were dropped


class Analysis(Strict):
    schema_version: str = SCHEMA_VERSION
    document: Document
    speakers: list[Speaker] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    engine: Engine
    usage: Usage = Field(default_factory=Usage)
    warnings: list[str] = Field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.usage.chunks_failed)

    def speaker(self, speaker_id: str | None) -> Speaker | None:
        return next((s for s in self.speakers if s.id == speaker_id), None)

    def quote(self, quote_id: str | None) -> Quote | None:
        return next((q for q in self.quotes if q.id == quote_id), None)

    def check_grounding(self, text: str) -> list[str]:
        """Every problem with offsets or references, as messages (empty when sound)."""
        problems: list[str] = []
        speaker_ids = {s.id for s in self.speakers}
        quote_ids = {q.id for q in self.quotes}
        for q in self.quotes:
            if text[q.start : q.end] != q.text:
                problems.append(f"quote {q.id} text is not at [{q.start}:{q.end}]")
            if q.cue_start is not None and text[q.cue_start : q.cue_end] != q.cue:
                problems.append(f"quote {q.id} cue is not at [{q.cue_start}:{q.cue_end}]")
            if q.speaker_id is not None and q.speaker_id not in speaker_ids:
                problems.append(f"quote {q.id} names unknown speaker {q.speaker_id}")
        for c in self.claims:
            if not 0 <= c.start < c.end <= len(text):
                problems.append(f"claim {c.id} span [{c.start}:{c.end}] is outside the text")
            if c.quote_id is not None and c.quote_id not in quote_ids:
                problems.append(f"claim {c.id} names unknown quote {c.quote_id}")
            if c.speaker_id is not None and c.speaker_id not in speaker_ids:
                problems.append(f"claim {c.id} names unknown speaker {c.speaker_id}")
            for cue in c.hedging.cues + c.hedging.boosters:
                if text[cue.start : cue.end] != cue.text:
                    problems.append(f"claim {c.id} cue {cue.text!r} is not at [{cue.start}:{cue.end}]")
        return problems
