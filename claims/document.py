"""Reading inputs (text, Markdown, HTML, stdin) into the text the tool analyses, and its language."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

MAX_BYTES = 10 * 1024 * 1024  # documented limit: larger inputs are refused with a clear message
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}

_STOPWORDS = {
    "fr": "le la les des du de un une et est que qui dans pour pas sur au aux avec par ce cette il elle ils "
    "sont ont été a à en plus selon nous vous leur leurs mais ou où son sa ses d l qu n s c".split(),
    "en": "the of and to in is that for on with as was by it he she they are were be at from this "
    "has have had said not or but an which who will would their its".split(),
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es".split(),
    "es": "el la los las de y que en un una es por con para del se no su al lo como más".split(),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class SourceText:
    source: str
    text: str
    format: str  # text, markdown, html
    title: str | None = None
    from_file_verbatim: bool = True  # False when the analysed text differs from the file bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def detect_language(text: str, sample: int = 20000) -> str:
    """Best stop-word match among fr, en, de, es; "en" when nothing matches."""
    counts = dict.fromkeys(_STOPWORDS, 0)
    sets = {k: set(v) for k, v in _STOPWORDS.items()}
    for w in _WORD.findall(text[:sample].lower()):
        for lang, words in sets.items():
            if w in words:
                counts[lang] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] > 0 else "en"


def _looks_binary(text: str, sample: int = 8192) -> bool:
    """Many control characters or undecodable bytes: an image, archive or PDF, not an article."""
    head = text[:sample]
    bad = sum(1 for c in head if c == "\ufffd" or (c < " " and c not in "\t\n\r\f\v") or c == "\x7f")
    return bad > max(2, len(head) // 50)


def _decode(data: bytes, source: str) -> tuple[str, bool]:
    """UTF-8 (with or without BOM), UTF-16/32 with BOM, else Windows-1252; binary is refused."""
    binary = InputError(f"{source} looks like a binary file", "give a UTF-8 text, Markdown or HTML file")
    boms = (
        ((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "utf-32"),
        ((b"\xff\xfe", b"\xfe\xff"), "utf-16"),
        ((b"\xef\xbb\xbf",), "utf-8-sig"),
    )
    for marks, codec in boms:
        if data.startswith(marks):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{source} starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()}"
                    f" (byte {exc.start})",
                    "re-save the file as UTF-8",
                ) from exc
            if _looks_binary(text):
                raise binary
            return text, False
    if b"\x00" in data[:8192]:
        head = data[:8192]
        if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
            raise InputError(f"{source} looks like UTF-16 without a byte-order mark", "re-save it as UTF-8")
        raise binary
    try:
        text, verbatim = data.decode("utf-8"), True
    except UnicodeDecodeError:
        text, verbatim = data.decode("cp1252", errors="replace"), False
    if _looks_binary(text):
        raise binary
    return text, verbatim


def _html_to_text(html: str, source: str) -> tuple[str, str | None]:
    try:
        import trafilatura  # heavy: imported only for HTML input
    except ImportError as exc:  # e.g. lxml without its html_clean extra
        raise InputError(
            f"cannot read HTML: {exc}".split("\n")[0], "reinstall claims with its dependencies (pip install claims)"
        ) from exc

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    meta = trafilatura.extract_metadata(html)
    title = meta.title if meta is not None else None
    if not text or not text.strip():
        raise InputError(f"no article text found in the HTML of {source}", "save the article page itself, or give its text")
    return text, title


def read_source(path: str, *, stdin_name: str = "-") -> SourceText:
    """Read `path` ("-" for stdin) and return the text to analyse; raise InputError on bad input."""
    if path == stdin_name:
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        name = "-"
        suffix = ""
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file", "check the path")
        if p.is_dir():
            raise InputError(f"{path} is a directory", "give a file, or the files inside it")
        if not os.access(p, os.R_OK):
            raise InputError(f"{path} is not readable", "check its permissions")
        if p.stat().st_size > MAX_BYTES:
            raise InputError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB", "split the file into articles")
        try:
            with p.open("rb") as fh:  # bounded: /dev/zero or a growing file cannot exhaust memory
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}", "check the file") from exc
        name, suffix = str(path), p.suffix.lower()
    if len(data) > MAX_BYTES:
        raise InputError(f"input is larger than {MAX_BYTES // (1024 * 1024)} MB", "split the input into articles")
    label = "standard input" if name == "-" else name  # for messages only
    text, verbatim = _decode(data, label)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    verbatim = verbatim and b"\r" not in data
    looks_html = suffix in HTML_SUFFIXES or (
        not suffix and re.match(r"\s*(<!doctype html|<html)", text[:500], re.I) is not None
    )
    if looks_html:
        body, title = _html_to_text(text, label)
        return SourceText(name, body, "html", title, from_file_verbatim=False)
    if not text.strip():
        raise InputError(f"{label} is empty", "give a file with article text")
    fmt = "markdown" if suffix in MARKDOWN_SUFFIXES else "text"
    return SourceText(name, text, fmt, None, verbatim)
