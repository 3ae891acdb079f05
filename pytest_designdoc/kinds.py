"""Goal kinds: one class per kind, from a parsed goal to its plan, its verdict and its report fields.

The grammar (``goals.py``) or a ``pytest_designdoc_parse_goal`` hook makes
a :class:`~pytest_designdoc.model.Goal`; :func:`goal_type` names the class
that handles it from then on:

* :meth:`GoalType.plan` resolves its targets (through ``targets.py``),
* :meth:`GoalType.decide` turns coverage figures into a result,
* :meth:`GoalType.report_fields` writes what the JSON report says of it.

The built-in kinds are instances of the classes below; a plugin adds a
kind by returning ``Goal(..., goal_type=MyKind())`` from its parse hook
(CONTRIBUTING.md, "Add a goal kind"). Nothing here imports pytest or
coverage.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, ClassVar, NoReturn, Optional

from .codes import DD010, DD012, Code
from .model import Goal, GoalKind, GoalResult, GoalStatus, Metric, meets, percent_text

if TYPE_CHECKING:
    from .evaluate import ChangedLines, CoverageFigures, Figure, RowScope
    from .report.data import GoalData
    from .targets import GoalPlan, TargetResolver


@dataclass(frozen=True)
class Judging:
    """What a kind's verdict may use: the figures, what they count, and how to say the goal failed."""

    figures: CoverageFigures
    scope: RowScope
    """The goal's row: its test files and its doc's key."""
    counted: Optional[RowScope]
    """What the figures count: the row (row scope), or None for the whole suite."""
    changed: ChangedLines
    failed: Callable[[Code, str, str], None]
    """Add an error of ``code`` with this message and hint about the goal."""
    unmeasurable: Callable[[str, str], NoReturn]
    """Stop: the data cannot decide the goal (reason, hint)."""

    @property
    def whose(self) -> str:
        return "the row's tests" if self.counted is not None else "the test suite"

    def measured_over(self, figure: Figure) -> str:
        """The hint of a percent that falls short: what counted, and the first missing ranges."""
        missing = f"; missing: {first_ranges('; '.join(figure.missing))}" if figure.missing else ""
        return f"measured over {self.whose}{missing}"


class GoalType:
    """A kind of goal. Subclass it to add one; each method has the built-in kinds' behaviour as an example."""

    report_kind: ClassVar[GoalKind]
    """What the report's ``kind`` says (its JSON Schema knows these three)."""
    measured: ClassVar[bool] = True
    """False: a person checks it; it is reported, never decided."""
    counts_whole_files: ClassVar[bool] = False
    """Its figure counts whole files, so import-time lines run before coverage started count against it."""

    def plan(self, goal: Goal, targets: TargetResolver) -> GoalPlan:
        """The goal with its targets resolved; findings about them go to ``targets.finding``."""
        raise NotImplementedError

    def needs_branches(self, goal: Goal) -> bool:
        """Whether coverage must measure branches for this goal."""
        return False

    def decide(self, plan: GoalPlan, judging: Judging) -> GoalResult:
        """The verdict from ``judging.figures``; call ``judging.failed`` with the finding that says why it failed."""
        raise NotImplementedError

    def report_fields(self, result: GoalResult, data: GoalData) -> None:
        """Add this kind's fields to the report's goal object (``text``, ``line``, ``kind``, ``status`` are set)."""


class ManualGoal(GoalType):
    """Prose a person checks: reported as written (DD015 when it names what a coverage goal would)."""

    report_kind = GoalKind.MANUAL
    measured = False

    def plan(self, goal: Goal, targets: TargetResolver) -> GoalPlan:
        return targets.manual_plan(goal)


