"""Helpers for tests that drive the `claims` command line (in-process through main(), or a subprocess)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from claims.schemas import Analysis

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "fixtures" / "bad-inputs"
ENV_VARS = (
    "CLAIMS_MODEL", "CLAIMS_BASE_URL", "OPENAI_BASE_URL", "CLAIMS_API_KEY", "OPENAI_API_KEY",
    "CLAIMS_MODE", "CLAIMS_DEBUG", "CLAIMS_CONCURRENCY", "CLAIMS_CHUNK_CHARS", "CLAIMS_CACHE_DIR",
)


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def isolate_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No endpoint, key or model from the developer's environment; a private cache directory."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLAIMS_CACHE_DIR", str(tmp_path / "cache"))


def run_main(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    stdin: bytes | None = None,
) -> Result:
    """Run claims.cli.main(argv) in this process and capture stdout and stderr separately."""
    from claims.cli import main

    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    return Result(code, out, err)


def run_subprocess(
    args: list[str], *, env: dict[str, str] | None = None, stdin: bytes | None = None, cwd: Path | None = None,
    timeout: float = 120,
) -> Result:
    """Run `python -m claims.cli ARGS` in a clean environment (no endpoint configured)."""
    base = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    base.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "claims.cli", *args], input=stdin if stdin is not None else b"",
        capture_output=True, env=base, cwd=cwd or ROOT, timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


def assert_one_line_error(r: Result, code: int, needle: str = "") -> None:
    """The documented exit code, nothing on stdout, exactly one 'Error:' line on stderr."""
    assert r.code == code, (r.code, r.err)
    assert r.out == "", f"stdout must stay empty on error, got {r.out[:200]!r}"
    assert len(r.err_lines) == 1, f"expected one line on stderr, got {r.err!r}"
    assert r.err_lines[0].startswith("Error: "), r.err
    assert "Traceback" not in r.err
    assert needle.lower() in r.err.lower(), (needle, r.err)


def analysed_text(analysis: Analysis, original: bytes | None) -> str:
    """The text offsets index: document.text when present, else the input read as UTF-8."""
    if analysis.document.text is not None:
        return analysis.document.text
    assert original is not None, "document.text is absent, so the input must be UTF-8 verbatim"
    return original.decode("utf-8")


def assert_grounded(analysis: Analysis, original: bytes | None) -> str:
    """Every quote, reporting cue, hedge cue and booster sits at its offsets in the analysed text."""
    text = analysed_text(analysis, original)
    assert analysis.document.chars == len(text)
    assert analysis.document.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    for q in analysis.quotes:
        assert text[q.start : q.end] == q.text, q
        if q.cue_start is not None or q.cue_end is not None:
            assert q.cue is not None and text[q.cue_start : q.cue_end] == q.cue, q
    for c in analysis.claims:
        assert 0 <= c.start < c.end <= len(text), c
        for cue in c.hedging.cues + c.hedging.boosters:
            assert text[cue.start : cue.end] == cue.text, cue
    assert analysis.check_grounding(text) == []
    return text


def offline_ready() -> bool:
    try:
        from claims.offline import analyse  # noqa: F401
    except ImportError:
        return False
    return True


needs_offline = pytest.mark.skipif(not offline_ready(), reason="claims.offline.analyse is not written yet")
