"""The fully cached LLM path: a whole analysis stored after a complete run, replayed with no request,
no event loop and no HTTP stack; the same answer as replaying the chunks; never a stale or partial
one. And the CLI's lean app (only the invoked command is built) behaving exactly as the full app.

Counts and module lists only: how fast this is is measured in bench/cached.py, not asserted here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import claims
from bench.synthetic import BenchResponder
from claims import cache as cache_mod
from claims import cli, pipeline
from claims.cache import ResponseCache
from claims.config import Config, resolve
from claims.document import read_source
from claims.schemas import Analysis
from claims.segment import chunk
from tests.cli_helpers import ROOT, isolate_env, run_main
from tests.fake_openai import FakeOpenAI

SEED = ROOT / "seeds" / "belarus-nuclear-fr.txt"
MODEL = "reference-model"
BUDGET = 1500  # several chunks, so that merging across chunks is part of what is stored


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(BenchResponder()) as s:
        yield s


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_env(monkeypatch, tmp_path)
    return tmp_path / "cache"


def _analyze(server: FakeOpenAI, **options: object) -> Analysis:
    return claims.analyze_file(str(SEED), model=MODEL, base_url=server.base_url, chunk_chars=BUDGET, **options)


def _stored_key(server: FakeOpenAI, **options: object) -> tuple[str, Config]:
    config = resolve(model=MODEL, base_url=server.base_url, chunk_chars=BUDGET, **options)
    src = read_source(str(SEED))
    return pipeline._stored_key(src.sha256, "fr", config), config


def _content(a: Analysis) -> dict[str, object]:
    return a.model_dump(mode="json", exclude={"usage"})


def test_stored_analysis_is_served_and_equals_replaying_the_chunks(server: FakeOpenAI, cache_dir: Path) -> None:
    n = len(chunk(SEED.read_text(encoding="utf-8"), BUDGET))
    assert n >= 3
    first = _analyze(server)
    assert server.stats.requests == n and first.usage.requests == n
    key, config = _stored_key(server)
    assert ResponseCache(config).get(key) is not None  # stored by the complete run

    whole = _analyze(server)  # from the stored analysis
    assert server.stats.requests == n
    assert whole.usage.requests == 0 and whole.usage.cache_hits == n == whole.usage.chunks

    store = ResponseCache(config)
    store._db().delete(key)
    store.close()
    replayed = _analyze(server)  # from the chunks' answers, validated and merged again
    assert server.stats.requests == n
    assert replayed.usage.model_dump() == whole.usage.model_dump()
    assert _content(whole) == _content(replayed) == _content(first)
    assert first.quotes and first.speakers and first.claims


def test_corrupt_or_stale_stored_analysis_is_a_miss(server: FakeOpenAI, cache_dir: Path) -> None:
    first = _analyze(server)
    key, config = _stored_key(server)
    for bad in ("not json", {"speakers": "nope"}, {"usage": {}}):
        store = ResponseCache(config)
        if isinstance(bad, str):
            store._db().set(key, bad)
        else:
            store.put(key, bad)
        store.close()
        assert pipeline.stored_analysis(read_source(str(SEED)), "fr", config) is None
        again = _analyze(server)  # replayed from the chunks, and stored again
        assert again.usage.requests == 0 and _content(again) == _content(first)
    assert server.stats.requests == first.usage.requests


def test_stored_key_follows_text_settings_prompt_and_code(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    base, config = _stored_key(server)
    src = read_source(str(SEED))
    variants = [
        pipeline._stored_key(src.sha256, "fr", config.with_(chunk_chars=2000)),
        pipeline._stored_key(src.sha256, "fr", config.with_(context_chars=100)),
        pipeline._stored_key(src.sha256, "fr", config.with_(model="other")),
        pipeline._stored_key(src.sha256, "fr", config.with_(base_url="http://127.0.0.1:1/v1")),
        pipeline._stored_key(src.sha256, "fr", config.with_(temperature=0.5)),
        pipeline._stored_key(src.sha256, "fr", config.with_(output_language="en")),
        pipeline._stored_key(src.sha256, "en", config),
        pipeline._stored_key("0" * 64, "fr", config),
    ]
    assert len({base, *variants}) == len(variants) + 1
    assert pipeline._stored_key(src.sha256, "fr", config.with_(api_key="sk-secret", concurrency=9)) == base
    monkeypatch.setattr(cache_mod, "code_fingerprint", lambda: "another version of the code")
    assert pipeline._stored_key(src.sha256, "fr", config) != base


def test_code_fingerprint_changes_with_any_source_file(tmp_path: Path) -> None:
    """Python's own staleness rule for bytecode: a source file's size or modification time."""
    package = Path(cache_mod.__file__).resolve().parent
    copy = tmp_path / "claims"
    shutil.copytree(package, copy, symlinks=True)
    before = cache_mod.fingerprint(copy)
    assert before == cache_mod.fingerprint(copy) == cache_mod.code_fingerprint()
    edited = copy / "render" / "summary.py"
    stat = edited.stat()
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # saved again, same bytes
    touched = cache_mod.fingerprint(copy)
    assert touched != before
    edited.write_text(edited.read_text() + "\n# changed\n")
    assert cache_mod.fingerprint(copy) not in (before, touched)


def test_partial_analysis_is_not_stored(server: FakeOpenAI, cache_dir: Path) -> None:
    chunks = chunk(SEED.read_text(encoding="utf-8"), BUDGET)
    server.inject("500", times=1000, match=chunks[1].text[:80])
    partial = _analyze(server, max_retries=0)
    assert partial.usage.chunks_failed == [1]
    key, config = _stored_key(server)
    assert ResponseCache(config).get(key) is None
    server.faults.clear()
    before = server.stats.requests
    complete = _analyze(server)
    assert server.stats.requests == before + 1  # only the failed chunk is asked again
    assert complete.usage.chunks_failed == [] and ResponseCache(config).get(key) is not None


def test_disabled_cache_neither_stores_nor_serves(server: FakeOpenAI, cache_dir: Path) -> None:
    n = len(chunk(SEED.read_text(encoding="utf-8"), BUDGET))
    _analyze(server, cache=False)
    key, config = _stored_key(server)
    assert ResponseCache(config).get(key) is None and server.stats.requests == n
    _analyze(server)  # nothing was cached: every chunk asked again, and now stored
    assert server.stats.requests == 2 * n and ResponseCache(config).get(key) is not None
    _analyze(server, cache=False)  # stored, but not to be read
    assert server.stats.requests == 3 * n
    assert pipeline.stored_analysis(read_source(str(SEED)), "fr", config.with_(cache=False)) is None


_PROBE = """
import json, sys
from claims.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("openai", "instructor", "asyncio", "httpx")
               or m in ("claims.llm", "claims.extract", "claims.ratelimit"))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