class PercentGoal(GoalType):
    """``90% of src/app.py``: the files' coverage taken together (like coverage.py's TOTAL), or each file's."""

    report_kind = GoalKind.PERCENT
    counts_whole_files = True

    def plan(self, goal: Goal, targets: TargetResolver) -> GoalPlan:
        files = targets.goal_files(goal)
        return targets.files_plan(goal, files) if isinstance(files, list) else files

    def needs_branches(self, goal: Goal) -> bool:
        return goal.metric is Metric.BRANCH

    def decide(self, plan: GoalPlan, judging: Judging) -> GoalResult:
        goal = plan.goal
        assert goal.metric is not None and goal.required is not None
        figures = self.figures(plan, goal.metric, judging)
        short = [(group, figure) for group, figure in figures if not meets(figure.actual, goal.required)]
        for group, figure in short:
            judging.failed(DD010, f"{percent_text(figure.actual)}% < {goal.required:g}% ({goal.metric.value}) "
                                  f"of {', '.join(group)}", judging.measured_over(figure))
        return GoalResult(goal, GoalStatus.FAILED if short else GoalStatus.MET,
                          min(figure.actual for _, figure in figures), plan.files,
                          missing="; ".join(part for _, figure in figures for part in figure.missing))

    def figures(self, plan: GoalPlan, metric: Metric, judging: Judging) -> list[tuple[tuple[str, ...], Figure]]:
        """Each file's figure (``each file``), or the files' figure taken together."""
        groups = [(path,) for path in plan.files] if plan.goal.each_file else [plan.files]
        return [(group, judging.figures.figure(group, metric, judging.counted)) for group in groups]

    def report_fields(self, result: GoalResult, data: GoalData) -> None:
        goal = result.goal
        data["metric"] = goal.metric.value if goal.metric else "total"
        data["required"] = goal.required
        data["actual"] = result.actual
        data["files"] = list(result.files or goal.files)
        data["each_file"] = goal.each_file


class ChangedLinesGoal(PercentGoal):
    """``changed lines 90%``: the share of the statements a pull request changes that the row ran (SPEC §7)."""

    def needs_branches(self, goal: Goal) -> bool:
        return False

    def decide(self, plan: GoalPlan, judging: Judging) -> GoalResult:
        goal = plan.goal
        changed = judging.changed
        if changed.problem:
            judging.unmeasurable(changed.problem, changed.hint)
        assert goal.required is not None
        figure = judging.figures.changed_figure(plan.files, changed.lines, judging.counted)
        if not figure.counted:
            return GoalResult(goal, GoalStatus.MET, None, plan.files,
                              reason=f"no changed lines in its files since {changed.base}")
        met = meets(figure.actual, goal.required)
        if not met:
            judging.failed(DD010, f"{percent_text(figure.actual)}% < {goal.required:g}% (changed lines since "
                                  f"{changed.base}) of {', '.join(plan.files)}", judging.measured_over(figure))
        return GoalResult(goal, GoalStatus.MET if met else GoalStatus.FAILED, figure.actual, plan.files,
                          missing="; ".join(figure.missing))


