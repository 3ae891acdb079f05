"""RunRecord and evaluation without a pytest session."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

import pytest

from pytest_designdoc.evaluate import ChangedLines, Figure, RowScope, RunCoverage, Unmeasurable, evaluate
from pytest_designdoc.model import DesignDoc, Goal, GoalKind, GoalStatus, Metric, Severity, Status, TestRow
from pytest_designdoc.plan import DocPlan, Plan, RowPlan, TestPathCheck
from pytest_designdoc.record import RunRecorder, Selection, command_line_selection
from pytest_designdoc.symbols import Span, Symbol
from pytest_designdoc.targets import GoalPlan


def test_a_test_outcome_is_its_worst_phase() -> None:
    recorder = RunRecorder()
    recorder.collected_items(["t/test_a.py::ok", "t/test_a.py::bad_teardown", "t/test_a.py::skip"])
    for nodeid, outcome in [
        ("t/test_a.py::ok", "passed"), ("t/test_a.py::ok", "passed"),
        ("t/test_a.py::bad_teardown", "passed"), ("t/test_a.py::bad_teardown", "failed"),
        ("t/test_a.py::skip", "skipped"),
    ]:
        recorder.test_report(nodeid, outcome)
    seen = recorder.freeze().file("t/test_a.py")
    assert (seen.collected, seen.passed, seen.failed, seen.skipped) == (3, 1, 1, 1)


def test_worker_payloads_merge_without_double_counting() -> None:
    worker = RunRecorder()
    worker.file_considered("t/test_a.py")
    worker.collected_items(["t/test_a.py::x"])
    worker.deselected_items(["t/test_a.py::y"])
    worker.marker("K-1", "t/test_a.py", 3)
    controller = RunRecorder()
    controller.merge_payload(worker.payload())
    controller.merge_payload(worker.payload())
    controller.merge_payload(None)
    evidence = controller.freeze()
    assert evidence.file("t/test_a.py").collected == 2
    assert evidence.file("t/test_a.py").deselected == 1
    assert evidence.marker_keys == {"K-1": ("t/test_a.py", 3)}


def test_a_test_collection_yielded_that_the_session_did_not_keep_is_deselected() -> None:
    recorder = RunRecorder()
    recorder.produced(["t/test_a.py::failed_last", "t/test_a.py::passed_last", "t/test_a.py::k_deselected"])
    recorder.deselected_items(["t/test_a.py::k_deselected"])  # said through pytest_deselected
    recorder.collected_items(["t/test_a.py::failed_last"])  # --lf dropped passed_last and said nothing
    seen = recorder.freeze().file("t/test_a.py")
    assert (seen.collected, seen.deselected) == (3, 2)
    assert recorder.payload()["deselected"] == ["t/test_a.py::k_deselected", "t/test_a.py::passed_last"]


def _plan(status: Status = Status.ACCEPTED) -> Plan:
    row = TestRow(line=9, test_type="Unit", test_paths=("t/test_a.py", "t/test_b.py"),
                  goals=(Goal("90%", 9, GoalKind.PERCENT, required=90.0), Goal("prose", 9, GoalKind.MANUAL)))
    doc = DesignDoc(path="docs/a.md", key="K-1", title="T", line=1, status=status, rows=(row,))
    checks = (TestPathCheck("t/test_a.py", ("t/test_a.py",)), TestPathCheck("t/test_b.py", ("t/test_b.py",)))
    goals = tuple(GoalPlan(g, ("src/a.py",)) if g.kind is GoalKind.PERCENT else GoalPlan(g, status=GoalStatus.MANUAL)
                  for g in row.goals)
    return Plan((DocPlan(doc, rows=(RowPlan(row, checks, goals),)),))


def test_evaluate_empty_unselected_and_unknown_marker() -> None:
    recorder = RunRecorder()
    recorder.file_considered("t/test_a.py")
    recorder.marker("NOPE", "t/test_c.py", 4)
    report = evaluate(_plan(), recorder.freeze(), rootdir="/r", created="2026-11-25T00:00:00Z")
    found = [(f.code, f.severity, f.line) for f in report.all_findings()]
    assert found == [
        ("DD002", Severity.ERROR, 9),
        ("DD031", Severity.ERROR, 4),
        ("DD014", Severity.WARNING, 9),
    ]
    (row,) = report.docs[0].rows
    assert [g.status for g in row.goals] == [GoalStatus.NOT_RUN, GoalStatus.MANUAL]
    assert [(t.path, t.selected) for t in row.test_files] == [("t/test_a.py", False), ("t/test_b.py", False)]


def test_draft_findings_are_warnings() -> None:
    recorder = RunRecorder()
    recorder.file_considered("t/test_a.py")
    report = evaluate(_plan(Status.DRAFT), recorder.freeze(), rootdir="/r", created="x")
    assert {f.severity for f in report.all_findings()} == {Severity.WARNING}


class FakeFigures:
    """Figures as a CoverageFigures would give them; records the scopes asked for."""

    def __init__(self, actual: float, unmeasurable: bool = False) -> None:
        self.actual = actual
        self.unmeasurable = unmeasurable
        self.scopes: list[Optional[RowScope]] = []

    def figure(self, files: Sequence[str], metric: Metric, scope: Optional[RowScope]) -> Figure:
        self.scopes.append(scope)
        if self.unmeasurable:
            raise Unmeasurable("branch coverage was not measured", "turn it on")
        return Figure(self.actual, ("src/a.py: 3-4",))

    def symbol_figure(self, parts: Sequence[tuple[str, Sequence[Span]]], scope: Optional[RowScope],
                      metric: Metric = Metric.LINE) -> Figure:
        self.scopes.append(scope)
        unexecuted = () if self.actual else tuple(f.name for _, functions in parts for f in functions)
        return Figure(self.actual, unexecuted, "" if self.actual == 100 else "4-5")


def measured_by(figures: FakeFigures, row_scope: bool = True) -> RunCoverage:
    return RunCoverage(figures, source="alone", row_scope=row_scope)


def _measured_plan(status: Status = Status.ACCEPTED) -> Plan:
    goal = Goal("90% of a.py", 9, GoalKind.PERCENT, metric=Metric.TOTAL, required=90.0, files=("a.py",))
    row = TestRow(line=9, test_type="Unit", test_paths=("t/test_a.py",), goals=(goal,))
    doc = DesignDoc(path="docs/a.md", key="K-1", title="T", line=1, status=status, rows=(row,))
    checks = (TestPathCheck("t/test_a.py", ("t/test_a.py",)),)
    return Plan((DocPlan(doc, rows=(RowPlan(row, checks, (GoalPlan(goal, ("src/a.py",)),)),)),))


def _ran() -> RunRecorder:
    recorder = RunRecorder()
    recorder.collected_items(["t/test_a.py::test_x"])
    recorder.test_report("t/test_a.py::test_x", "passed")
    return recorder


@pytest.mark.parametrize(
    ("actual", "row_scope", "status", "codes"),
    [
        (95.0, True, GoalStatus.MET, []),
        (89.5, True, GoalStatus.FAILED, ["DD010"]),
        (89.5, False, GoalStatus.FAILED, ["DD010"]),
        (89.996, True, GoalStatus.FAILED, ["DD010"]),
        (90.0, True, GoalStatus.MET, []),
    ],
)
def test_percent_goals_are_decided_by_the_figures(
    actual: float, row_scope: bool, status: GoalStatus, codes: list[str]
) -> None:
    figures = FakeFigures(actual)
    report = evaluate(_measured_plan(), _ran().freeze(), measured_by(figures, row_scope), rootdir="/r", created="x")
    (goal,) = report.docs[0].rows[0].goals
    assert (goal.status, goal.actual) == (status, actual)
    assert [f.code for f in report.all_findings()] == codes
    assert figures.scopes == [RowScope(("t/test_a.py",), "K-1") if row_scope else None]
    if codes:
        (finding,) = report.all_findings()
        printed = {89.5: "89.50", 89.996: "89.99"}[actual]  # cut, never rounded up to a figure that meets
        assert finding.message == f"{printed}% < 90% (total) of src/a.py"
        assert finding.hint.endswith("missing: src/a.py: 3-4")


def test_unmeasurable_figures_are_errors() -> None:
    report = evaluate(_measured_plan(), _ran().freeze(), measured_by(FakeFigures(0, True)), rootdir="/r", created="x")
    assert report.docs[0].rows[0].goals[0].status is GoalStatus.UNMEASURABLE
    assert [(f.code, f.severity) for f in report.all_findings()] == [("DD013", Severity.ERROR)]


@pytest.mark.parametrize(("status", "severity"), [(Status.ACCEPTED, Severity.ERROR), (Status.DRAFT, Severity.WARNING)])
def test_a_coverage_problem_leaves_goals_unmeasurable_and_is_an_error(status: Status, severity: Severity) -> None:
    lost = evaluate(_measured_plan(status), _ran().freeze(),
                    RunCoverage(problem="xdist worker gw1 went down", hint="run again", note="not measured"),
                    rootdir="/r", created="x")
    assert lost.docs[0].rows[0].goals[0].status is GoalStatus.UNMEASURABLE
    assert [(f.code, f.severity, f.line, f.message, f.hint) for f in lost.all_findings()] == [
        ("DD013", severity, 1, "coverage goals could not be measured: xdist worker gw1 went down", "run again")]


def test_drafts_are_measured_and_their_shortfalls_are_warnings() -> None:
    figures = FakeFigures(10.0)
    draft = evaluate(_measured_plan(Status.DRAFT), _ran().freeze(), measured_by(figures), rootdir="/r", created="x")
    assert draft.docs[0].rows[0].goals[0].status is GoalStatus.FAILED and len(figures.scopes) == 1
    assert [(f.code, f.severity) for f in draft.all_findings()] == [("DD010", Severity.WARNING)]


@pytest.mark.parametrize(
    ("args", "deselected", "status", "dd014"),
    [
        (["-k", "test_x"], 1, GoalStatus.NOT_RUN, "row not run in this session: t/test_a.py partly selected (-k)"),
        (["t/test_a.py::test_x"], 0, GoalStatus.NOT_RUN,
         "row not run in this session: t/test_a.py partly selected (node ids on the command line)"),
        (["-vk", "x", "-W", "ignore::t/test_a.py"], 1, GoalStatus.NOT_RUN,
         "row not run in this session: t/test_a.py partly selected (-k)"),
        ([], 1, GoalStatus.MET, None),
        (["-k", "test_x"], 0, GoalStatus.MET, None),
    ],
    ids=["-k", "node id", "cluster", "configured deselection", "nothing left out"],
)
def test_a_row_the_command_line_ran_partly_is_not_run(
    args: list[str], deselected: int, status: GoalStatus, dd014: Optional[str]
) -> None:
    recorder = _ran()
    recorder.file_considered("t/test_a.py")
    recorder.deselected_items(["t/test_a.py::test_y"] * deselected)
    recorder.selection = command_line_selection(args, lambda arg: arg)
    report = evaluate(_measured_plan(), recorder.freeze(), measured_by(FakeFigures(95.0)), rootdir="/r", created="x")
    assert report.docs[0].rows[0].goals[0].status is status
    assert [f.message for f in report.all_findings() if f.code == "DD014"] == ([dd014] if dd014 else [])


def test_command_line_selection_reads_options_not_their_values() -> None:
    selection = command_line_selection(
        ["--lf", "-m", "not slow", "--deselect", "t/test_b.py::y", "-p", "no:x::y", "t/test_c.py::z", "-rs"],
        lambda arg: arg)
    assert selection == Selection(("--lf", "-m", "--deselect"), frozenset({"t/test_c.py"}))
    assert selection.skips_files


def _symbol_plan(goal: Goal, kind: str) -> Plan:
    row = TestRow(line=9, test_type="Unit", test_paths=("t/test_a.py",), goals=(goal,))
    doc = DesignDoc(path="docs/a.md", key="K-1", title="T", line=1, rows=(row,))
    methods = (Span("S.a", 2, 3, ((3, 3),)), Span("S.b", 4, 5, ((5, 5),))) if kind == "class" else (
        Span("f", 2, 5, ((3, 5),)),)
    symbol = Symbol(goal.symbol or "", kind, 1, 5, methods)
    checks = (TestPathCheck("t/test_a.py", ("t/test_a.py",)),)
    goal_plan = GoalPlan(goal, ("src/a.py",), symbol, "src/a.py")
    return Plan((DocPlan(doc, rows=(RowPlan(row, checks, (goal_plan,)),)),))


@pytest.mark.parametrize(
    ("kind", "required", "actual", "status", "message"),
    [
        ("function", None, 50.0, GoalStatus.MET, None),
        ("function", None, 0.0, GoalStatus.FAILED, "DD012 'f' at src/a.py:1-5 not executed by the row's tests"),
        ("class", None, 0.0, GoalStatus.FAILED,
         "DD012 methods of 'S' (S.a, S.b) at src/a.py:1-5 not executed by the row's tests"),
        ("function", 100.0, 100.0, GoalStatus.MET, None),
        ("function", 100.0, 99.99, GoalStatus.FAILED, "DD010 f: 99.99% < 100% (line) of src/a.py:1-5"),
    ],
)
def test_symbol_goals(
    kind: str, required: Optional[float], actual: float, status: GoalStatus, message: Optional[str]
) -> None:
    name = "S" if kind == "class" else "f"
    goal = Goal(f"`{name}`", 9, GoalKind.SYMBOL, symbol=name, required=required,
                metric=Metric.LINE if required else None)
    report = evaluate(_symbol_plan(goal, kind), _ran().freeze(), measured_by(FakeFigures(actual)),
                      rootdir="/r", created="x")
    (result,) = report.docs[0].rows[0].goals
    assert (result.status, result.actual, result.line_range, result.symbol_file) == (status, actual, (1, 5), "src/a.py")
    assert [f"{f.code} {f.message}" for f in report.all_findings()] == ([message] if message else [])


def test_a_failure_hint_lists_the_first_missing_ranges_only() -> None:
    class ManyMissing(FakeFigures):
        def figure(self, files: Sequence[str], metric: Metric, scope: Optional[RowScope]) -> Figure:
            return Figure(10.0, ("src/a.py: " + ", ".join(str(n) for n in range(1, 41)),))

    report = evaluate(_measured_plan(), _ran().freeze(), measured_by(ManyMissing(10.0)), rootdir="/r", created="x")
    (finding,) = report.all_findings()
    assert finding.hint.endswith("missing: src/a.py: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, … (28 more)")
    assert report.docs[0].rows[0].goals[0].missing.endswith("39, 40"), "the goal keeps them all"


def _public_plan(goal: Goal) -> Plan:
    """A public-API goal: of class S in src/a.py when it names a symbol, else of src/a.py and src/b.py."""
    row = TestRow(line=9, test_type="Unit", test_paths=("t/test_a.py",), goals=(goal,))
    doc = DesignDoc(path="docs/a.md", key="K-1", title="T", line=1, rows=(row,))
    checks = (TestPathCheck("t/test_a.py", ("t/test_a.py",)),)
    if goal.symbol:
        methods = (Span("S.a", 2, 3, ((3, 3),)), Span("S.b", 4, 5, ((5, 5),)))
        goal_plan = GoalPlan(goal, ("src/a.py",), Symbol("S", "class", 1, 5, methods), "src/a.py")
    else:
        parts = (("src/a.py", (Span("f", 1, 2, ((2, 2),)),)), ("src/b.py", (Span("g", 1, 2, ((2, 2),)),)))
        goal_plan = GoalPlan(goal, ("src/a.py", "src/b.py"), functions=parts)
    return Plan((DocPlan(doc, rows=(RowPlan(row, checks, (goal_plan,)),)),))


@pytest.mark.parametrize(
    ("symbol", "required", "actual", "status", "message"),
    [
        ("S", None, 0.0, GoalStatus.FAILED,
         "DD012 public methods of 'S' (S.a, S.b) at src/a.py:1-5 not executed by the row's tests"),
        (None, None, 0.0, GoalStatus.FAILED,
         "DD012 public functions and methods of src/a.py, src/b.py not executed by the row's tests: f, g"),
        (None, None, 50.0, GoalStatus.MET, None),
        ("S", 100.0, 50.0, GoalStatus.FAILED, "DD010 public API of S: 50.00% < 100% (line) of src/a.py:1-5"),
        (None, 100.0, 99.0, GoalStatus.FAILED, "DD010 public API: 99.00% < 100% (line) of src/a.py, src/b.py"),
        (None, 90.0, 90.0, GoalStatus.MET, None),
    ],
)
def test_public_api_goals(
    symbol: Optional[str], required: Optional[float], actual: float, status: GoalStatus, message: Optional[str]
) -> None:
    goal = Goal("public API", 9, GoalKind.SYMBOL, symbol=symbol, required=required,
                metric=Metric.LINE if required else None, public=True)
    figures = FakeFigures(actual)
    report = evaluate(_public_plan(goal), _ran().freeze(), measured_by(figures), rootdir="/r", created="x")
    (result,) = report.docs[0].rows[0].goals
    assert (result.status, result.actual) == (status, actual)
    assert [f"{f.code} {f.message}" for f in report.all_findings()] == ([message] if message else [])


@pytest.mark.parametrize("collect_only", [False, True])
def test_a_row_whose_selected_tests_did_not_all_run_is_not_run(collect_only: bool) -> None:
    recorder = _ran()
    recorder.collected_items(["t/test_a.py::test_y", "t/test_a.py::test_z"])
    report = evaluate(_measured_plan(), recorder.freeze(), measured_by(FakeFigures(10.0)), rootdir="/r",
                      created="x", collect_only=collect_only)
    assert report.docs[0].rows[0].goals[0].status is GoalStatus.NOT_RUN
    stopped = ("row not run in this session: 2 of the 3 selected tests of t/test_a.py did not run (the session "
               "stopped early: -x, --maxfail, a collection error or an interrupt)")
    assert [f.message for f in report.all_findings() if f.code == "DD014"] == ([] if collect_only else [stopped])


class FakeChangedFigures(FakeFigures):
    """Figures of changed lines: ``actual`` over the changed statements, or none counted."""

    def __init__(self, actual: Optional[float]) -> None:
        super().__init__(actual or 0.0)
        self.changed: list[Mapping[str, frozenset[int]]] = []
        self.counted = actual is not None

    def changed_figure(self, files: Sequence[str], changed: Mapping[str, frozenset[int]],
                       scope: Optional[RowScope]) -> Figure:
        self.scopes.append(scope)
        self.changed.append(changed)
        return Figure(self.actual, ("src/a.py: 12",) if self.actual < 100 else (), counted=self.counted)


def _changed_plan() -> Plan:
    goal = Goal("changed lines 90%", 9, GoalKind.PERCENT, metric=Metric.CHANGED, required=90.0)
    row = TestRow(line=9, test_type="Unit", test_paths=("t/test_a.py",), goals=(goal,))
    doc = DesignDoc(path="docs/a.md", key="K-1", title="T", line=1, rows=(row,))
    checks = (TestPathCheck("t/test_a.py", ("t/test_a.py",)),)
    return Plan((DocPlan(doc, rows=(RowPlan(row, checks, (GoalPlan(goal, ("src/a.py",)),)),)),))


CHANGED = ChangedLines("origin/main", "abc1234, 2026-10-01", {"src/a.py": frozenset({11, 12})})


@pytest.mark.parametrize(
    ("actual", "changed", "status", "found", "reason"),
    [
        (95.0, CHANGED, GoalStatus.MET, [], ""),
        (50.0, CHANGED, GoalStatus.FAILED, [("DD010", Severity.ERROR)], ""),
        (None, CHANGED, GoalStatus.MET, [], "no changed lines in its files since abc1234, 2026-10-01"),
        (95.0, ChangedLines(), GoalStatus.NOT_RUN, [("DD013", Severity.WARNING)], "no --designdoc-base to compare with"),
        (95.0, ChangedLines("origin/main", problem="the lines changed since origin/main are unknown: not fetched",
                            hint="git fetch origin main"), GoalStatus.UNMEASURABLE, [("DD013", Severity.ERROR)], ""),
    ],
    ids=["met", "failed", "no changed lines", "no base", "git cannot tell"],
)
def test_changed_lines_goals(actual: Optional[float], changed: ChangedLines, status: GoalStatus,
                             found: list[tuple[str, Severity]], reason: str) -> None:
    figures = FakeChangedFigures(actual)
    coverage = RunCoverage(figures, source="alone", changed=changed)
    report = evaluate(_changed_plan(), _ran().freeze(), coverage, rootdir="/r", created="x")
    (goal,) = report.docs[0].rows[0].goals
    assert (goal.status, goal.reason) == (status, reason)
    assert [(f.code, f.severity) for f in report.all_findings()] == found
    if status in (GoalStatus.MET, GoalStatus.FAILED):
        assert figures.changed == [changed.lines] and figures.scopes == [RowScope(("t/test_a.py",), "K-1")]
    if status is GoalStatus.FAILED:
        (finding,) = report.all_findings()
        assert finding.message == "50.00% < 90% (changed lines since abc1234, 2026-10-01) of src/a.py"
        assert finding.hint.endswith("missing: src/a.py: 12")
    if found and status is not GoalStatus.FAILED:
        assert "--designdoc-base" in report.all_findings()[0].hint or "git fetch" in report.all_findings()[0].hint


def test_a_target_imported_before_coverage_started_is_a_warning_once_per_doc() -> None:
    (doc_plan,) = _measured_plan().docs
    (row_plan,) = doc_plan.rows
    twice = RowPlan(row_plan.row, row_plan.paths, row_plan.goals * 2)
    plan = Plan((DocPlan(doc_plan.doc, rows=(twice,)),))
    coverage = RunCoverage(FakeFigures(95.0), preimported=frozenset({"src/a.py"}))
    report = evaluate(plan, _ran().freeze(), coverage, rootdir="/r", created="x")
    assert [goal.status for goal in report.docs[0].rows[0].goals] == [GoalStatus.MET, GoalStatus.MET]
    assert [(f.code, f.severity, f.message) for f in report.all_findings()] == [
        ("DD013", Severity.WARNING, "'src/a.py' was imported before coverage started, so its import-time lines "
                                    "count as missed (as with pytest --cov)")]


def test_goals_are_not_run_when_nothing_measured_the_session() -> None:
    report = evaluate(_measured_plan(), _ran().freeze(), RunCoverage(), rootdir="/r", created="x")
    assert report.docs[0].rows[0].goals[0].status is GoalStatus.NOT_RUN
    assert report.all_findings() == []


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ("skipped at collection", (Severity.WARNING, "'t/test_a.py' was skipped at collection")),
        ("collected nothing", (Severity.ERROR, "listed test file 't/test_a.py' yields no test")),
        ("all skipped", (Severity.WARNING, "all tests of 't/test_a.py' were skipped")),
        ("all deselected", (Severity.WARNING, "all 1 tests of 't/test_a.py' were deselected")),
    ],
)
def test_a_listed_test_file_that_checks_nothing_is_dd002(record: str, expected: tuple[Severity, str]) -> None:
    recorder = RunRecorder()
    recorder.file_considered("t/test_a.py")
    if record == "skipped at collection":
        recorder.collect_skipped("t/test_a.py")
    elif record == "all skipped":
        recorder.collected_items(["t/test_a.py::test_x"])
        recorder.test_report("t/test_a.py::test_x", "skipped")
    elif record == "all deselected":
        recorder.produced(["t/test_a.py::test_x"])
        recorder.deselected_items(["t/test_a.py::test_x"])
    report = evaluate(_measured_plan(), recorder.freeze(), measured_by(FakeFigures(95.0)), rootdir="/r", created="x")
    assert [(f.severity, f.message) for f in report.all_findings() if f.code == "DD002"] == [expected]


def test_a_marker_naming_two_keys_credits_nothing() -> None:
    recorder = _ran()
    recorder.marker("K-1,K-2", "t/test_a.py", 5)
    report = evaluate(_measured_plan(), recorder.freeze(), measured_by(FakeFigures(95.0)), rootdir="/r", created="x")
    assert [(f.code, f.line, f.message) for f in report.all_findings()] == [
        ("DD031", 5, "marker designdoc('K-1,K-2') is not one key: it credits nothing")]


def test_the_static_report_holds_the_static_findings_of_checked_docs_only() -> None:
    from pytest_designdoc.codes import DD003
    from pytest_designdoc.evaluate import static_findings, static_report

    finding = DD003.finding("docs/a.md", 4, "listed file 'src/a.py' does not exist")
    checked = _measured_plan()
    draft = _measured_plan(Status.DRAFT)
    deprecated = _measured_plan(Status.DEPRECATED)
    plan = Plan(tuple(DocPlan(p.docs[0].doc, findings=(finding,)) for p in (checked, draft, deprecated)))
    report = static_report(plan, rootdir="/r", created="x")
    assert [[(f.code, f.severity) for f in doc.findings] for doc in report.docs] == [
        [("DD003", Severity.ERROR)], [("DD003", Severity.WARNING)], []]
    assert [(f.code, f.severity) for f in static_findings(plan)] == [("DD003", Severity.ERROR),
                                                                      ("DD003", Severity.WARNING)]
