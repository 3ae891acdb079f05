"""Goal targets and symbols (SPEC §2, Targets and Symbols), without pytest sessions."""

from __future__ import annotations

import ast
import os
import textwrap
from pathlib import Path

import pytest

from pytest_designdoc.goals import parse_goal
from pytest_designdoc.model import GoalStatus
from pytest_designdoc.symbols import find_symbol
from pytest_designdoc.targets import ParsedSource, TargetResolver

SOURCE = textwrap.dedent('''
    import functools


    def plain(x):
        """Docstring."""
        y = x + 1

        def inner():
            return y

        return inner


    @functools.lru_cache
    def decorated():
        return 1


    class Service:
        """A service."""

        @property
        def name(self):
            return "s"

        async def refresh(self):
            await something()

        class Config:
            def load(self):
                pass


    try:
        def optional():
            pass
    except ImportError:
        pass
''').lstrip()


def test_a_function_body_leaves_out_its_docstring_and_nested_bodies() -> None:
    symbol = find_symbol(ast.parse(SOURCE), "plain")
    assert symbol is not None and (symbol.kind, symbol.line, symbol.end) == ("function", 4, 11)
    (span,) = symbol.functions
    assert span.body == ((6, 8), (10, 11))
    assert span.body_lines(frozenset({4, 5, 6, 8, 9, 11})) == frozenset({6, 8, 11})


@pytest.mark.parametrize(
    ("qualname", "kind", "line", "methods"),
    [
        ("decorated", "function", 15, ["decorated"]),
        ("Service", "class", 19, ["Service.name", "Service.refresh"]),
        ("Service.refresh", "function", 26, ["Service.refresh"]),
        ("Service.Config.load", "function", 30, ["Service.Config.load"]),
        ("optional", "function", 35, ["optional"]),
    ],
)
def test_symbols_are_found_in_classes_decorators_and_blocks(qualname: str, kind: str, line: int, methods: list[str]) -> None:
    symbol = find_symbol(ast.parse(SOURCE), qualname)
    assert symbol is not None
    assert (symbol.kind, symbol.line, [f.name for f in symbol.functions]) == (kind, line, methods)


