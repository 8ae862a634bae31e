"""claims: turn news articles into checkable claims — who says what, and how firmly.

    >>> import claims
    >>> result = claims.analyze(open("article.txt").read())   # offline analyser by default
    >>> result.claims[0].statement

The CLI (`claims summarize`, `compare`, `worksheet`, `eval`) is a thin layer over this API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .schemas import Analysis

__all__ = ["analyze", "analyze_file", "__version__"]


def analyze(text: str, *, source: str = "<text>", **options: Any) -> Analysis:
    """Analyse an article's text. Options are those of `claims.config.resolve` (model, base_url,
    api_key, language, output_language, chunk_chars, concurrency, cache, cache_dir, mode...)."""
    from .config import resolve
    from .document import SourceText
    from .errors import InputError
    from .pipeline import analyze_source

    if not text.strip():
        raise InputError("the text is empty", "give an article's text")
    return analyze_source(SourceText(source, text, "text"), resolve(**options))


def analyze_file(path: str, **options: Any) -> Analysis:
    """Read a text, Markdown or HTML file ("-" for stdin) and analyse it."""
    from .config import resolve
    from .document import read_source
    from .pipeline import analyze_source

    return analyze_source(read_source(path), resolve(**options))