class SymbolGoal(GoalType):
    """``login()``, ``src/auth.py::AuthService.refresh 90%``: a function's or class's body, executed or a percent."""

    report_kind = GoalKind.SYMBOL

    def plan(self, goal: Goal, targets: TargetResolver) -> GoalPlan:
        files = targets.goal_files(goal, by_module=True)
        return targets.symbol(goal, files) if isinstance(files, list) else files

    def decide(self, plan: GoalPlan, judging: Judging) -> GoalResult:
        goal = plan.goal
        figure = judging.figures.symbol_figure(plan.function_parts, judging.counted, goal.metric or Metric.LINE)
        where = f"{plan.symbol_file}:{plan.symbol.line}-{plan.symbol.end}" if plan.symbol else ", ".join(plan.files)
        if goal.required is not None:
            met = meets(figure.actual, goal.required)
            if not met:
                metric = (goal.metric or Metric.LINE).value
                judging.failed(DD010, f"{self.name(goal)}: {percent_text(figure.actual)}% < {goal.required:g}% "
                                      f"({metric}) of {where}",
                               f"measured over {judging.whose}; missing: {figure.missing_lines}")
        else:
            met = not figure.missing
            if not met:
                judging.failed(DD012, self.not_executed(plan, figure, where, judging.whose),
                               "write a test in this row that calls it, or link one with "
                               f"@pytest.mark.designdoc({judging.scope.key!r})")
        return GoalResult(goal, GoalStatus.MET if met else GoalStatus.FAILED, figure.actual, plan.files,
                          plan.symbol_file, plan.line_range, figure.missing_lines)

    def name(self, goal: Goal) -> str:
        return goal.symbol or ""

    methods: ClassVar[str] = "methods"
    """What DD012 calls a class's functions."""

    def not_executed(self, plan: GoalPlan, figure: Figure, where: str, whose: str) -> str:
        """DD012's message: what the goal names that never ran, and where it is."""
        if plan.symbol is not None and plan.symbol.kind == "function":
            return f"'{plan.goal.symbol}' at {where} not executed by {whose}"
        return (f"{self.methods} of '{plan.goal.symbol}' ({', '.join(figure.missing)}) at {where} "
                f"not executed by {whose}")

    def report_fields(self, result: GoalResult, data: GoalData) -> None:
        goal = result.goal
        if goal.symbol is not None:
            data["symbol"] = goal.symbol
        data["file"] = result.symbol_file or (goal.files[0] if goal.files else None)
        self.scope_fields(result, data)
        if goal.required is not None:
            data["required"] = goal.required
            data["metric"] = goal.metric.value if goal.metric else "line"
        if goal.required is not None or result.actual is not None:
            data["actual"] = result.actual
        if result.line_range:
            data["line_range"] = list(result.line_range)

    def scope_fields(self, result: GoalResult, data: GoalData) -> None:
        """What a symbol's report says beyond the symbol and its file (nothing, for one symbol)."""


class PublicApiGoal(SymbolGoal):
    """``public API of pkg.mod 90%``: the public functions and methods of a class, a module or the doc's sources."""

    def plan(self, goal: Goal, targets: TargetResolver) -> GoalPlan:
        if goal.symbol is not None:
            return super().plan(goal, targets)
        files = targets.goal_files(goal)
        if not isinstance(files, list):
            return files
        return targets.public_api(goal, files if goal.files else [path for path in files if _public_module(path)])

    def name(self, goal: Goal) -> str:
        return " of ".join(filter(None, ("public API", goal.symbol)))

    methods = "public methods"

    def not_executed(self, plan: GoalPlan, figure: Figure, where: str, whose: str) -> str:
        if plan.symbol is not None:
            return super().not_executed(plan, figure, where, whose)
        scope = f"'{plan.goal.symbol}' ({where})" if plan.goal.symbol else where
        return f"public functions and methods of {scope} not executed by {whose}: {', '.join(figure.missing)}"

    def scope_fields(self, result: GoalResult, data: GoalData) -> None:
        data["public"] = True
        data["files"] = list(result.files or result.goal.files)


MANUAL = ManualGoal()
PERCENT = PercentGoal()
CHANGED_LINES = ChangedLinesGoal()
SYMBOL = SymbolGoal()
PUBLIC_API = PublicApiGoal()


def goal_type(goal: Goal) -> GoalType:
    """The class that handles ``goal``: the one it was parsed with, else the built-in kind its fields make."""
    if goal.goal_type is not None:
        return goal.goal_type
    if goal.kind is GoalKind.MANUAL:
        return MANUAL
    if goal.kind is GoalKind.SYMBOL:
        return PUBLIC_API if goal.public else SYMBOL
    return CHANGED_LINES if goal.metric is Metric.CHANGED else PERCENT


_HINT_RANGES = 12


def first_ranges(missing: str, limit: int = _HINT_RANGES) -> str:
    """``a.py: 1-3, 7, …; b.py: …`` cut to the first ``limit`` ranges of each file."""
    shortened = []
    for part in missing.split("; "):
        head, sep, ranges = part.rpartition(": ")
        items = ranges.split(", ")
        if len(items) > limit:
            part = f"{head}{sep}{', '.join(items[:limit])}, … ({len(items) - limit} more)"
        shortened.append(part)
    return "; ".join(shortened)


def _public_module(path: str) -> bool:
    """Not a private module (``_compat.py``; ``__init__.py`` is its package's)."""
    name = path.rsplit("/", 1)[-1]
    return not name.startswith("_") or name == "__init__.py"
