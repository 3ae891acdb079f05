"""Writing a finished report where it goes: report files, GitHub annotations and step summary."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .data import ReportData


@dataclass
class Published:
    errors: list[str] = field(default_factory=list)
    """What could not be written: it fails the run."""
    annotations: list[str] = field(default_factory=list)
    """GitHub workflow commands, to print."""


def publish(data: ReportData, targets: Sequence[tuple[str, str]], github_mode: str,
            environ: Mapping[str, str] = os.environ) -> Published:
    """Write ``data`` in each (format, path) of ``targets``; in GitHub Actions, annotate and summarise."""
    from ..fileio import write_atomic
    from . import github, render
    from .view import all_findings

    published = Published()
    for fmt, path in targets:
        try:
            write_atomic(path, render(fmt, data))
        except OSError as exc:
            published.errors.append(f"cannot write {fmt} report {path}: {exc.strerror or exc}")
    if github.enabled(github_mode, environ):
        published.annotations = github.workflow_commands(all_findings(data))
        try:
            github.append_step_summary(render("md", data), environ)
        except OSError as exc:
            published.errors.append(f"cannot write the GitHub step summary: {exc.strerror or exc}")
    return published
