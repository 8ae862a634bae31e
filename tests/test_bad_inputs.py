"""Bad and odd inputs (fixtures/bad-inputs/README.md), each through the command line.

Refused inputs: documented exit code, nothing on stdout, one `Error:` line on stderr, no traceback
(CLAIMS_DEBUG=1 shows it). Odd but valid inputs: exit 0 and every quote and cue grounded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from cli_helpers import (
    BAD,
    assert_grounded,
    assert_one_line_error,
    isolate_env,
    needs_offline,
    run_main,
    run_subprocess,
)

from claims.document import MAX_BYTES, read_source
from claims.errors import EXIT_ERROR, InputError
from claims.schemas import Analysis
from claims.segment import chunk, sentences


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bad_inputs_generate", BAD / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _generator()


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_env(monkeypatch, tmp_path)


@pytest.fixture(scope="module")
def big_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("big")
    gen.big_file(d / "big-20mb.txt")
    gen.long_line(d / "long-line.txt")
    gen.long_word(d / "long-word.txt")
    return d


REFUSED = [
    ("empty.txt", "is empty"),
    ("whitespace-only.txt", "is empty"),
    ("image.png", "looks like a binary file"),
    ("noise.txt", "looks like a binary file"),
    ("utf16-no-bom.txt", "UTF-16 without a byte-order mark"),
    ("utf16-bom-truncated.txt", "is not valid UTF-16"),
    ("html-no-article.html", "no article text found in the HTML"),
    ("no-articles", "holds no .txt, .md or .html files"),
    ("does-not-exist.txt", "no such file"),
]


@pytest.mark.parametrize(("name", "needle"), REFUSED)
def test_refused_input_gives_one_line_and_exit_1(name: str, needle: str, capsys, monkeypatch) -> None:
    if name != "does-not-exist.txt":
        assert (BAD / name).exists(), f"fixture {name} is missing"
    r = run_main(["summarize", str(BAD / name)], capsys, monkeypatch)
    assert_one_line_error(r, EXIT_ERROR, needle)


@pytest.mark.parametrize("command", ["compare", "worksheet"])
@pytest.mark.parametrize(("name", "needle"), [REFUSED[0], REFUSED[2], REFUSED[7], REFUSED[8]])
def test_other_commands_refuse_bad_input_the_same_way(command: str, name: str, needle: str, capsys, monkeypatch) -> None:
    r = run_main([command, str(BAD / name)], capsys, monkeypatch)
    assert_one_line_error(r, EXIT_ERROR, needle)


@pytest.mark.parametrize("fmt", ["json", "table", "csv"])
def test_file_over_the_size_limit_is_refused_clearly(big_dir: Path, fmt: str, capsys, monkeypatch) -> None:
    big = big_dir / "big-20mb.txt"
    assert big.stat().st_size > 2 * MAX_BYTES - 1024
    r = run_main(["summarize", "--format", fmt, str(big)], capsys, monkeypatch)
    assert_one_line_error(r, EXIT_ERROR, "is larger than 10 MB")


def test_stdin_over_the_size_limit_is_refused(capsys, monkeypatch) -> None:
    r = run_main(["summarize", "-"], capsys, monkeypatch, stdin=b"Une phrase. " * (MAX_BYTES // 12 + 10))
    assert_one_line_error(r, EXIT_ERROR, "larger than 10 MB")


def test_empty_stdin_is_refused(capsys, monkeypatch) -> None:
    r = run_main(["summarize", "-"], capsys, monkeypatch, stdin=b"")
    assert_one_line_error(r, EXIT_ERROR, "standard input is empty")


def test_empty_directory_is_refused(tmp_path: Path, capsys, monkeypatch) -> None:
    d = tmp_path / "empty-dir"
    d.mkdir()
    r = run_main(["summarize", str(d)], capsys, monkeypatch)
    assert_one_line_error(r, EXIT_ERROR, "holds no .txt, .md or .html files")


def test_directory_is_refused_by_the_reader_itself(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_source(str(tmp_path))


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: mode 000 does not stop root reading a file")
def test_unreadable_file_is_refused(tmp_path: Path, capsys, monkeypatch) -> None:
    p = tmp_path / "secret.txt"
    p.write_text("Le ministre a parlé.", encoding="utf-8")
    p.chmod(0)
    try:
        r = run_main(["summarize", str(p)], capsys, monkeypatch)
    finally:
        p.chmod(0o600)
    assert_one_line_error(r, EXIT_ERROR, "is not readable")


def test_unreadable_file_is_refused_simulated(tmp_path: Path, capsys, monkeypatch) -> None:
    """As root a real mode-000 file stays readable, so deny access through os.access instead."""
    import claims.document

    p = tmp_path / "secret.txt"
    p.write_text("Le ministre a parlé.", encoding="utf-8")
    real_access = os.access
    monkeypatch.setattr(
        claims.document.os, "access", lambda path, mode: False if Path(path) == p else real_access(path, mode)
    )
    r = run_main(["summarize", str(p)], capsys, monkeypatch)
    assert_one_line_error(r, EXIT_ERROR, "is not readable")


def test_read_error_after_open_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    """An OSError while reading (e.g. EACCES on a network share, EIO) is an InputError too."""
    p = tmp_path / "flaky.txt"
    p.write_text("Le ministre a parlé.", encoding="utf-8")
    real_open = Path.open

    def failing_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == p:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", failing_open)
    r = run_main(["summarize", str(p)], capsys, monkeypatch)
    assert_one_line_error(r, EXIT_ERROR, "Permission denied")


def test_refusal_through_a_real_process_and_debug_traceback() -> None:
    plain = run_subprocess(["summarize", str(BAD / "empty.txt")])
    assert_one_line_error(plain, EXIT_ERROR, "is empty")
    debug = run_subprocess(["summarize", str(BAD / "empty.txt")], env={"CLAIMS_DEBUG": "1"})
    assert debug.code == EXIT_ERROR
    assert debug.out == ""
    assert "Traceback (most recent call last)" in debug.err
    assert "InputError" in debug.err and "is empty" in debug.err


def test_missing_file_through_a_real_process() -> None:
    r = run_subprocess(["summarize", "--format", "json", str(BAD / "does-not-exist.txt")])
    assert_one_line_error(r, EXIT_ERROR, "no such file")


# --- odd but valid inputs: the reading and segmentation layers ---------------------------------


def test_latin1_and_cp1252_are_decoded_and_carried_as_document_text() -> None:
    latin = read_source(str(BAD / "latin1-fr.txt"))
    assert latin.text == (BAD / "latin1-fr.txt").read_bytes().decode("latin-1")
    assert "Besançon" in latin.text and "« C'est" in latin.text
    assert not latin.from_file_verbatim  # offsets index the decoded text, which the JSON carries
    win = read_source(str(BAD / "cp1252-fr.txt"))
    assert win.text == (BAD / "cp1252-fr.txt").read_bytes().decode("cp1252")
    for s in ("bœuf", "18,50 €", "“Nous n’avons", "Œting", "l’été…"):
        assert s in win.text
    assert "\ufffd" not in win.text


def test_utf16_with_bom_is_decoded_without_the_bom() -> None:
    src = read_source(str(BAD / "utf16-bom-fr.txt"))
    assert src.text.startswith("La ministre de la Santé")
    assert "« recule nettement »" in src.text
    assert not src.from_file_verbatim


def test_rtl_and_emoji_stay_verbatim() -> None:
    data = (BAD / "rtl-emoji.txt").read_bytes()
    src = read_source(str(BAD / "rtl-emoji.txt"))
    assert src.from_file_verbatim and src.text == data.decode("utf-8")
    sents = sentences(src.text)
    assert any("👩‍👩‍👧" in src.text[s.start : s.end] for s in sents)  # ZWJ sequence kept whole


def test_html_article_is_extracted_without_scripts_or_navigation() -> None:
    src = read_source(str(BAD / "scripts-nav.html"))
    assert src.format == "html" and not src.from_file_verbatim
    assert src.title and "préfecture" in src.title
    for marker in ("SCRIPT_MARKER", "INJECTED_BY_SCRIPT", "NAV_MARKER", "FOOTER_MARKER", "COOKIE_MARKER",
                   "RELATED_MARKER", "dataLayer", "loadAds", "<script", "<p>"):
        assert marker not in src.text, marker
    assert "« Nous n'avons pas connu une telle situation depuis 2002 »" in src.text
    assert "Les autorités appellent les habitants" in src.text


@pytest.mark.parametrize("name", ["long-line.txt", "long-word.txt"])
def test_100k_character_line_is_segmented_and_chunked_within_budget(big_dir: Path, name: str) -> None:
    src = read_source(str(big_dir / name))
    assert len(src.text) == 100_000 and "\n" not in src.text
    budget = 8000
    chunks = chunk(src.text, budget=budget)
    assert 100_000 // budget <= len(chunks) <= 2 * (100_000 // budget) + 1
    assert all(0 < c.end - c.start <= budget for c in chunks)
    assert all(c.text == src.text[c.start : c.end] for c in chunks)
    joined = "".join(c.text for c in chunks)
    assert joined.replace(" ", "") == src.text.replace(" ", "")


# --- odd but valid inputs: through the CLI with the offline analyser ----------------------------

ACCEPTED = ["latin1-fr.txt", "cp1252-fr.txt", "utf16-bom-fr.txt", "unbalanced-quotes-fr.txt", "rtl-emoji.txt",
            "scripts-nav.html"]


def _summarize_json(path: Path, capsys, monkeypatch, *extra: str) -> Analysis:
    r = run_main(["summarize", "--format", "json", *extra, str(path)], capsys, monkeypatch)
    assert r.code == 0, r.err
    assert "Error" not in r.err and "Traceback" not in r.err
    return Analysis.model_validate_json(r.out)


@needs_offline
@pytest.mark.parametrize("name", ACCEPTED)
def test_odd_but_valid_input_succeeds_with_grounded_output(name: str, capsys, monkeypatch) -> None:
    path = BAD / name
    analysis = _summarize_json(path, capsys, monkeypatch)
    text = assert_grounded(analysis, path.read_bytes())
    if name not in ("rtl-emoji.txt", "unbalanced-quotes-fr.txt"):
        assert analysis.document.text is not None  # decoded or extracted: the text is carried
    if name.endswith("-fr.txt") or name.endswith(".html"):
        assert analysis.document.language == "fr"
    # Each fixture holds at least one « ... », a déclaré-style quote: the checks above are not vacuous.
    assert analysis.quotes and analysis.claims
    assert any(q.cue_start is not None for q in analysis.quotes)
    if name == "scripts-nav.html":
        assert "SCRIPT_MARKER" not in text and "NAV_MARKER" not in text


LONG_LINE_SECONDS = 10  # generous: the offline analyser needs about 1-1.5 s for 100,000 characters


@needs_offline
@pytest.mark.parametrize("name", ["long-line.txt", "long-word.txt"])
def test_long_line_succeeds_through_the_cli(big_dir: Path, name: str) -> None:
    """Processed, and in bounded time. Run in a subprocess so that a slow analyser is stopped; a
    timeout fails the test (the analyser was quadratic on one long sentence, ~30 s, until fixed)."""
    path = big_dir / name
    try:
        r = run_subprocess(["summarize", "-q", "--format", "json", str(path)], timeout=LONG_LINE_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"offline analyser took over {LONG_LINE_SECONDS} s on a 100,000-character line")
    assert r.code == 0 and r.err == "", r.err
    analysis = Analysis.model_validate_json(r.out)
    assert_grounded(analysis, path.read_bytes())
    assert analysis.document.chars == 100_000


@needs_offline
def test_odd_input_through_stdin(capsys, monkeypatch) -> None:
    data = (BAD / "rtl-emoji.txt").read_bytes()
    r = run_main(["summarize", "--format", "json", "-"], capsys, monkeypatch, stdin=data)
    assert r.code == 0, r.err
    analysis = Analysis.model_validate_json(r.out)
    assert analysis.document.source == "-"
    assert_grounded(analysis, data)


@needs_offline
def test_one_bad_file_among_good_ones_is_a_partial_result(capsys, monkeypatch) -> None:
    good, bad = BAD / "cp1252-fr.txt", BAD / "empty.txt"
    r = run_main(["summarize", "--format", "jsonl", str(good), str(bad)], capsys, monkeypatch)
    assert r.code == 3, r.err
    lines = r.out.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["document"]["source"] == str(good)
    assert any(line.startswith("Failed: ") and "is empty" in line for line in r.err_lines)
    assert "Traceback" not in r.err
