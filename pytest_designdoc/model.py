"""The frozen data model: what a design doc says, and what a run found.

Everything downstream of parsing works on these objects; nothing here
imports mistune, yaml, coverage or pytest.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .kinds import GoalType


class Severity(str, enum.Enum):
    """In the order findings are shown: worst first."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    WAIVED = "waived"
    """A finding a live waiver accepts: reported, fails nothing."""

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Status(str, enum.Enum):
    """A design doc's life-cycle status (front matter ``status:``)."""

    DRAFT = "draft"
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    IMPLEMENTED = "implemented"
    DEPRECATED = "deprecated"


class Section(str, enum.Enum):
    CREATE = "create"
    MODIFY = "modify"
    TESTS = "tests"


class GoalKind(str, enum.Enum):
    PERCENT = "percent"
    SYMBOL = "symbol"
    MANUAL = "manual"


class Metric(str, enum.Enum):
    """What a percent goal counts; ``TOTAL`` is what ``coverage report`` prints."""

    LINE = "line"
    BRANCH = "branch"
    TOTAL = "total"
    CHANGED = "changed"
    """The statements a pull request adds or changes (``--designdoc-base``), lines only, like diff-cover."""


class GoalStatus(str, enum.Enum):
    """In the order the JSON summary counts them; :data:`GOAL_STATUS_ORDER` is the order reports show them."""

    MET = "met"
    FAILED = "failed"
    MANUAL = "manual"
    NOT_RUN = "not_run"
    UNMEASURABLE = "unmeasurable"


GOAL_STATUS_ORDER = (GoalStatus.FAILED, GoalStatus.UNMEASURABLE, GoalStatus.NOT_RUN, GoalStatus.MANUAL, GoalStatus.MET)
"""Worst first, as reports list goal statuses."""


def meets(actual: float, required: float) -> bool:
    """A goal's verdict: the exact figure against the required one, never rounded (SPEC §2)."""
    return actual >= required


def percent_text(actual: float, required: Optional[float] = None) -> str:
    """``actual`` with two decimals, cut, not rounded, so it never contradicts its verdict.

    89.996 prints as ``89.99``; a met goal whose cut figure would read below
    ``required`` gets the digits that show it is not.
    """
    exact = Decimal(repr(float(actual)))
    text = str(exact.quantize(Decimal("0.01"), rounding=ROUND_DOWN))
    if required is not None and meets(actual, required) and Decimal(text) < Decimal(repr(float(required))):
        text = format(exact.normalize(), "f")
    return text


@dataclass(frozen=True)
class Subject:
    """What a finding is about inside its doc; renderers place findings by it, never by their text."""

    file: Optional[str] = None
    """A Files to Create / Modify entry, as the doc writes it."""
    test: Optional[str] = None
    """A test path of a Test Strategy row: the resolved file, or the path as written when it matches nothing."""
    row: Optional[int] = None
    """Index of the Test Strategy row in the doc (0-based)."""
    goal: Optional[int] = None
    """Index of the goal in its row (0-based)."""

    def as_dict(self) -> dict[str, object]:
        return {name: value for name, value in vars(self).items() if value is not None}


@dataclass(frozen=True)
class Waiver:
    """One entry of the waiver file (SPEC §5a): accepts findings of ``code`` in doc ``doc`` until ``expires``."""

    code: str
    doc: str
    reason: str
    expires: str
    """ISO date; the waiver is live through that day (UTC)."""
    path: str
    """The waiver file, rootdir-relative."""
    line: int
    match: str = ""
    """Substring of the finding's subject (file, test, goal text) or message; empty matches every finding."""
    owner: str = ""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Waived:
    """Why a finding is waived, and the severity it had."""

    waiver: Waiver
    severity: Severity


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    path: str
    line: int
    message: str
    hint: str = ""
    subject: Subject = Subject()
    waived: Optional[Waived] = None

    def demoted(self) -> Finding:
        """The same finding as a warning (for draft or non-enforced docs)."""
        if self.severity is not Severity.ERROR:
            return self
        return replace(self, severity=Severity.WARNING)

    def about(self, subject: Subject) -> Finding:
        return replace(self, subject=subject)

    @property
    def sort_key(self) -> tuple[int, str, int, str, str]:
        return (self.severity.rank, self.path, self.line, self.code, self.message)


