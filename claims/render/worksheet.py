"""Worksheet writers: markdown (default), html, csv, jsonld."""

from __future__ import annotations

from ..worksheet import Worksheet

FORMATS = ("markdown", "html", "csv", "jsonld")


def render_worksheet(ws: Worksheet, fmt: str) -> str | bytes:
    """The worksheet in one of FORMATS (CSV is bytes: UTF-8 with a BOM)."""
    if fmt == "markdown":
        from .worksheet_markdown import render
    elif fmt == "html":
        from .worksheet_html import render  # type: ignore[assignment]
    elif fmt == "csv":
        from .worksheet_csv import render  # type: ignore[assignment]
    elif fmt == "jsonld":
        from .worksheet_jsonld import render  # type: ignore[assignment]
    else:
        raise ValueError(f"unknown worksheet format {fmt!r}; use one of {', '.join(FORMATS)}")
    return render(ws)
