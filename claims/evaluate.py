"""`claims eval` scorers: quote attribution (Gender Gap Tracker protocol), hedge detection and
check-worthiness ranking. Pure functions over gold files that return plain dicts of numbers.

Any backend can be scored: each scorer runs `claims.pipeline.analyze_source` with the given Config.
"""

from __future__ import annotations

import csv
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from pathlib import Path

from .config import Config
from .document import SourceText
from .names import core, same_entity
from .pipeline import analyze_source
from .schemas import Analysis

THRESHOLDS = (0.3, 0.8)


# ---------------------------------------------------------------- quotes


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters shared by two half-open spans."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_quotes(
    gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]], threshold: float
) -> list[tuple[int, int]]:
    """Greedy GGT matching: each gold span (in order) takes the best unused prediction; the pair
    counts when shared characters / gold characters is above `threshold`. Returns (gold, pred)
    index pairs."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for gi, g in enumerate(gold):
        glen = max(g[1] - g[0], 1)
        best, best_score = -1, 0.0
        for pi, p in enumerate(pred):
            if pi in used:
                continue
            score = overlap(g, p) / glen
            if score > best_score:
                best, best_score = pi, score
        if best >= 0 and best_score > threshold:
            used.add(best)
            pairs.append((gi, best))
    return pairs


def speaker_match(pred: str | None, gold: str) -> bool:
    """Gold speaker vs predicted canonical name: case and accents folded, determiners and
    parentheticals ignored, surname-only and spelling-variant matches allowed."""
    if not pred:
        return False
    return core(pred) == core(gold) or same_entity(pred, gold)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _read_jsonl(path: str) -> list[dict]:
    text = Path(path).read_text(encoding="utf-8")
    if path.endswith(".json"):
        return [json.loads(text)]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _analyse(text: str, source: str, language: str | None, config: Config) -> Analysis:
    cfg = config.with_(language=language) if language else config
    return analyze_source(SourceText(source, text, "text", from_file_verbatim=False), cfg)


def _cues(analysis: Analysis) -> list[tuple[int, int, str]]:
    """Distinct hedge cues (not boosters) of an analysis as (start, end, voice)."""
    seen: dict[tuple[int, int], str] = {}
    for c in analysis.claims:
        for cue in c.hedging.cues:
            seen.setdefault((cue.start, cue.end), cue.voice.value)
    return sorted((s, e, v) for (s, e), v in seen.items())


def eval_quotes(gold_path: str, config: Config) -> dict:
    """Precision/recall/F1 of quote spans at overlap 0.3 and 0.8, speaker accuracy on matched
    quotes, and (when the gold has `hedges[]`) hedge cues found and found with the right voice."""
    articles = _read_jsonl(gold_path)
    counts = {t: {"tp": 0, "spk_ok": 0, "spk_n": 0} for t in THRESHOLDS}
    n_gold = n_pred = words = 0
    hedge = {"gold": 0, "found": 0, "right_voice": 0, "predicted": 0}
    has_hedges = False
    errors: list[dict] = []
    for i, art in enumerate(articles):
        text = art["text"]
        words += len(text.split())
        analysis = _analyse(text, str(art.get("id", i)), art.get("language"), config)
        gold = [(q["start"], q["end"]) for q in art["quotes"]]
        pred = [(q.start, q.end) for q in analysis.quotes]
        names = []
        for q in analysis.quotes:
            sp = analysis.speaker(q.speaker_id)
            names.append(sp.name if sp else None)
        n_gold += len(gold)
        n_pred += len(pred)
        for t in THRESHOLDS:
            pairs = match_quotes(gold, pred, t)
            counts[t]["tp"] += len(pairs)
            for gi, pi in pairs:
                gspk = art["quotes"][gi].get("speaker") or ""
                if not gspk:
                    continue
                counts[t]["spk_n"] += 1
                ok = speaker_match(names[pi], gspk)
                counts[t]["spk_ok"] += ok
                if not ok and t == THRESHOLDS[0]:
                    errors.append({"article": art.get("id", i), "quote": art["quotes"][gi]["text"][:80],
                                   "gold": gspk, "predicted": names[pi]})
        if "hedges" in art:
            has_hedges = True
            cues = _cues(analysis)
            hedge["predicted"] += len(cues)
            for h in art["hedges"]:
                hedge["gold"] += 1
                hits = [c for c in cues if overlap((h["start"], h["end"]), (c[0], c[1])) > 0]
                hedge["found"] += bool(hits)
                hedge["right_voice"] += any(c[2] == h["voice"] for c in hits)
    result: dict = {"articles": len(articles), "words": words, "gold_quotes": n_gold,
                    "predicted_quotes": n_pred}
    for t in THRESHOLDS:
        c = counts[t]
        result[f"overlap_{t}"] = {
            **prf(c["tp"], n_pred, n_gold),
            "matched": c["tp"],
            "speaker_accuracy": round(c["spk_ok"] / c["spk_n"], 4) if c["spk_n"] else 0.0,
            "speaker_right": c["spk_ok"],
            "speaker_scored": c["spk_n"],
        }
    if has_hedges:
        result["hedges"] = hedge
    result["speaker_errors"] = errors[:50]
    return result


# ---------------------------------------------------------------- hedges

_PTB = [("-LRB-", "("), ("-RRB-", ")"), ("-LSB-", "["), ("-RSB-", "]"), ("-LCB-", "{"),
        ("-RCB-", "}"), ("``", '"'), ("''", '"')]


def detokenise(s: str) -> str:
    """Undo Penn-Treebank style tokenisation where it changes words or punctuation attachment."""
    s = re.sub(r"`` ?", '"', s)
    s = re.sub(r" ?''", '"', s)
    for a, b in _PTB:
        s = s.replace(a, b)
    s = re.sub(r"` ?", "'", s)
    s = re.sub(r"\( ", "(", s)
    s = re.sub(r" ([),.;:!?%])", r"\1", s)
    s = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", s)
    return s.strip()


def _batch_document(items: Iterable[str]) -> tuple[str, list[int]]:
    """Join sentences one per paragraph; return the text and each sentence's start offset."""
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for s in items:
        s = " ".join(s.split())
        starts.append(pos)
        parts.append(s)
        pos += len(s) + 2
    return "\n\n".join(parts), starts


