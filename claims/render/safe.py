"""Escaping shared by every writer of article-derived text."""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formula injection: prefix a quote to cells that start a formula."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value