@pytest.mark.parametrize("qualname", ["missing", "Service.missing", "plain.outer", "Service.name.x"])
def test_unknown_symbols_are_none(qualname: str) -> None:
    assert find_symbol(ast.parse(SOURCE), qualname) is None


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for path, text in {
        "src/pkg/auth.py": "def login():\n    return 1\n\n\nclass Session:\n    def refresh(self):\n        pass\n",
        "src/pkg/util.py": "def login():\n    return 2\n",
        "src/pkg/extra.py": "def helper():\n    return 3\n",
        "lib/util.py": "X = 1\n",
        "src/broken.py": "def (:\n",
        "notes.txt": "text\n",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    os.symlink("/etc/passwd", tmp_path / "src" / "escape.py")
    return tmp_path


def resolver(root: Path, listed: list[str]) -> TargetResolver:
    trees: dict[str, ParsedSource] = {}
    return TargetResolver(str(root), "docs/d.md", listed, lambda path: path.endswith(".py"), trees)


@pytest.mark.parametrize(
    ("goal", "files", "status", "finding"),
    [
        ("90% of `auth.py`", ("src/pkg/auth.py",), None, None),
        ("90% of `pkg/util.py`", ("src/pkg/util.py",), None, None),
        ("90% of `lib/util.py`", ("lib/util.py",), None, None),
        ("90%", ("src/pkg/auth.py", "src/pkg/util.py", "lib/util.py"), None, None),
        ("`auth.py::login`", ("src/pkg/auth.py",), None, None),
        ("`pkg.auth:login`", ("src/pkg/auth.py",), None, None),
        ("90% of `util.py`", (), GoalStatus.UNMEASURABLE, "DD013 error: goal target 'util.py' is ambiguous"),
        ("`login()`", (), GoalStatus.UNMEASURABLE, "DD013 error: symbol 'login' is ambiguous"),
        ("`auth.py::logout`", ("src/pkg/auth.py",), GoalStatus.FAILED, "DD011 error: symbol 'logout' not found"),
        ("`src/broken.py::f`", (), GoalStatus.UNMEASURABLE, "DD011 error: cannot look up 'f': 'src/broken.py' does not"),
        ("90% of `notes.txt`", (), GoalStatus.UNMEASURABLE, "DD013 warning: goal target 'notes.txt' is not a Python"),
        ("90% of `gone.py`", (), GoalStatus.UNMEASURABLE, "DD013 warning: goal target 'gone.py' is not a file"),
        ("90% of `../x.py`", (), GoalStatus.UNMEASURABLE, "DD030 error: goal target '../x.py' escapes rootdir"),
        ("90% of `src/escape.py`", (), GoalStatus.UNMEASURABLE, "DD030 error: goal target 'src/escape.py' escapes"),
        ("`pkg.auth.login`", ("src/pkg/auth.py",), None, None),
        ("`pkg.auth.Session.refresh`", ("src/pkg/auth.py",), None, None),
        ("`pkg.extra:helper`", ("src/pkg/extra.py",), None, None),
        ("`auth.py::Session.refesh`", ("src/pkg/auth.py",), GoalStatus.FAILED,
         "DD011 error: symbol 'Session.refesh' not found in src/pkg/auth.py"),
        ("90% of `pkg/gone/auth.py`", (), GoalStatus.UNMEASURABLE,
         "DD013 warning: goal target 'pkg/gone/auth.py' is not a file in the project"),
        ("all public functions of src/pkg/auth.py covered", (), GoalStatus.MANUAL,
         "DD015 warning: goal 'all public functions of src/pkg/auth.py covered' is not understood as a coverage goal"),
        ("edge cases around expiry", (), GoalStatus.MANUAL, None),
        ("rules DD020/DD030 apply", (), GoalStatus.MANUAL, None),
    ],
)
def test_targets_resolve_by_suffix_against_the_docs_files(
    tree: Path, goal: str, files: tuple[str, ...], status: GoalStatus, finding: str
) -> None:
    targets = resolver(tree, ["src/pkg/auth.py", "src/pkg/util.py", "lib/util.py", "notes.txt"])
    plan = targets.resolve(parse_goal(goal, 9))
    assert (plan.files, plan.status) == (files, status)
    found = [f"{f.code} {f.severity.value}: {f.message}" for f in targets.findings]
    if finding is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(finding), found
        assert targets.findings[0].line == 9


def test_what_is_not_found_comes_with_the_closest_candidates(tree: Path) -> None:
    targets = resolver(tree, ["src/pkg/auth.py", "src/pkg/util.py"])
    targets.resolve(parse_goal("`auth.py::Session.refesh`", 4))
    targets.resolve(parse_goal("90% of `pkg/gone/auth.py`", 5))
    assert [f.hint.split("? ")[0] for f in targets.findings] == [
        "did you mean Session.refresh, Session", "did you mean src/pkg/auth.py"]


def test_no_source_files_is_a_warning_unless_they_are_missing_and_already_reported(tree: Path) -> None:
    targets = resolver(tree, ["notes.txt"])
    assert targets.resolve(parse_goal("90%", 3)).status is GoalStatus.UNMEASURABLE
    assert [f.code for f in targets.findings] == ["DD013"]
    quiet = TargetResolver(str(tree), "d.md", [], lambda p: True, {}, missing_sources=True)
    assert quiet.resolve(parse_goal("90%", 3)).status is GoalStatus.UNMEASURABLE
    assert quiet.findings == []


def test_a_pathologically_deep_source_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "deep.py").write_text("x = " + "-" * 200_000 + "1\n")
    targets = resolver(tmp_path, ["deep.py"])
    plan = targets.resolve(parse_goal("`deep.py::f`", 2))
    assert plan.status is GoalStatus.UNMEASURABLE
    assert [f.message for f in targets.findings] == ["cannot look up 'f': 'deep.py' does not parse"]
