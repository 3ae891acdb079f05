"""The Coverage Goals grammar (SPEC §2)."""

from __future__ import annotations

from typing import Optional

import pytest

from pytest_designdoc.goals import parse_goal, split_goals
from pytest_designdoc.model import GoalKind, Metric


@pytest.mark.parametrize(
    ("text", "metric", "required", "files", "each"),
    [
        ("90%", Metric.TOTAL, 90.0, (), False),
        ("≥ 90%", Metric.TOTAL, 90.0, (), False),
        (">= 90% line coverage", Metric.LINE, 90.0, (), False),
        ("at least 80% branches", Metric.BRANCH, 80.0, (), False),
        ("85% branch coverage of src/a.py", Metric.BRANCH, 85.0, ("src/a.py",), False),
        ("`src/a.py` 95%", Metric.TOTAL, 95.0, ("src/a.py",), False),
        ("src/a.py fully covered", Metric.TOTAL, 100.0, ("src/a.py",), False),
        ("100% of a.py", Metric.TOTAL, 100.0, ("a.py",), False),
        ("each file ≥ 80%", Metric.TOTAL, 80.0, (), True),
        ("87.5% statements per file", Metric.LINE, 87.5, (), True),
        ("90% (branches).", Metric.BRANCH, 90.0, (), False),
        ("85%+ line coverage of src/x.py", Metric.LINE, 85.0, ("src/x.py",), False),
        ("80 percent of src/x.py", Metric.TOTAL, 80.0, ("src/x.py",), False),
        ("75 Percent branches", Metric.BRANCH, 75.0, (), False),
        ("changed lines 90%", Metric.CHANGED, 90.0, (), False),
        ("90% of changed lines", Metric.CHANGED, 90.0, (), False),
        ("new code fully covered", Metric.CHANGED, 100.0, (), False),
        ("changed lines of `src/x.py` ≥ 80%", Metric.CHANGED, 80.0, ("src/x.py",), False),
        ("at least 85% of new code in src/a.py", Metric.CHANGED, 85.0, ("src/a.py",), False),
    ],
)
def test_percent_goals(text: str, metric: Metric, required: float, files: tuple[str, ...], each: bool) -> None:
    goal = parse_goal(text, 7)
    assert (goal.kind, goal.metric, goal.required, goal.files, goal.each_file, goal.line) == (
        GoalKind.PERCENT, metric, required, files, each, 7,
    )


@pytest.mark.parametrize(
    ("text", "symbol", "files", "required"),
    [
        ("login()", "login", (), None),
        ("`AuthService.refresh`", "AuthService.refresh", (), None),
        ("`src/auth.py::AuthService.refresh`", "AuthService.refresh", ("src/auth.py",), None),
        ("`auth.service:login`", "login", ("auth/service.py",), None),
        ("login() 100%", "login", (), 100.0),
        ("`Throttle.hit()` exercised", "Throttle.hit", (), None),
        ("add() in src/app/calc.py", "add", ("src/app/calc.py",), None),
        ("`Calc.div` in `calc.py` 100%", "Calc.div", ("calc.py",), 100.0),
        ("HelpFormatter class fully covered", "HelpFormatter", (), 100.0),
        ("every method of Calc executed", "Calc", (), None),
        ("all methods of pkg.Calc", "pkg.Calc", (), None),
        ("function wrap_text", "wrap_text", (), None),
        ("wrap_text", "wrap_text", (), None),
        ("Calc.div 100%", "Calc.div", (), 100.0),
    ],
)
def test_symbol_goals(text: str, symbol: str, files: tuple[str, ...], required: Optional[float]) -> None:
    goal = parse_goal(text, 1)
    assert (goal.kind, goal.symbol, goal.files, goal.required) == (GoalKind.SYMBOL, symbol, files, required)


@pytest.mark.parametrize(
    "text",
    [
        "Integrations to test",
        "edge cases around expiry",
        "Components/functions to test",
        "90% of users log in",
        "< 5% error rate",
        "at most 10% flaky",
        "150%",
        "80% and 90%",
        "",
        "`login` and `logout` together",
        "test the class hierarchy",
        "the login function works under load",
        "public functions raise on bad input",
        "public API of the calc module",
        "branch coverage of `login()`",
        "public API of a.py and public methods of Calc",
        "changed lines of `login()` 90%",
        "new code in each file 90%",
        "changed lines 90% branches",
    ],
)
def test_prose_is_manual(text: str) -> None:
    assert parse_goal(text, 1).kind is GoalKind.MANUAL


@pytest.mark.parametrize(("text", "named"), [
    ("90% of users log in", "the percent 90%"),
    ("public API of the calc module covered", "the public API"),
    ("public functions raise on bad input", ""),
    ("add() and sub() both", "the function add()"),
    ("edge cases around expiry", ""),
    ("Integrations to test", ""),
    ("`add()` in `a.py` and `b.py`", "the file a.py, the function add()"),
])
def test_manual_goals_that_name_what_a_coverage_goal_names_are_told_apart(text: str, named: str) -> None:
    from pytest_designdoc.goals import looks_like_a_goal

    assert parse_goal(text, 1).kind is GoalKind.MANUAL
    assert looks_like_a_goal(text) == named