@pytest.mark.parametrize("stored", [True, False], ids=["whole-analysis", "chunk-replay"])
def test_cached_cli_run_sends_nothing_and_imports_no_http_stack(server: FakeOpenAI, cache_dir: Path, stored: bool) -> None:
    """With every answer cached, `claims summarize` needs no endpoint (the server is stopped
    first) and imports neither openai, instructor, httpx nor asyncio; the whole-analysis path
    also skips the extraction modules."""
    first = _analyze(server)
    key, config = _stored_key(server)
    if not stored:
        store = ResponseCache(config)
        store._db().delete(key)
        store.close()
    base_url = server.base_url
    server.stop()
    env = {"CLAIMS_CACHE_DIR": str(cache_dir), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    args = ["summarize", str(SEED), "--model", MODEL, "--base-url", base_url, "--chunk-chars", str(BUDGET), "-f", "json"]
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, env=env, cwd=ROOT, timeout=120)
    probe = json.loads(proc.stderr.decode().strip().splitlines()[-1])
    assert probe["code"] == 0, proc.stderr.decode()
    analysis = Analysis.model_validate_json(proc.stdout)
    assert analysis.usage.requests == 0 and analysis.usage.cache_hits == first.usage.chunks
    assert _content(analysis)["quotes"] == _content(first)["quotes"]
    expected = [] if stored else ["claims.extract"]
    assert probe["heavy"] == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["summarize", "--help"],
        ["compare", "--help"],
        ["worksheet", "--help"],
        ["summarize"],
        ["summarize", "--bogus", "x.txt"],
        ["summarize", "--chunk-chars", "many", "x.txt"],
        ["worksheet", "-f", "pdf", str(SEED)],
        ["summarize", "-q", "--lang", "fr", str(SEED)],
    ],
)
def test_lean_app_behaves_as_the_full_app(argv: list[str], capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # fmt: skip
    isolate_env(monkeypatch, tmp_path)
    lean = run_main(argv, capsys, monkeypatch)
    monkeypatch.setattr(cli, "_app_for", lambda args: cli.app)
    full = run_main(argv, capsys, monkeypatch)
    assert (lean.code, lean.out, lean.err) == (full.code, full.out, full.err)


def test_lean_app_holds_only_the_invoked_command() -> None:
    lean = cli._app_for(["summarize", "x.txt"])
    assert lean is not cli.app and len(lean.registered_commands) == 1 and not lean.registered_groups
    assert len(cli.app.registered_commands) >= 3 and cli.app.registered_groups  # the full app untouched
    for argv in ([], ["--help"], ["--version"], ["eval", "quotes"], ["cache", "info"], ["nonsense"]):
        assert cli._app_for(argv) is cli.app


def test_console_script_runs_main_with_the_collector_back_on(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from claims import console

    seen: dict[str, bool] = {}

    def fake_main() -> int:
        seen["enabled"] = gc.isenabled()
        return 3

    monkeypatch.setattr(cli, "main", fake_main)
    try:
        with pytest.raises(SystemExit) as exit_:
            console.run()
    finally:
        gc.unfreeze()
    assert seen == {"enabled": True} and exit_.value.code == 3 and gc.isenabled()


def test_console_script_exit_codes_through_a_process(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "CLAIMS_CACHE_DIR": str(tmp_path / "c")}
    script = "import sys; sys.argv[0] = 'claims'; from claims.console import run; run()"
    for args, code in ((["--version"], 0), (["--bogus"], 2), (["summarize", str(tmp_path / "missing.txt")], 1)):
        proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, env=env, cwd=ROOT, timeout=60)
        assert proc.returncode == code, (args, proc.stderr)
        assert b"Traceback" not in proc.stderr


def test_offline_cli_run_starts_no_event_loop_and_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    """The offline analyser runs its articles one after the other without asyncio or the HTTP
    stack; a file that fails is listed and the others are still analysed (exit 3)."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "CLAIMS_CACHE_DIR": str(tmp_path / "c")}
    missing = tmp_path / "missing.txt"
    args = ["summarize", str(SEED), str(missing), "-f", "jsonl", "-q"]
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, env=env, cwd=ROOT, timeout=120)
    err = proc.stderr.decode().strip().splitlines()
    probe = json.loads(err[-1])
    assert probe == {"code": 3, "heavy": []}, proc.stderr.decode()
    assert any(line.startswith("Failed: ") and "missing.txt" in line for line in err[:-1]), err
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 1 and Analysis.model_validate_json(lines[0]).quotes
