"""LLM calls per article and text sent, counted by the local server for the real CLI.

summarize, compare and worksheet run one after the other on the same article with one response
cache, as a desk would; the server counts every request and every prompt character. The
per-sentence design is counted, not run: three calls (selection, disambiguation, decomposition)
for each sentence that claims.segment.sentences finds.
"""

from __future__ import annotations

import math

from bench.common import (
    Context,
    Table,
    child_env,
    claims_script,
    llm_args,
    long_article,
    run,
    seed_text,
    server,
    write_article,
)
from claims.config import Config
from claims.segment import chunk, sentences

NAME = "calls"
BUDGET = Config().chunk_chars
TEXT_RATIO_TARGET = 1.4
CALL_RATIO_TARGET = 20.0


def _articles(ctx: Context) -> list[tuple[str, str]]:
    arts = [("seed (fr)", seed_text())]
    for n in (20_000, 40_000, 100_000):
        arts.append((f"dev-data x {n:,} chars", long_article(n)))
    return arts


def measure(ctx: Context, label: str, text: str) -> dict[str, float]:
    """Requests and prompt characters per command, for one article through the CLI."""
    exe = claims_script()
    path = write_article(ctx, f"calls-{len(text)}.txt", text)
    env = child_env(ctx.work / f"cache-calls-{len(text)}")
    out: dict[str, float] = {"chars": len(text), "chunks": len(chunk(text, BUDGET))}
    with server() as s:
        for cmd in ("summarize", "compare", "worksheet", "summarize-again"):
            s.reset_stats()
            run([exe, cmd.split("-")[0], str(path), *llm_args(s), "-q"], env)
            out[f"{cmd}.requests"] = s.stats.requests
            out[f"{cmd}.chars"] = s.stats.prompt_chars
            out[f"{cmd}.tokens"] = s.stats.prompt_tokens
    return out


MODES = ("json", "md_json", "tools", "json_schema")  # json: any local server; tools: api.openai.com


def by_mode(ctx: Context, text: str) -> Table:
    """Prompt characters per instructor mode: tools and json_schema carry the response schema
    outside the messages, where it is sent lean too (claims.llm.compact_schema_text)."""
    exe = claims_script()
    path = write_article(ctx, f"modes-{len(text)}.txt", text)
    t = Table(
        f"Text sent by instructor mode (summarize, {len(text):,}-character dev-data article, no cache)",
        ["--mode", "requests", "prompt chars", "ratio", "target <= 1.4", "pass"],
    )
    for mode in MODES:
        with server() as s:
            run([exe, "summarize", str(path), *llm_args(s), "--mode", mode, "--no-cache", "-q"], child_env())
            ratio = s.stats.prompt_chars / len(text)
            t.rows.append([mode, s.stats.requests, s.stats.prompt_chars, round(ratio, 3), "<= 1.4",
                           ratio <= TEXT_RATIO_TARGET])  # fmt: skip
    t.notes.append(
        "The mode is chosen from the endpoint: tools on api.openai.com, json elsewhere (--mode overrides). "
        "In tools and json_schema modes the API itself reads the schema, so every `type` is kept there "
        "(OpenAI refuses function parameters without `\"type\": \"object\"`); titles, descriptions and "
        "$defs are dropped in every mode."
    )
    return t


def run_bench(ctx: Context) -> list[Table]:
    calls = Table(
        "LLM calls per article (summarize + compare + worksheet, shared cache)",
        ["article", "chars", "chunks", "summarize", "compare", "worksheet", "total", "bound ceil(chars/8000)+2",
         "within bound", "rerun summarize", "per-sentence design (3 x sentences)", "fewer calls", "target >= 20x"],
    )  # fmt: skip
    text = Table(
        "Text sent (summarize: prompt characters / article characters)",
        ["article", "chars", "prompt chars", "ratio", "target <= 1.4 (>= 20,000 chars)", "prompt tokens (server, chars/4)",
         "compare prompt chars"],
    )  # fmt: skip
    for label, body in _articles(ctx):
        m = measure(ctx, label, body)
        total = int(m["summarize.requests"] + m["compare.requests"] + m["worksheet.requests"])
        bound = math.ceil(len(body) / BUDGET) + 2
        per_sentence = 3 * len(sentences(body))
        ratio = per_sentence / total
        calls.rows.append([
            label, len(body), int(m["chunks"]), int(m["summarize.requests"]), int(m["compare.requests"]),
            int(m["worksheet.requests"]), total, bound, total <= bound, int(m["summarize-again.requests"]),
            per_sentence, f"{ratio:.1f}x", ratio >= CALL_RATIO_TARGET if label.startswith("seed") or len(body) >= 40_000 else "-",
        ])  # fmt: skip
        sent = m["summarize.chars"] / len(body)
        text.rows.append([
            label, len(body), int(m["summarize.chars"]), round(sent, 3),
            sent <= TEXT_RATIO_TARGET if len(body) >= 20_000 else "- (under 20,000 chars)",
            int(m["summarize.tokens"]), int(m["compare.chars"]),
        ])  # fmt: skip
    calls.notes.append(
        "Counts from the local server (tests/fake_openai.py) for the real `claims` console script; "
        "longer articles are dev-data texts (ggt-en-dev) joined at run time. Counts do not depend on "
        "machine load, so they are measured once."
    )
    text.notes.append(
        "Prompt characters are everything the model reads: system and user messages, including the "
        "response schema instructor adds and the read-only context before each chunk."
    )
    return [calls, text, by_mode(ctx, long_article(40_000))]
