"""Renderers of the traceability report.

The JSON v1 dict is the source of truth; every other format renders from it,
so a saved report can be rendered again (``designdoc report``).
"""

from __future__ import annotations

import json as stdjson
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .data import ReportData

FORMATS = ("json", "md", "html", "junit", "sarif")
DOC_COVERAGE_FORMATS = ("cobertura", "lcov")
"""Written per doc into a directory from the run's coverage data (:mod:`.doc_coverage`), so never from a saved report."""


def render(fmt: str, data: ReportData) -> str:
    """The report ``data`` (JSON v1 dict) in format ``fmt``."""
    return _renderer(fmt)(data)


def _renderer(fmt: str) -> Callable[[ReportData], str]:
    if fmt == "json":
        return lambda data: stdjson.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        from .markdown import render as markdown
        return markdown
    if fmt == "html":
        from .html import render as html
        return html
    if fmt == "junit":
        from .junit import render as junit
        return junit
    if fmt == "sarif":
        from .sarif import render as sarif
        return sarif
    raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")
