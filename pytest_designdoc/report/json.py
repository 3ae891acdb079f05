"""The v1 JSON report, the source of truth for every other format."""

from __future__ import annotations

import json as stdjson
import os
import re
import uuid
from typing import Any, Callable, Optional, cast

from ..model import DocResult, Finding, GoalKind, GoalResult, Report, RowResult, Severity
from .data import CoverageData, DocData, FindingData, GoalData, ReportData, RowData, SubjectData, SummaryData

SCHEMA = "pytest-designdoc/report/v1"


def summary(report: Report) -> SummaryData:
    return {
        "docs": len(report.docs),
        "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING),
        "waived": report.count(Severity.WAIVED),
        "goals": {status.value: count for status, count in report.goal_counts().items()},
    }


def to_dict(report: Report) -> ReportData:
    data: ReportData = {
        "schema": SCHEMA,
        "created": report.created,
        "rootdir": report.rootdir,
        "summary": summary(report),
        "docs": [_doc(doc, report.coverage_note) for doc in sorted(report.docs, key=lambda d: d.doc.path)],
        "findings": [finding_dict(f) for f in report.findings],
    }
    if report.coverage_source or report.coverage_note:
        coverage: CoverageData = {"scope": report.coverage_scope}
        if report.coverage_source:
            coverage["source"] = report.coverage_source
        if report.coverage_note:
            coverage["note"] = report.coverage_note
        data["coverage"] = coverage
    if report.selection or report.not_selected:
        data["selection"] = {"keys": list(report.selection), "not_selected": report.not_selected}
    return data


def _doc(result: DocResult, note: str = "") -> DocData:
    """A doc's dict; each goal that is not met says why (``reason``)."""
    from .view import goal_reasons

    data = _doc_fields(result)
    for (row, goal), reason in goal_reasons(data, note).items():
        data["rows"][row]["goals"][goal]["reason"] = reason
    return data


def _doc_fields(result: DocResult) -> DocData:
    doc = result.doc
    return {
        "path": doc.path,
        "key": doc.key,
        "title": doc.title,
        "line": doc.line,
        "status": doc.status.value,
        "enforced": doc.enforced,
        "checked": doc.checked,
        "template": doc.is_template,
        "owners": list(doc.owners),
        "sha256": doc.sha256,
        "files": [
            {"section": f.section.value, "path": f.path, "line": f.line, "exists": f.exists, "matches": list(f.matches)}
            for f in result.files
        ],
        "rows": [_row(row) for row in result.rows],
        "findings": [finding_dict(f) for f in result.findings],
    }


def _row(result: RowResult) -> RowData:
    return {
        "line": result.row.line,
        "type": result.row.test_type,
        "columns": {name: value for name, value in result.row.columns},
        "test_files": [
            {
                "path": t.path,
                "exists": t.exists,
                "selected": t.selected,
                "collected": t.collected,
                "passed": t.passed,
                "failed": t.failed,
                "skipped": t.skipped,
                "deselected": t.deselected,
            }
            for t in result.test_files
        ],
        "goals": [_goal(goal) for goal in result.goals],
    }


def _goal(result: GoalResult) -> GoalData:
    goal = result.goal
    data: GoalData = {"text": goal.text, "line": goal.line, "kind": goal.kind.value, "status": result.status.value}
    if goal.kind is GoalKind.PERCENT:
        data["metric"] = goal.metric.value if goal.metric else "total"
        data["required"] = goal.required
        data["actual"] = result.actual
        data["files"] = list(result.files or goal.files)
        data["each_file"] = goal.each_file
    elif goal.kind is GoalKind.SYMBOL:
        if goal.symbol is not None:
            data["symbol"] = goal.symbol
        data["file"] = result.symbol_file or (goal.files[0] if goal.files else None)
        if goal.public:
            data["public"] = True
            data["files"] = list(result.files or goal.files)
        if goal.required is not None:
            data["required"] = goal.required
            data["metric"] = goal.metric.value if goal.metric else "line"
        if goal.required is not None or result.actual is not None:
            data["actual"] = result.actual
        if result.line_range:
            data["line_range"] = list(result.line_range)
    if result.missing and goal.kind is not GoalKind.MANUAL:
        data["missing"] = result.missing
    if result.reason:
        data["reason"] = result.reason
    return data


