"""The JSON v1 report as types: what ``to_dict`` builds and every renderer reads.

They mirror ``docs/report-schema.json`` (a test keeps the two equal):
``NotRequired`` keys are the schema's optional ones, which a saved report
from an older version may lack.
"""

from typing import Any, NotRequired, Optional, TypedDict


class SubjectData(TypedDict, total=False):
    file: str
    test: str
    row: int
    goal: int


class WaiverData(TypedDict):
    severity: str
    reason: str
    owner: NotRequired[str]
    expires: str
    path: str
    line: int


class FindingData(TypedDict):
    code: str
    severity: str
    path: str
    line: int
    message: str
    hint: NotRequired[str]
    subject: NotRequired[SubjectData]
    waiver: NotRequired[WaiverData]


class FileData(TypedDict):
    section: str
    path: str
    line: int
    exists: bool
    matches: NotRequired[list[str]]


class TestFileData(TypedDict):
    path: str
    exists: bool
    selected: NotRequired[bool]
    collected: int
    passed: int
    failed: int
    skipped: int
    deselected: int


class GoalData(TypedDict):
    text: str
    line: NotRequired[int]
    kind: str
    status: str
    metric: NotRequired[str]
    required: NotRequired[Optional[float]]
    actual: NotRequired[Optional[float]]
    files: NotRequired[list[str]]
    each_file: NotRequired[bool]
    missing: NotRequired[str]
    symbol: NotRequired[Optional[str]]
    public: NotRequired[bool]
    file: NotRequired[Optional[str]]
    line_range: NotRequired[list[int]]
    reason: NotRequired[str]


class RowData(TypedDict):
    line: int
    type: str
    columns: NotRequired[dict[str, str]]
    test_files: list[TestFileData]
    goals: list[GoalData]


class DocData(TypedDict):
    path: str
    key: str
    title: str
    line: NotRequired[int]
    status: str
    enforced: bool
    checked: NotRequired[bool]
    template: NotRequired[bool]
    owners: NotRequired[list[str]]
    sha256: NotRequired[str]
    files: list[FileData]
    rows: list[RowData]
    findings: list[FindingData]


class SummaryData(TypedDict):
    docs: int
    errors: int
    warnings: int
    waived: NotRequired[int]
    goals: dict[str, int]


class CoverageData(TypedDict):
    source: NotRequired[str]
    """Absent when nothing was measured; ``note`` then says why."""
    scope: str
    note: NotRequired[str]


class SelectionData(TypedDict):
    keys: list[str]
    not_selected: int


class ReportData(TypedDict):
    schema: str
    created: str
    rootdir: str
    summary: SummaryData
    coverage: NotRequired[CoverageData]
    selection: NotRequired[SelectionData]
    docs: list[DocData]
    findings: list[FindingData]


def problem(data: object) -> str:
    """What keeps ``data`` (a saved report, untrusted) from being a v1 report, or ''.

    Checked against the types above, key by key, so the renderers can trust
    every field they read; the walk follows the types, not the data, so
    deep nesting costs nothing.
    """
    found = _problem(data, ReportData, "report")
    if found or not isinstance(data, dict):
        return found
    for doc in data["docs"]:
        for row in doc["rows"]:
            for goal in row["goals"]:
                if len(goal.get("line_range", (0, 0))) != 2:
                    return f"a goal of {doc['path']} has a line_range that is not [first, last]"
    return ""


def _problem(value: object, expected: Any, where: str) -> str:
    import typing

    origin = typing.get_origin(expected)
    if origin is typing.Union:
        fits = any(not _problem(value, option, where) for option in typing.get_args(expected))
        return "" if fits else f"{where} has the wrong type ({type(value).__name__})"
    if origin is list:
        return _list_problem(value, typing.get_args(expected)[0], where)
    if origin is dict:
        if not isinstance(value, dict):
            return f"{where} is not an object"
        item = typing.get_args(expected)[1]
        return next((found for key, entry in value.items() if (found := _problem(entry, item, f"{where}.{key}"))), "")
    if isinstance(expected, type) and issubclass(expected, dict):
        return _object_problem(value, expected, where)
    return "" if _is_scalar(value, expected) else (
        f"{where} is not {getattr(expected, '__name__', expected)} ({type(value).__name__})")


def _list_problem(value: object, item: Any, where: str) -> str:
    if not isinstance(value, list):
        return f"{where} is not a list"
    return next((found for index, entry in enumerate(value) if (found := _problem(entry, item, f"{where}[{index}]"))),
                "")


def _object_problem(value: object, expected: type, where: str) -> str:
    import typing

    if not isinstance(value, dict):
        return f"{where} is not an object"
    missing = sorted(getattr(expected, "__required_keys__", frozenset()) - value.keys())
    if missing:
        return f"{where} lacks {', '.join(missing)}"
    hints = typing.get_type_hints(expected)
    return next((found for key, entry in value.items()
                 if key in hints and (found := _problem(entry, hints[key], f"{where}.{key}"))), "")


def _is_scalar(value: object, expected: Any) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is type(None):
        return value is None
    return isinstance(value, expected)