def eval_hedges(csv_path: str, config: Config) -> dict:
    """Sentence-level P/R/F1 of the uncertain class: a sentence is uncertain when the analysis
    finds a hedge cue (booster excluded) inside it."""
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = [(detokenise(r["text"]), int(r["label"])) for r in csv.DictReader(f)]
    text, starts = _batch_document(s for s, _ in rows)
    analysis = _analyse(text, Path(csv_path).name, config.language or "en", config)
    flagged: set[int] = set()
    for s, _e, _v in _cues(analysis):
        flagged.add(bisect_right(starts, s) - 1)
    tp = sum(1 for i, (_, y) in enumerate(rows) if y and i in flagged)
    n_gold = sum(y for _, y in rows)
    return {"sentences": len(rows), "uncertain": n_gold, "predicted_uncertain": len(flagged),
            "words": len(text.split()), **prf(tp, len(flagged), n_gold)}


# ---------------------------------------------------------------- check-worthiness


def average_precision(labels_ranked: Sequence[int]) -> float:
    hits, total = 0, 0.0
    for k, y in enumerate(labels_ranked, 1):
        if y:
            hits += 1
            total += hits / k
    return total / hits if hits else 0.0


def r_precision(labels_ranked: Sequence[int]) -> float:
    r = sum(labels_ranked)
    return sum(labels_ranked[:r]) / r if r else 0.0


def precision_at(labels_ranked: Sequence[int], k: int) -> float:
    return sum(labels_ranked[:k]) / k if k else 0.0


def _read_clef(path: str) -> list[tuple[str, int]]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.rstrip("\r").split("\t")
        if len(parts) >= 4:
            rows.append((parts[2], int(parts[3])))
    return rows


def rank_scores(scores: Sequence[float], labels: Sequence[int]) -> list[int]:
    """Labels ordered by descending score (stable: ties keep document order)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    return [labels[i] for i in order]


def eval_checkworthy(tsv_path: str, config: Config) -> dict:
    """Mean average precision, R-precision and P@10 of sentences ranked by the highest predicted
    check-worthiness of the claims inside each. `tsv_path` may be a file or a folder of .tsv."""
    p = Path(tsv_path)
    files = sorted(p.glob("*.tsv")) if p.is_dir() else [p]
    per_file = {}
    for fp in files:
        rows = _read_clef(str(fp))
        text, starts = _batch_document(s for s, _ in rows)
        analysis = _analyse(text, fp.name, config.language or "en", config)
        scores = [0.0] * len(rows)
        for c in analysis.claims:
            i = bisect_right(starts, c.start) - 1
            if 0 <= i < len(rows):
                scores[i] = max(scores[i], c.checkworthiness)
        ranked = rank_scores(scores, [y for _, y in rows])
        per_file[fp.name] = {"sentences": len(rows), "positives": sum(ranked),
                             "average_precision": round(average_precision(ranked), 4),
                             "r_precision": round(r_precision(ranked), 4),
                             "p_at_10": round(precision_at(ranked, 10), 4)}
    n = len(per_file) or 1
    return {
        "files": per_file,
        "map": round(sum(v["average_precision"] for v in per_file.values()) / n, 4),
        "r_precision": round(sum(v["r_precision"] for v in per_file.values()) / n, 4),
        "p_at_10": round(sum(v["p_at_10"] for v in per_file.values()) / n, 4),
    }