def finding_dict(finding: Finding) -> FindingData:
    data: FindingData = {
        "code": finding.code,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
    }
    if finding.hint:
        data["hint"] = finding.hint
    subject = finding.subject.as_dict()
    if subject:
        data["subject"] = cast(SubjectData, subject)
    if finding.waived is not None:
        waiver = finding.waived.waiver
        data["waiver"] = {"severity": finding.waived.severity.value, "reason": waiver.reason, "expires": waiver.expires,
                          "path": waiver.path, "line": waiver.line}
        if waiver.owner:
            data["waiver"]["owner"] = waiver.owner
    return data


MAX_JSON_BYTES = 64 * 1024 * 1024


def load_json(path: str, max_bytes: int = MAX_JSON_BYTES) -> object:
    """A saved JSON file (a report, shard evidence), read as untrusted: bounded in size, ValueError when unusable."""
    from ..safepath import read_file

    raw = read_file(path, max_bytes)
    try:
        text = raw.decode("utf-8")
        data = stdjson.loads(text, parse_constant=_not_json, parse_float=_finite)
    except RecursionError:
        raise ValueError("it is nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"it is not UTF-8 ({exc.reason})") from None
    if _SURROGATE_ESCAPE.search(text):
        where = _lone_surrogate(data)
        if where is not None:
            raise ValueError(f"{where or 'its top level'} holds a lone surrogate (\\ud800-\\udfff), which is not "
                             "text")
    return data


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""JSON text can hold a surrogate only as such an escape: without one, no walk is needed."""


def _lone_surrogate(data: object) -> Optional[str]:
    """Where the first string (or object key) with a lone surrogate is, or None (walked without recursion)."""
    from ..shape import key_text

    pending: list[tuple[str, object]] = [("", data)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            if not _is_text(value):
                return where
        elif isinstance(value, list):
            pending.extend((f"{where}[{index}]", item) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                inner = f"{where}.{key}" if key.isidentifier() else f"{where}[{key_text(key)}]"
                if not _is_text(key):
                    return f"a key of {where or 'the top level'}"
                pending.append((inner.lstrip("."), item))
    return None


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_json(name: str) -> float:
    raise ValueError(f"it holds {name}, which is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"it holds {text[:20]}, a number no float can hold")
    return number


def load_versioned(path: str, schema: str, what: str, check: Callable[[dict[str, Any]], str],
                   hint: str = "") -> dict[str, Any]:
    """A saved JSON object whose ``schema`` is ``schema`` and in which ``check`` finds nothing wrong.

    The one reader of the files the ``designdoc`` command is given (reports,
    shard evidence): bounded in size, regular files only, every field
    checked before use. ValueError names the file and the field.
    """
    try:
        data = load_json(path)
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != schema:
        raise ValueError(f"{path} is not a {schema} {what}" + (f" ({hint})" if hint else ""))
    wrong = check(data)
    if wrong:
        raise ValueError(f"{path} is not a valid {schema} {what}: {wrong}")
    return data


def load_report(path: str) -> ReportData:
    """A saved v1 report, every field checked; ValueError says what keeps it from being one."""
    from .data import problem

    return cast(ReportData, load_versioned(path, SCHEMA, "report", problem))


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temp file in the same directory.

    The temp file is created like any new file (the umask decides its mode)
    and renamed over ``path``, so readers never see half a report. The text
    is written as UTF-8 (:func:`utf8_text`).
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    temp = os.path.join(directory, f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temp, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(utf8_text(text))
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_text(text: str) -> str:
    """``text`` with each lone surrogate as U+FFFD, so that UTF-8 can hold it.

    Python names a file whose name is not UTF-8 with lone surrogates
    (``src/\\udcff.py``); a glob in a doc, or pytest's node ids, bring such
    names into reports and evidence, which are UTF-8 text.
    """
    return text if text.isascii() else _LONE_SURROGATE.sub("\ufffd", text)
