"""Reading inputs (claims.document): decoding, HTML extraction, stdin, Markdown, language."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from cli_helpers import BAD, assert_grounded, isolate_env, needs_offline, run_main

from claims.document import SourceText, detect_language, read_source
from claims.errors import InputError
from claims.schemas import Analysis

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "belarus-nuclear-fr.txt"

FR = ("Le gouvernement a annoncé mardi une hausse des impôts. Selon le ministre, cette mesure est "
      "nécessaire pour réduire le déficit, qui aurait atteint 5 % du PIB l'an dernier.")
EN = ("The government announced on Tuesday that taxes would rise. According to the minister, the "
      "measure is needed to cut the deficit, which reached 5% of GDP last year.")


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_env(monkeypatch, tmp_path)


def test_detects_french_and_english() -> None:
    assert detect_language(FR) == "fr"
    assert detect_language(EN) == "en"
    assert detect_language(SEED.read_text(encoding="utf-8")) == "fr"


def test_language_falls_back_to_english_without_evidence() -> None:
    assert detect_language("12345 !!! 😀") == "en"
    assert detect_language("") == "en"


def test_utf8_file_is_read_verbatim(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(FR.encode("utf-8"))
    src = read_source(str(p))
    assert src == SourceText(str(p), FR, "text", None, True)


def test_crlf_is_normalised_and_the_text_is_then_carried(tmp_path: Path) -> None:
    p = tmp_path / "crlf.txt"
    p.write_bytes(b"Premier paragraphe.\r\n\r\nDeuxi\xc3\xa8me paragraphe.\r\n")
    src = read_source(str(p))
    assert src.text == "Premier paragraphe.\n\nDeuxième paragraphe.\n"
    assert not src.from_file_verbatim  # offsets no longer index the file bytes: JSON carries the text


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf" + FR.encode("utf-8"))
    src = read_source(str(p))
    assert src.text == FR and not src.from_file_verbatim


def test_markdown_is_read_as_markdown(tmp_path: Path) -> None:
    p = tmp_path / "article.md"
    p.write_text("# Titre\n\nLe ministre a déclaré que « tout va bien ».\n", encoding="utf-8")
    src = read_source(str(p))
    assert src.format == "markdown" and src.from_file_verbatim
    assert src.text.startswith("# Titre")


def test_stdin_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(FR.encode("utf-8"))))
    src = read_source("-")
    assert src.source == "-" and src.text == FR and src.format == "text"


def test_stdin_html_is_recognised_by_its_doctype(monkeypatch: pytest.MonkeyPatch) -> None:
    html = (BAD / "scripts-nav.html").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(html)))
    src = read_source("-")
    assert src.format == "html" and "SCRIPT_MARKER" not in src.text
    assert "Antoine Morel" in src.text


def test_html_text_is_what_offsets_index() -> None:
    src = read_source(str(BAD / "scripts-nav.html"))
    assert src.format == "html" and not src.from_file_verbatim
    # the extracted text is a new string: paragraphs of the article, without markup
    assert "<" not in src.text and "SCRIPT_MARKER" not in src.text
    quote = "« Nous n'avons pas connu une telle situation depuis 2002 »"
    assert quote in src.text


def test_missing_file_and_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_source(str(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="is a directory"):
        read_source(str(tmp_path))


def test_utf32_with_bom_is_decoded(tmp_path: Path) -> None:
    p = tmp_path / "u32.txt"
    p.write_bytes(FR.encode("utf-32"))
    assert read_source(str(p)).text == FR


def test_binary_without_nul_bytes_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "blob.txt"
    p.write_bytes(bytes(range(1, 32)) * 100)
    with pytest.raises(InputError, match="binary"):
        read_source(str(p))


def test_text_with_a_few_control_characters_is_still_text(tmp_path: Path) -> None:
    p = tmp_path / "ctl.txt"
    p.write_bytes((FR + "\x0c\x1b" + FR).encode("utf-8"))  # a form feed and an escape are not binary
    assert read_source(str(p)).text.startswith(FR)


@needs_offline
def test_html_output_offsets_index_document_text(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    r = run_main(["summarize", "--format", "json", str(BAD / "scripts-nav.html")], capsys, monkeypatch)
    assert r.code == 0, r.err
    analysis = Analysis.model_validate_json(r.out)
    assert analysis.document.format == "html" and analysis.document.text is not None
    assert analysis.document.title and "préfecture" in analysis.document.title
    text = assert_grounded(analysis, None)
    assert analysis.quotes, "the article quotes the prefect"
    # offsets index document.text, not the HTML file: the same quote sits elsewhere in the raw HTML
    raw = (BAD / "scripts-nav.html").read_text(encoding="utf-8")
    q = analysis.quotes[0]
    assert text[q.start : q.end] == q.text and raw[q.start : q.end] != q.text


@needs_offline
@pytest.mark.parametrize(("flag", "expected"), [([], "en"), (["--lang", "fr"], "fr"), (["--lang", "FR"], "fr")])
def test_lang_override(flag: list[str], expected: str, tmp_path: Path, capsys, monkeypatch) -> None:
    p = tmp_path / "en.txt"
    p.write_text(EN, encoding="utf-8")
    r = run_main(["summarize", "--format", "json", *flag, str(p)], capsys, monkeypatch)
    assert r.code == 0, r.err
    assert Analysis.model_validate_json(r.out).document.language == expected


@needs_offline
def test_stdin_through_the_cli(capsys, monkeypatch) -> None:
    data = SEED.read_bytes()
    r = run_main(["summarize", "--format", "json", "-"], capsys, monkeypatch, stdin=data)
    assert r.code == 0, r.err
    analysis = Analysis.model_validate_json(r.out)
    assert analysis.document.source == "-" and analysis.document.language == "fr"
    assert analysis.document.text is None  # UTF-8 verbatim: the input itself is the text
    assert_grounded(analysis, data)
    assert analysis.quotes


@needs_offline
def test_markdown_through_the_cli(tmp_path: Path, capsys, monkeypatch) -> None:
    p = tmp_path / "a.md"
    data = ("# Hausse des impôts\n\n*Par la rédaction*\n\n" + FR + "\n\n> « C'est indispensable », a déclaré "
            "la ministre Anne Roche.\n").encode("utf-8")
    p.write_bytes(data)
    r = run_main(["summarize", "--format", "json", str(p)], capsys, monkeypatch)
    assert r.code == 0, r.err
    analysis = Analysis.model_validate_json(r.out)
    assert analysis.document.format == "markdown"
    assert_grounded(analysis, data)
