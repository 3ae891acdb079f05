"""Goal targets and symbols (SPEC §2, Targets and Symbols), without pytest sessions."""

from __future__ import annotations

import ast
import os
import textwrap
from pathlib import Path
from typing import Optional

import pytest

from pytest_designdoc.goals import parse_goal
from pytest_designdoc.model import GoalStatus
from pytest_designdoc.symbols import find_symbol, import_time_lines, public_part
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


def write_files(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write_files(tmp_path, {
        "src/pkg/auth.py": "def login():\n    return 1\n\n\nclass Session:\n    def refresh(self):\n        pass\n",
        "src/pkg/util.py": "def login():\n    return 2\n",
        "src/pkg/extra.py": "def helper():\n    return 3\n",
        "lib/util.py": "X = 1\n",
        "src/broken.py": "def (:\n",
        "notes.txt": "text\n",
    })
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
        ("90% of `gone.py`", (), GoalStatus.UNMEASURABLE, "DD013 error: goal target 'gone.py' is not a file"),
        ("90% of `../x.py`", (), GoalStatus.UNMEASURABLE, "DD030 error: goal target '../x.py' escapes rootdir"),
        ("90% of `src/escape.py`", (), GoalStatus.UNMEASURABLE, "DD030 error: goal target 'src/escape.py' escapes"),
        ("`pkg.auth.login`", ("src/pkg/auth.py",), None, None),
        ("`pkg.auth.Session.refresh`", ("src/pkg/auth.py",), None, None),
        ("`pkg.extra:helper`", ("src/pkg/extra.py",), None, None),
        ("`auth.py::Session.refesh`", ("src/pkg/auth.py",), GoalStatus.FAILED,
         "DD011 error: symbol 'Session.refesh' not found in src/pkg/auth.py"),
        ("90% of `pkg/gone/auth.py`", (), GoalStatus.UNMEASURABLE,
         "DD013 error: goal target 'pkg/gone/auth.py' is not a file in the project"),
        ("all public functions of src/pkg/auth.py covered", ("src/pkg/auth.py",), None, None),
        ("80% of `50 percent` of auth.py", (), GoalStatus.MANUAL,
         "DD015 warning: goal '80% of `50 percent` of auth.py' is not understood as a coverage goal"),
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


@pytest.mark.parametrize(("goal", "hint"), [
    ("`90% of src/pkg/auth.py`", "backticks around the whole goal make it one piece of code: write it without them, "
                                 "90% of src/pkg/auth.py"),
    ("80% of `50 percent` of auth.py", "write `90% of src/app.py`"),
])
def test_a_goal_not_understood_says_how_to_write_it(tree: Path, goal: str, hint: str) -> None:
    targets = resolver(tree, ["src/pkg/auth.py"])
    assert targets.resolve(parse_goal(goal, 9)).status is GoalStatus.MANUAL
    assert [f.code for f in targets.findings] == ["DD015"] and targets.findings[0].hint.startswith(hint)


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


def test_a_public_api_goal_in_a_doc_without_sources_is_a_warning_not_a_crash(tree: Path) -> None:
    targets = resolver(tree, ["notes.txt"])
    assert targets.resolve(parse_goal("public API 90%", 3)).status is GoalStatus.UNMEASURABLE
    assert [(f.code, f.message) for f in targets.findings] == [
        ("DD013", "goal 'public API 90%' has no measurable target")]


def test_a_pathologically_deep_source_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "deep.py").write_text("x = " + "-" * 200_000 + "1\n")
    targets = resolver(tmp_path, ["deep.py"])
    plan = targets.resolve(parse_goal("`deep.py::f`", 2))
    assert plan.status is GoalStatus.UNMEASURABLE
    assert [f.message for f in targets.findings] == ["cannot look up 'f': 'deep.py' does not parse"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A src layout and a coverage-configured dir the doc does not list; only src/click/core.py is listed."""
    write_files(tmp_path, {
        "src/click/__init__.py": "def echo():\n    return 0\n",
        "src/click/core.py": "def main():\n    return 1\n",
        "src/click/formatting.py": "def wrap_text(text):\n    return text\n",
        "src/click/utils.py": "def safecall(f):\n    return f\n",
        "src/click/_compat/util.py": "X = 1\n",
        "src/click/_compat/__init__.py": "",
        "code/plugins/util.py": "def load():\n    return 2\n",
        "tests/test_utils.py": "def test_x():\n    pass\n",
        "pyproject.toml": '[tool.coverage.run]\nsource = ["src/click", "code/plugins"]\n',
    })
    return tmp_path


@pytest.mark.parametrize(
    ("goal", "files", "symbol"),
    [
        ("90% of utils.py", ("src/click/utils.py",), None),
        ("90% of `click/formatting.py`", ("src/click/formatting.py",), None),
        ("`click.formatting.wrap_text`", ("src/click/formatting.py",), "wrap_text"),
        ("click.formatting.wrap_text", ("src/click/formatting.py",), "wrap_text"),
        ("`click.utils:safecall`", ("src/click/utils.py",), "safecall"),
        ("`click:echo`", ("src/click/__init__.py",), "echo"),
        ("`click.echo`", ("src/click/__init__.py",), "echo"),
        ("`plugins.util:load`", ("code/plugins/util.py",), "load"),
        ("`plugins.util.load`", ("code/plugins/util.py",), "load"),
        ("`main()`", ("src/click/core.py",), "main"),
    ],
)
def test_targets_the_doc_does_not_list_are_found_where_python_finds_them(
    project: Path, goal: str, files: tuple[str, ...], symbol: str
) -> None:
    targets = resolver(project, ["src/click/core.py"])
    plan = targets.resolve(parse_goal(goal, 3))
    assert targets.findings == []
    assert (plan.files, plan.status) == (files, None)
    assert (plan.symbol.qualname if plan.symbol else None) == symbol


@pytest.mark.parametrize(
    ("goal", "message", "hint"),
    [
        ("90% of util.py", "goal target 'util.py' is ambiguous: it matches src/click/_compat/util.py, "
                           "code/plugins/util.py", "write more of the path"),
        ("90% of utlis.py", "goal target 'utlis.py' is not a file in the project",
         "did you mean src/click/utils.py, src/click/_compat/util.py"),
        ("90% of test_utils.py", "goal target 'test_utils.py' is not a file in the project", "did you mean"),
        ("90% of xyzzy.py", "goal target 'xyzzy.py' is not a file in the project", "the goal names a file that does"),
        ("`click.formatting.wrap`", "symbol 'click.formatting.wrap' not found in src/click/core.py", ""),
        ("`safecall()`", "symbol 'safecall' not found in src/click/core.py",
         "did you mean src/click/utils.py::safecall? the design names code that does not exist"),
    ],
)
def test_what_the_project_search_cannot_pick_is_a_finding_with_candidates(
    project: Path, goal: str, message: str, hint: str
) -> None:
    targets = resolver(project, ["src/click/core.py"])
    plan = targets.resolve(parse_goal(goal, 3))
    assert plan.status in (GoalStatus.UNMEASURABLE, GoalStatus.FAILED)
    assert [f.message for f in targets.findings] == [message]
    assert targets.findings[0].hint.startswith(hint)


CLICK = ("src/click/__init__.py", "src/click/_compat/__init__.py", "src/click/_compat/util.py", "src/click/core.py",
         "src/click/formatting.py", "src/click/utils.py")


@pytest.mark.parametrize(
    ("goal", "files"),
    [
        ("90% of `src/click/`", CLICK),
        ("`src/click` 90%", CLICK),
        ("90% of `src/click/_compat/*.py`", ("src/click/_compat/__init__.py", "src/click/_compat/util.py")),
        ("each file of `src/click/**/u*.py` 80%", ("src/click/_compat/util.py", "src/click/utils.py")),
        ("`click` 90%", CLICK),
        ("`click._compat` 90%", ("src/click/_compat/__init__.py", "src/click/_compat/util.py")),
        ("`click.formatting` branch coverage 80%", ("src/click/formatting.py",)),
        ("90% of `src/click/utils.py` and `src/click/`", ("src/click/utils.py",) + tuple(
            path for path in CLICK if path != "src/click/utils.py")),
    ],
)
def test_a_directory_glob_package_or_module_target_is_every_python_file_it_holds(
    project: Path, goal: str, files: tuple[str, ...]
) -> None:
    targets = resolver(project, ["src/click/core.py"])
    plan = targets.resolve(parse_goal(goal, 3))
    assert targets.findings == []
    assert (plan.files, plan.status, plan.symbol, plan.goal.kind.value) == (files, None, None, "percent")


def test_a_glob_that_matches_no_python_file_or_leaves_rootdir_is_a_finding(project: Path) -> None:
    (project / "src" / "out").symlink_to(project.parent, target_is_directory=True)
    targets = resolver(project, [])
    for goal in ("90% of `docs/*.py`", "90% of `src/*/x.py`"):
        assert targets.resolve(parse_goal(goal, 3)).status is GoalStatus.UNMEASURABLE
    assert [(f.code, f.severity.value, f.message) for f in targets.findings] == [
        ("DD013", "error", "goal target 'docs/*.py' matches no Python file"),
        ("DD030", "error", "goal target 'src/*/x.py' matches src/out, which escapes rootdir: refused, not read")]
    assert resolver(project, ["src/click/core.py"]).resolve(parse_goal("`click.nothing` 90%", 4)).status is \
        GoalStatus.FAILED, "a dotted name that is no module stays a symbol that is not found"
    assert resolver(project, []).resolve(parse_goal("`click.utils` 90%", 4)).files == ("src/click/utils.py",), \
        "a doc without Files tables names its modules"


def test_without_coverage_configuration_only_src_lib_and_packages_are_searched(project: Path) -> None:
    (project / "pyproject.toml").write_text("")
    targets = resolver(project, [])
    assert targets.resolve(parse_goal("90% of util.py", 3)).files == ("src/click/_compat/util.py",)
    assert targets.resolve(parse_goal("`plugins.util:load`", 4)).status is GoalStatus.UNMEASURABLE
    assert [f.code for f in targets.findings] == ["DD013"]


def test_coverage_source_of_rootdir_searches_the_whole_project(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.coverage.run]\nsource = ["."]\n')
    write_files(project, {"tools/gen.py": "def gen():\n    return 1\n"})
    targets = resolver(project, [])
    assert targets.resolve(parse_goal("90% of gen.py", 3)).files == ("tools/gen.py",)


def test_a_project_too_large_to_search_says_its_source_dirs_were_not_searched(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pytest_designdoc.project_files.MAX_SOURCE_FILES", 2)
    targets = resolver(project, [])
    assert targets.resolve(parse_goal("90% of utils.py", 3)).status is GoalStatus.UNMEASURABLE
    assert [f.message for f in targets.findings] == [
        "goal target 'utils.py' is not a file in the project (its source dirs hold more than 2 Python files: "
        "not searched)"]


API = textwrap.dedent('''
    __all__ = ["exported", "_exported_private", "Shape"]


    def exported():
        return 1


    def _exported_private():
        return 2


    def not_exported():
        return 3


    class Shape:
        def area(self):
            return 0

        def _cache(self):
            pass

        def __init__(self):
            pass

        class Unit:
            def name(self):
                return "m"
    ''').lstrip()


@pytest.mark.parametrize(
    ("goal", "files", "functions"),
    [
        ("all public functions of src/click/core.py covered", ("src/click/core.py",), [["main"]]),
        ("public API of utils.py", ("src/click/utils.py",), [["safecall"]]),
        ("public API of src/click/api.py", ("src/click/api.py",),
         [["exported", "_exported_private", "Shape.area", "Shape.Unit.name"]]),
        ("all public methods of Shape executed", ("src/click/api.py",), [["Shape.area"]]),
        ("public API of click.formatting", ("src/click/formatting.py",), [["wrap_text"]]),
        ("public API of click.api.Shape", ("src/click/api.py",), [["Shape.area"]]),
        ("100% of public API", ("src/click/core.py", "src/click/api.py"),
         [["main"], ["exported", "_exported_private", "Shape.area", "Shape.Unit.name"]]),
    ],
)
def test_public_api_goals_measure_the_public_functions_and_methods(
    project: Path, goal: str, files: tuple[str, ...], functions: list[list[str]]
) -> None:
    write_files(project, {"src/click/api.py": API, "src/click/_private.py": "def hidden():\n    pass\n"})
    targets = resolver(project, ["src/click/core.py", "src/click/api.py", "src/click/_private.py"])
    plan = targets.resolve(parse_goal(goal, 3))
    assert targets.findings == []
    assert (plan.files, plan.status) == (files, None)
    assert [[span.name for span in spans] for _, spans in plan.function_parts] == functions


def test_a_public_api_goal_with_no_public_function_has_nothing_to_measure(project: Path) -> None:
    write_files(project, {"src/click/_private.py": "def _hidden():\n    pass\n\n\nclass Box:\n    def _x(self):\n        pass\n"})
    targets = resolver(project, ["src/click/_private.py"])
    assert targets.resolve(parse_goal("public API of _private.py", 3)).status is GoalStatus.UNMEASURABLE
    assert targets.resolve(parse_goal("public methods of Box", 4)).status is GoalStatus.UNMEASURABLE
    assert targets.resolve(parse_goal("100% of public API", 5)).status is GoalStatus.UNMEASURABLE
    assert [f.message for f in targets.findings] == [
        "goal 'public API of _private.py' has nothing to measure: no public function or method in "
        "src/click/_private.py",
        "goal 'public methods of Box' has nothing to measure: no public function or method in 'Box' "
        "(src/click/_private.py)",
        "goal '100% of public API' has nothing to measure: no public function or method in the doc's source files "
        "(private modules only)"]
    assert all(f.code == "DD013" and f.severity.value == "warning" for f in targets.findings)


def test_import_time_lines_are_everything_outside_function_bodies() -> None:
    lines = import_time_lines(ast.parse(SOURCE), SOURCE.count("\n"))
    assert sorted(lines) == [1, 2, 3, 4, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 25, 26, 28, 29, 30, 32, 33,
                             34, 35, 37, 38]


def test_the_public_part_of_a_function_is_the_function() -> None:
    function = find_symbol(ast.parse(SOURCE), "plain")
    assert function is not None and public_part(function) is function
    service = find_symbol(ast.parse(SOURCE), "Service")
    assert service is not None and [span.name for span in public_part(service).functions] == [
        "Service.name", "Service.refresh"]


PACKAGE = {
    "src/shop/__init__.py": "from .core import Cart, total as sum_up\nfrom ._util import *\nfrom . import core\n"
                            "from .gone import nothing\nfrom os import path\nfrom .core import _hidden\n"
                            "from shop.extra import ping\nfrom .api import deep, spin\nfrom typing import TYPE_CHECKING\n"
                            "try:\n    from ._fast import quick\nexcept ImportError:\n    from ._slow import quick\n"
                            "if TYPE_CHECKING:\n    from .hints import Hint\n\n\ndef echo():\n    return 0\n",
    "src/shop/core.py": "class Cart:\n    def add(self):\n        pass\n\n    def _x(self):\n        pass\n\n\n"
                        "def total():\n    return 1\n\n\ndef other():\n    return 2\n\n\ndef _hidden():\n    pass\n",
    "src/shop/_util.py": "__all__ = ['wrap']\n\n\ndef wrap():\n    pass\n\n\ndef unwrap():\n    pass\n",
    "src/shop/extra.py": "def ping():\n    return 3\n",
    "src/shop/api.py": "from shop._deep import deep\nfrom .loop import spin\n",
    "src/shop/_deep.py": "def deep():\n    return 4\n",
    "src/shop/loop.py": "from .api import spin\n",
    "src/shop/_fast.py": "def quick():\n    return 5\n",
    "src/shop/_slow.py": "def quick():\n    return 5\n",
    "src/shop/hints.py": "class Hint:\n    def check(self):\n        pass\n",
}


@pytest.mark.parametrize(
    ("all_", "goal", "listed", "functions"),
    [
        (None, "public API of shop", [], [("src/shop/__init__.py", ["echo"]), ("src/shop/core.py", ["Cart.add", "total"]),
                                          ("src/shop/_util.py", ["wrap"]), ("src/shop/extra.py", ["ping"]),
                                          ("src/shop/_deep.py", ["deep"]), ("src/shop/_fast.py", ["quick"])]),
        ('["Cart", "echo"]', "public API of shop", [], [("src/shop/__init__.py", ["echo"]),
                                                         ("src/shop/core.py", ["Cart.add"])]),
        (None, "100% of public API", ["src/shop/core.py", "src/shop/__init__.py"],
         [("src/shop/core.py", ["Cart.add", "total", "other"]), ("src/shop/__init__.py", ["echo"]),
          ("src/shop/_util.py", ["wrap"]), ("src/shop/extra.py", ["ping"]), ("src/shop/_deep.py", ["deep"]),
          ("src/shop/_fast.py", ["quick"])]),
    ],
)
def test_a_packages_public_api_includes_what_its_init_re_exports(
    tmp_path: Path, all_: Optional[str], goal: str, listed: list[str], functions: list[tuple[str, list[str]]]
) -> None:
    files = dict(PACKAGE)
    if all_:
        files["src/shop/__init__.py"] = f"__all__ = {all_}\n" + files["src/shop/__init__.py"]
    write_files(tmp_path, files)
    targets = resolver(tmp_path, listed)
    plan = targets.resolve(parse_goal(goal, 3))
    assert targets.findings == []
    assert [(path, [span.name for span in spans]) for path, spans in plan.function_parts] == functions
    assert plan.files == tuple(path for path, _ in functions)


NESTED_CLASS = '''
def untyped_sorted(iterable):
    """Sort what does not compare."""
    class _Wrapper:
        slots = ("obj",)

        def __init__(self, obj):
            self.obj = obj

        def __lt__(self, other):
            return repr(self.obj) < repr(other.obj)

    def key(obj):
        return _Wrapper(obj)

    return sorted(iterable, key=key)
'''.lstrip()


def test_a_function_body_keeps_a_nested_classs_body_as_coverage_pys_function_region_does(tmp_path: Path) -> None:
    """Found on boltons: the class body (its assignment, its methods' def lines) runs when the function runs."""
    from coverage import Coverage
    from coverage.python import PythonFileReporter

    path = tmp_path / "sorting.py"
    path.write_text(NESTED_CLASS)
    reporter = PythonFileReporter(str(path), Coverage(data_file=None))
    statements = frozenset(reporter.lines())
    (region,) = [r for r in reporter.code_regions() if r.kind == "function" and r.name == "untyped_sorted"]
    symbol = find_symbol(ast.parse(NESTED_CLASS), "untyped_sorted")
    assert symbol is not None
    (span,) = symbol.functions
    assert span.body_lines(statements) == frozenset(region.lines) & statements == frozenset({3, 4, 6, 9, 12, 15})


@pytest.mark.parametrize(("goal", "file", "qualname"), [
    ("`shop.Cart` class fully covered", "src/shop/core.py", "Cart"),
    ("`shop.Cart.add`", "src/shop/core.py", "Cart.add"),
    ("`shop.sum_up`", "src/shop/core.py", "total"),
    ("`shop.wrap`", "src/shop/_util.py", "wrap"),
    ("`shop.deep`", "src/shop/_deep.py", "deep"),
    ("`shop.quick`", "src/shop/_fast.py", "quick"),
], ids=["class", "method", "alias", "star", "two modules deep", "try body first"])
def test_a_symbol_named_through_its_package_follows_the_re_exports(tmp_path: Path, goal: str, file: str,
                                                                     qualname: str) -> None:
    """Found on more-itertools: `more_itertools.peekable` (``from .more import *``) was DD011, though public-API
    goals follow the same imports."""
    write_files(tmp_path, PACKAGE)
    targets = resolver(tmp_path, [])
    plan = targets.resolve(parse_goal(goal, 3))
    assert targets.findings == []
    assert (plan.symbol_file, plan.symbol.qualname if plan.symbol else None) == (file, qualname)


@pytest.mark.parametrize("goal", ["`shop.unwrap`", "`shop.nothing`", "`shop.path`", "`shop.spin`"],
                         ids=["not in the star's __all__", "from a missing module", "from outside", "a cycle"])
def test_a_name_the_package_does_not_give_is_still_not_found(tmp_path: Path, goal: str) -> None:
    write_files(tmp_path, PACKAGE)
    targets = resolver(tmp_path, ["src/shop/extra.py"])
    targets.resolve(parse_goal(goal, 3))
    assert [finding.code for finding in targets.findings] == ["DD011"]
