"""The JSON v1 report as types: what ``to_dict`` builds and every renderer reads.

They mirror ``docs/report-schema.json`` (a test keeps the two equal):
``NotRequired`` keys are the schema's optional ones, which a saved report
from an older version may lack.
"""

from typing import Annotated, NotRequired, Optional, TypedDict

from ..shape import OneOf

SeverityText = Annotated[str, OneOf("error", "warning", "info", "waived")]


class SubjectData(TypedDict, total=False):
    file: str
    test: str
    row: int
    goal: int


class WaiverData(TypedDict):
    severity: Annotated[str, OneOf("error", "warning")]
    reason: str
    owner: NotRequired[str]
    expires: str
    path: str
    line: int


class FindingData(TypedDict):
    code: str
    severity: SeverityText
    path: str
    line: int
    message: str
    hint: NotRequired[str]
    subject: NotRequired[SubjectData]
    waiver: NotRequired[WaiverData]


class FileData(TypedDict):
    section: Annotated[str, OneOf("create", "modify")]
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
    kind: Annotated[str, OneOf("percent", "symbol", "manual")]
    status: Annotated[str, OneOf("met", "failed", "manual", "not_run", "unmeasurable")]
    metric: NotRequired[Annotated[str, OneOf("line", "branch", "total", "changed")]]
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
    status: Annotated[str, OneOf("draft", "proposed", "accepted", "implemented", "deprecated")]
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
    source: NotRequired[Annotated[str, OneOf("alone", "pytest-cov", "coverage run")]]
    """Absent when nothing was measured; ``note`` then says why."""
    scope: Annotated[str, OneOf("row", "suite")]
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

    Checked against the types above, key by key (:mod:`..shape`), so the
    renderers can trust every field they read; then what the types cannot
    say: a line range is ``[first, last]``, and a finding's subject names a
    row and a goal its doc has.
    """
    from ..shape import problem as shape_problem

    found = shape_problem(data, ReportData, "", closed=(SubjectData, WaiverData))
    if found or not isinstance(data, dict):
        return found
    for index, doc in enumerate(data["docs"]):
        for row in doc["rows"]:
            for goal in row["goals"]:
                if len(goal.get("line_range", (0, 0))) != 2:
                    return f"a goal of {doc['path']} has a line_range that is not [first, last]"
        for number, finding in enumerate(doc["findings"]):
            wrong = _subject_problem(doc, finding.get("subject", {}))
            if wrong:
                return f"docs[{index}].findings[{number}].subject {wrong}"
    return ""


def _subject_problem(doc: DocData, subject: SubjectData) -> str:
    row, goal = subject.get("row"), subject.get("goal")
    if row is None:
        return "names a goal without its row" if goal is not None else ""
    if not 0 <= row < len(doc["rows"]):
        return f"names row {row}; its doc has {len(doc['rows'])}"
    if goal is not None and not 0 <= goal < len(doc["rows"][row]["goals"]):
        return f"names goal {goal} of row {row}; the row has {len(doc['rows'][row]['goals'])}"
    return ""