@dataclass(frozen=True)
class Goal:
    """One goal of a Coverage Goals cell.

    ``files`` are the file names or paths the goal names, as written;
    resolving them against the doc and the disk is the planner's job.
    """

    text: str
    line: int
    kind: GoalKind
    metric: Optional[Metric] = None
    required: Optional[float] = None
    files: tuple[str, ...] = ()
    symbol: Optional[str] = None
    each_file: bool = False
    public: bool = False
    """A public-API goal: the public functions and methods of ``symbol`` (a class or module), of ``files``
    or of the doc's source files."""
    goal_type: Optional[GoalType] = None
    """The class that plans, decides and reports the goal, when a plugin's parse hook gives its own kind;
    None: the built-in kind its fields make (:func:`pytest_designdoc.kinds.goal_type`)."""


@dataclass(frozen=True)
class FileEntry:
    """One row of a Files to Create / Files to Modify table."""

    section: Section
    path: str
    line: int
    columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TestRow:
    """One row of a Test Strategy table."""

    __test__ = False  # not a pytest test class despite the name

    line: int
    test_type: str
    test_paths: tuple[str, ...]
    goals: tuple[Goal, ...]
    columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DesignDoc:
    path: str
    key: str
    title: str
    line: int
    status: Status = Status.ACCEPTED
    enforce: bool = True
    owners: tuple[str, ...] = ()
    is_template: bool = False
    files: tuple[FileEntry, ...] = ()
    rows: tuple[TestRow, ...] = ()
    findings: tuple[Finding, ...] = ()
    sha256: str = ""

    @property
    def checked(self) -> bool:
        """Templates and deprecated docs are listed but not checked."""
        return not self.is_template and self.status is not Status.DEPRECATED

    @property
    def enforced(self) -> bool:
        """Findings of non-enforced docs are reported as warnings."""
        return self.checked and self.enforce and self.status not in (Status.DRAFT, Status.PROPOSED)


@dataclass(frozen=True)
class TestFileOutcome:
    """What pytest did with one listed test file in this session."""

    __test__ = False

    path: str
    exists: bool
    selected: bool = False
    collected: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    deselected: int = 0
    collect_error: bool = False


@dataclass(frozen=True)
class FileCheck:
    section: Section
    path: str
    line: int
    exists: bool
    matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoalResult:
    goal: Goal
    status: GoalStatus
    actual: Optional[float] = None
    files: tuple[str, ...] = ()
    symbol_file: Optional[str] = None
    line_range: Optional[tuple[int, int]] = None
    missing: str = ""
    reason: str = ""
    """Why a goal decided without a finding of its own has its status (the report adds the rest)."""


@dataclass(frozen=True)
class RowResult:
    row: TestRow
    test_files: tuple[TestFileOutcome, ...]
    goals: tuple[GoalResult, ...]


@dataclass(frozen=True)
class DocResult:
    doc: DesignDoc
    files: tuple[FileCheck, ...] = ()
    rows: tuple[RowResult, ...] = ()
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Report:
    rootdir: str
    created: str
    docs: tuple[DocResult, ...]
    findings: tuple[Finding, ...] = field(default=())
    """Findings that belong to no single doc (DD031 markers, discovery)."""
    coverage_note: str = ""
    """Why coverage goals were not measured in this run, when they were not."""
    coverage_source: str = ""
    """Whose coverage measured the run (``alone``, ``pytest-cov``, ``coverage run``); empty: none."""
    coverage_scope: str = "row"
    selection: tuple[str, ...] = ()
    """The ``--designdoc-select`` globs that chose ``docs``; empty: every doc."""
    not_selected: int = 0
    """How many docs the selection left out."""

    def all_findings(self) -> list[Finding]:
        found = [f for d in self.docs for f in d.findings]
        found.extend(self.findings)
        return sorted(found, key=lambda f: f.sort_key)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.all_findings() if f.severity is severity)

    def goal_counts(self) -> dict[GoalStatus, int]:
        counts = {status: 0 for status in GoalStatus}
        for doc in self.docs:
            for row in doc.rows:
                for goal in row.goals:
                    counts[goal.status] += 1
        return counts