@pytest.mark.parametrize(
    ("text", "symbol", "files", "required"),
    [
        ("all public functions of src/app/calc.py covered", None, ("src/app/calc.py",), None),
        ("every public function of `calc.py` executed", None, ("calc.py",), None),
        ("public functions and methods of calc.py and other.py", None, ("calc.py", "other.py"), None),
        ("100% of public API", None, (), 100.0),
        ("the public API fully covered", None, (), 100.0),
        ("90% line coverage of the public API of utils.py", None, ("utils.py",), 90.0),
        ("all public methods of Calc executed", "Calc", (), None),
        ("public interface of `pkg.mod:Calc` 80%", "Calc", ("pkg/mod.py",), 80.0),
        ("public API of click.formatting", "click.formatting", (), None),
        ("public functions of utils covered", "utils", (), None),
    ],
)
def test_public_api_goals(text: str, symbol: Optional[str], files: tuple[str, ...], required: Optional[float]) -> None:
    goal = parse_goal(text, 1)
    assert (goal.kind, goal.public, goal.symbol, goal.files, goal.required) == (
        GoalKind.SYMBOL, True, symbol, files, required)


@pytest.mark.parametrize(("text", "metric", "required"), [
    ("src/a.py fully covered", Metric.TOTAL, 100.0),
    ("`Calc` class fully covered", Metric.TOTAL, 100.0),
    ("`login()` fully covered", Metric.TOTAL, 100.0),
    ("the public API fully covered", Metric.TOTAL, 100.0),
    ("`login()` 90%", Metric.TOTAL, 90.0),
    ("90% line coverage of `login()`", Metric.LINE, 90.0),
    ("90% statements of `Calc`", Metric.LINE, 90.0),
    ("80% branch coverage of `login()`", Metric.BRANCH, 80.0),
    ("90% branch coverage of the public API", Metric.BRANCH, 90.0),
    ("`login()`", None, None),
])
def test_a_percent_counts_the_same_for_a_file_and_a_function(text: str, metric: Optional[Metric],
                                                            required: Optional[float]) -> None:
    """One meaning per phrase: no metric word is coverage.py's total (statements and branches), for any target."""
    goal = parse_goal(text, 1)
    assert (goal.kind is GoalKind.MANUAL, goal.metric, goal.required) == (False, metric, required)


def test_two_public_api_goals_in_one_cell_are_split() -> None:
    assert split_goals("public API of a.py and public methods of Calc") == ["public API of a.py",
                                                                           "public methods of Calc"]


def test_bare_names_that_read_as_code_are_goals_each() -> None:
    assert split_goals("wrap_text, join_options") == ["wrap_text", "join_options"]
    assert [parse_goal(text, 1).kind for text in ("e.g. cases", "the login flow", "see README.md")] == [
        GoalKind.MANUAL] * 3


def test_a_percent_pair_over_lines_and_branches_is_two_goals() -> None:
    texts = split_goals("90%/80% line/branch on src/x.py")
    assert texts == ["90% line on src/x.py", "80% branch on src/x.py"]
    assert [(parse_goal(t, 1).required, parse_goal(t, 1).metric) for t in texts] == [
        (90.0, Metric.LINE), (80.0, Metric.BRANCH)]


@pytest.mark.parametrize(
    ("cell", "goals"),
    [
        ("90% lines; 80% branches", ["90% lines", "80% branches"]),
        ("90% lines<br>80% branches<br/>edge cases", ["90% lines", "80% branches", "edge cases"]),
        ("login(), logout()", ["login()", "logout()"]),
        ("login() and logout()", ["login()", "logout()"]),
        ("edge cases, retries and timeouts", ["edge cases, retries and timeouts"]),
        ("login(), edge cases", ["login(), edge cases"]),
        ("- 90%\n- `f(a, b)`", ["90%", "`f(a, b)`"]),
        ("`a;b` 90%", ["`a;b` 90%"]),
        ("  ", []),
    ],
)
def test_split_goals(cell: str, goals: list[str]) -> None:
    assert split_goals(cell) == goals


def test_every_goal_form_the_usage_guide_shows_is_read_as_its_kind() -> None:
    from pathlib import Path

    from pytest_designdoc.goals import code_spans

    guide = (Path(__file__).parents[2] / "docs" / "usage.md").read_text(encoding="utf-8")
    table = guide.split("## Coverage goals", 1)[1].split("\n\n")[2]
    kinds = {"percent": {GoalKind.PERCENT}, "symbol": {GoalKind.SYMBOL}, "public API": {GoalKind.SYMBOL},
             "changed lines": {GoalKind.PERCENT}, "manual": {GoalKind.MANUAL}}
    checked = 0
    for row in table.splitlines()[2:]:
        kind, examples = row.strip("|").split("|", 1)
        spans = code_spans(examples)
        prose = list(examples)
        for lo, hi, _ in spans:
            prose[lo:hi] = " " * (hi - lo)
        for lo, hi, fence in spans:
            if "".join(prose[:lo]).count("(") > "".join(prose[:lo]).count(")"):
                continue  # an aside in parentheses, not an example
            text = examples[lo + fence:hi - fence].strip()
            assert {parse_goal(goal, 1).kind for goal in split_goals(text)} <= kinds[kind.strip()], text
            checked += 1
    assert checked > 30
