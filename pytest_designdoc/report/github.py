"""GitHub Actions: workflow-command annotations per finding, and the step summary."""

from __future__ import annotations

import os
from typing import Mapping, Sequence

from .data import FindingData
from .view import printable

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def enabled(mode: str, environ: Mapping[str, str]) -> bool:
    """``designdoc_github``: ``auto`` means inside GitHub Actions."""
    if mode == "false":
        return False
    return mode == "true" or environ.get("GITHUB_ACTIONS") == "true"


def _data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF encoded as the runner decodes them, other control and
    invisible characters escaped (:func:`printable`), so a doc cannot forge a second command or hide text."""
    lines = text.replace("%", "%25").replace("\r\n", "\n").split("\n")
    return "%0A".join(printable(line) for line in lines)


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_commands(findings: list[FindingData]) -> list[str]:
    """``::error file=…,line=…,title=DD0xx::message`` per finding but the waived, in the order given (``all_findings``)."""
    lines = []
    for finding in findings:
        if finding["severity"] == "waived":
            continue
        message = finding["message"] + (f"\n{finding['hint']}" if finding.get("hint") else "")
        lines.append(
            f"::{_COMMAND.get(finding['severity'], 'notice')} file={_property(finding['path'])},"
            f"line={max(1, int(finding['line']))},title={_property(finding['code'])}::{_data(message)}"
        )
    return lines


def merge_commands(problems: Sequence[str], warnings: Sequence[str]) -> list[str]:
    """``designdoc merge``'s completeness: an error annotation per problem, a warning per check it could not make."""
    return ([f"::warning title=designdoc merge::{_data(text)}" for text in warnings]
            + [f"::error title=designdoc merge incomplete::{_data(text)}" for text in problems])


def append_step_summary(markdown: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Append to ``$GITHUB_STEP_SUMMARY`` when it is set; False when it is not."""
    path = environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    from ..fileio import utf8_text

    with open(path, "a", encoding="utf-8") as handle:
        handle.write(utf8_text(markdown))
    return True
