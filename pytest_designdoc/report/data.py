"""The JSON v1 report as types: what ``to_dict`` builds and every renderer reads.

They mirror ``docs/report-schema.json`` (a test keeps the two equal):
``NotRequired`` keys are the schema's optional ones, which a saved report
from an older version may lack.
"""

from typing import NotRequired, Optional, TypedDict


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
    file: NotRequired[Optional[str]]
    line_range: NotRequired[list[int]]


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
