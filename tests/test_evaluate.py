"""Scoring arithmetic of claims.evaluate on hand-made gold files (answers computed by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims import evaluate
from claims.config import Config
from claims.schemas import Analysis, Document, Engine, Quote, QuoteType, Speaker, SpeakerKind


def test_match_quotes_is_greedy_and_gold_relative() -> None:
    gold = [(0, 10), (20, 40), (50, 60)]
    pred = [(0, 10), (20, 28), (100, 110)]
    assert evaluate.match_quotes(gold, pred, 0.3) == [(0, 0), (1, 1)]  # 8/20 = 0.4 > 0.3
    assert evaluate.match_quotes(gold, pred, 0.8) == [(0, 0)]
    # a longer prediction still scores 1.0: shared chars / gold chars
    assert evaluate.match_quotes([(5, 10)], [(0, 100)], 0.8) == [(0, 0)]
    # two gold quotes, one prediction: the first gold takes it, the second gets nothing
    assert evaluate.match_quotes([(0, 10), (5, 10)], [(0, 10)], 0.3) == [(0, 0)]


def test_prf_and_speaker_match() -> None:
    assert evaluate.prf(2, 3, 4) == {"precision": 0.6667, "recall": 0.5, "f1": 0.5714}
    assert evaluate.prf(0, 0, 5) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert evaluate.speaker_match("Smith", "Jane Smith")
    assert evaluate.speaker_match("le département d’État", "Département d'Etat")
    assert not evaluate.speaker_match("Bob Brown", "Tom Brown")
    assert not evaluate.speaker_match(None, "Tom Brown")


def _fake_analysis(text: str) -> Analysis:
    spans = [((0, 10), "s1"), ((20, 28), "s2"), ((100, 110), None)]
    quotes = [Quote(id=f"q{i}", text=text[s:e], start=s, end=e, type=QuoteType.direct, speaker_id=sid)
              for i, ((s, e), sid) in enumerate(spans)]
    return Analysis(
        document=Document(source="x", sha256="0", language="en", chars=len(text)),
        speakers=[Speaker(id="s1", name="Smith", kind=SpeakerKind.person),
                  Speaker(id="s2", name="Bob Brown", kind=SpeakerKind.person)],
        quotes=quotes, engine=Engine(backend="fake", model="fake"),
    )


def test_eval_quotes_arithmetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "x" * 120
    gold = {"id": "a", "language": "en", "text": text, "quotes": [
        {"text": text[0:10], "start": 0, "end": 10, "speaker": "Jane Smith"},
        {"text": text[20:40], "start": 20, "end": 40, "speaker": "Tom Brown"},
        {"text": text[50:60], "start": 50, "end": 60, "speaker": ""},
    ]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    monkeypatch.setattr(evaluate, "analyze_source", lambda src, cfg, progress=None: _fake_analysis(src.text))
    r = evaluate.eval_quotes(str(path), Config())
    assert r["gold_quotes"] == 3 and r["predicted_quotes"] == 3
    lo, hi = r["overlap_0.3"], r["overlap_0.8"]
    assert (lo["matched"], lo["precision"], lo["recall"], lo["f1"]) == (2, 0.6667, 0.6667, 0.6667)
    assert (hi["matched"], hi["precision"], hi["recall"]) == (1, 0.3333, 0.3333)
    assert (lo["speaker_right"], lo["speaker_scored"], lo["speaker_accuracy"]) == (1, 2, 0.5)
    assert hi["speaker_accuracy"] == 1.0


def test_eval_quotes_hedges_on_seed_style_gold(tmp_path: Path) -> None:
    text = "« Je pense que le projet peut aboutir », a déclaré Paul Durand. Le coût pourrait doubler.\n"
    hedges = [{"cue": "Je pense", "start": 2, "end": 10, "voice": "speaker"},
              {"cue": "pourrait", "start": text.index("pourrait"), "end": text.index("pourrait") + 8,
               "voice": "speaker"}]
    q_end = text.index("»") + 1
    gold = {"id": "s", "language": "fr", "text": text, "hedges": hedges,
            "quotes": [{"text": text[:q_end], "start": 0, "end": q_end, "speaker": "Paul Durand"}]}
    path = tmp_path / "seed.jsonl"
    path.write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    r = evaluate.eval_quotes(str(path), Config(language=None))
    assert r["overlap_0.8"]["matched"] == 1 and r["overlap_0.8"]["speaker_accuracy"] == 1.0
    # both cues found; only "Je pense" has the gold voice ("pourrait" is the author's here)
    assert (r["hedges"]["gold"], r["hedges"]["found"], r["hedges"]["right_voice"]) == (2, 2, 1)


def test_ranking_metrics() -> None:
    assert evaluate.average_precision([1, 0, 1, 0]) == pytest.approx((1 + 2 / 3) / 2)
    assert evaluate.r_precision([1, 0, 1, 0]) == 0.5
    assert evaluate.precision_at([1, 0, 1, 0], 10) == 0.2
    assert evaluate.rank_scores([0.1, 0.9, 0.5], [0, 1, 1]) == [1, 1, 0]


def test_detokenise() -> None:
    s = "` Frugality' -LRB- also known as `` thrift '' -RRB- , is n't new ."
    assert evaluate.detokenise(s) == "'Frugality' (also known as \"thrift\"), isn't new."


def test_eval_hedges_counts(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "text,label\n"
        "Some experts say it may rain .,1\n"
        "The bridge opened in 1990 .,0\n"
        "It is probably the oldest church -LRB- built 1200 -RRB- .,1\n"
        "He was elected twice .,1\n",
        encoding="utf-8",
    )
    r = evaluate.eval_hedges(str(path), Config())
    assert (r["sentences"], r["uncertain"], r["predicted_uncertain"]) == (4, 3, 2)
    assert (r["precision"], r["recall"], r["f1"]) == (1.0, 0.6667, 0.8)


def test_eval_checkworthy_ranks_statistics_first(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text(
        "1\tA\tThank you all, good evening.\t0\r\n"
        "2\tA\tI love this great country and its wonderful people.\t0\r\n"
        "3\tB\tUnemployment fell from 7.2% in 2019 to 5.1% in 2023.\t1\r\n",
        encoding="utf-8",
    )
    r = evaluate.eval_checkworthy(str(path), Config())
    assert r["map"] == 1.0 and r["files"]["t.tsv"]["positives"] == 1
