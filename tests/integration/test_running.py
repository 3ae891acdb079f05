"""Running it: exit status, options, verbosity, reports, xdist, cost when off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from .helpers import TESTS_OK, Project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_failing_tests_keep_pytest_exit_status(project: Project) -> None:
    project.standard()
    project.write("tests/test_app.py", "def test_one():\n    assert False\n\ndef test_two():\n    pass\n")
    result = project.pytester.runpytest("--designdoc", "--designdoc-report", "json:r.json")
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["designdoc: 1 doc, 1 goal: 0 met, 0 failed, 1 manual, 0 not run; 0 errors, 0 warnings"])
    row = json.loads((project.path / "r.json").read_text())["docs"][0]["rows"][0]
    assert row["test_files"] == [{
        "path": "tests/test_app.py", "exists": True, "selected": True,
        "collected": 2, "passed": 1, "failed": 1, "skipped": 0, "deselected": 0,
    }]


def test_collect_only_runs_static_checks(project: Project) -> None:
    project.standard()
    project.write("tests/test_nothing.py", "x = 1\n")
    project.doc("nothing.md", "# N-1 - N\n\n## Tests\n\n| Type | Files |\n|--|--|\n| Unit | `tests/test_nothing.py` |\n")
    result = project.pytester.runpytest("--designdoc", "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "docs/design/nothing.md:7 DD002 error: listed test file 'tests/test_nothing.py' yields no test",
        "designdoc: 2 docs, 1 goal: *; 1 error, 0 warnings — run failed on design doc checks (errors)",
    ])
    assert "passed" not in result.stdout.str()


def test_disabled_with_p_no_designdoc(project: Project) -> None:
    project.standard()
    project.doc("broken.md", "# B-1 - B\n\n## Tests\n\n| Type | Files |\n|--|--|\n| U | `tests/nope.py` |\n")
    result = project.pytester.runpytest("-p", "no:designdoc")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    assert "= designdoc =" not in result.stdout.str()
    assert project.pytester.runpytest("-p", "no:designdoc", "--designdoc").ret == pytest.ExitCode.USAGE_ERROR


def test_no_designdoc_turns_off_a_project_that_configures_the_plugin(project: Project) -> None:
    project.standard()
    project.pytester.makepyprojecttoml("""
        [tool.pytest.ini_options]
        addopts = ["--designdoc", "--strict-markers", "--strict-config", "--designdoc-report", "json:r.json"]
        designdoc_paths = ["docs/**/*.md"]
        designdoc_strict = true
    """)
    project.write("tests/test_marked.py", """
        import pytest

        @pytest.mark.designdoc("APP-1")
        def test_marked():
            pass
    """)
    project.doc("broken.md", "# B-1 - B\n\n## Tests\n\n| Type | Files |\n|--|--|\n| U | `tests/nope.py` |\n")
    assert project.pytester.runpytest().ret == pytest.ExitCode.TESTS_FAILED, "on through addopts"
    (project.path / "r.json").unlink()
    off = project.pytester.runpytest("--no-designdoc", "--designdoc-select", "APP-1")
    off.assert_outcomes(passed=3)
    assert off.ret == pytest.ExitCode.OK
    assert "= designdoc =" not in off.stdout.str() and not (project.path / "r.json").exists()
    blocked = project.pytester.runpytest("-p", "no:designdoc")
    assert blocked.ret == pytest.ExitCode.USAGE_ERROR, "blocking the plugin leaves addopts naming its options"
    blocked.stderr.fnmatch_lines(["*unrecognized arguments: --designdoc*"])


def test_without_the_flag_nothing_is_loaded(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.standard()
    project.write("tests/conftest.py", """
        import sys

        def pytest_sessionfinish(session):
            ours = ("mistune", "yaml", "pytest_designdoc.parse", "pytest_designdoc.discover",
                    "pytest_designdoc.record")
            # pytest-cov before 6 imports coverage itself, so coverage is checked with our plugin alone.
            alone = session.config.pluginmanager.get_plugin("pytest_cov") is None
            loaded = sorted(m for m in ours + (("coverage",) if alone else ()) if m in sys.modules)
            print("LOADED:", ",".join(loaded) or "nothing")
    """)
    result = project.pytester.runpytest_subprocess("-s")
    result.stdout.fnmatch_lines(["*LOADED: nothing"])
    assert "= designdoc =" not in result.stdout.str()
    # The same with no other plugin that could hide an import of ours.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = project.pytester.runpytest_subprocess("-s", "-p", "pytest_designdoc.plugin")
    result.stdout.fnmatch_lines(["*LOADED: nothing"])
    turned_off = project.pytester.runpytest_subprocess("-s", "-p", "pytest_designdoc.plugin", "--designdoc",
                                                       "--no-designdoc")
    turned_off.stdout.fnmatch_lines(["*LOADED: nothing"])
    with_flag = project.pytester.runpytest_subprocess("-s", "-p", "pytest_designdoc.plugin", "--designdoc")
    with_flag.stdout.fnmatch_lines(["*LOADED: mistune,pytest_designdoc.discover,pytest_designdoc.parse,"
                                    "pytest_designdoc.record"])


def test_strict_config_and_warnings_as_errors(project: Project) -> None:
    project.standard()
    project.pytester.makepyprojecttoml("""
        [tool.pytest.ini_options]
        addopts = ["--strict-config", "--strict-markers", "--designdoc"]
        filterwarnings = ["error"]
        xfail_strict = true
        designdoc_paths = ["docs/**/*.md"]
        designdoc_strict = false
        designdoc_coverage_scope = "suite"
        designdoc_report = ["json:build/designdoc.json"]
        designdoc_github = "false"
        designdoc_baseline = ""
    """)
    project.write("tests/test_marked.py", """
        import pytest

        @pytest.mark.designdoc("APP-1")
        def test_marked():
            pass
    """)
    result = project.pytester.runpytest_subprocess()
    result.assert_outcomes(passed=3)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert (project.path / "build" / "designdoc.json").is_file()


@pytest.mark.parametrize(
    ("args", "ini", "message"),
    [
        (["--designdoc-report", "xml:out.xml"], "", "--designdoc-report: unknown report format 'xml' (known: json, md, html, junit, sarif, "
         "cobertura, lcov)"),
        (["--designdoc-report", "report.json"], "", "--designdoc-report: 'report.json' must be FORMAT:PATH*"),
        (["--designdoc-path", "../elsewhere/*.md"], "", "--designdoc-path: '../elsewhere/*.md' is not a glob relative to rootdir*"),
        ([], 'designdoc_coverage_scope = "file"', "designdoc_coverage_scope in *pyproject.toml: 'file' is not one of row, suite"),
        ([], 'designdoc_github = "sometimes"', "designdoc_github in *: 'sometimes' is not one of auto, true, false"),
        ([], 'designdoc_paths = ["/etc/*.md"]', "designdoc_paths in *: '/etc/*.md' is not a glob relative to rootdir*"),
    ],
)
def test_bad_configuration_is_a_usage_error(project: Project, args: list[str], ini: str, message: str) -> None:
    project.standard()
    project.pytester.makepyprojecttoml(f"[tool.pytest.ini_options]\n{ini}\n")
    result = project.pytester.runpytest("--designdoc", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_designdoc_path_replaces_ini(project: Project) -> None:
    project.standard()
    project.write("specs/one.md", "# S-1 - Spec\n\n## Files to Modify\n\n| Path |\n|--|\n| `nope.py` |\n")
    result = project.pytester.runpytest("--designdoc", "--designdoc-path", "specs/*.md")
    result.stdout.fnmatch_lines(["*specs/one.md:7 DD004 error: *", "designdoc: 1 doc, 0 goals: *"])


def test_verbosity_levels(project: Project) -> None:
    project.standard()
    project.doc("warn.md", "---\nstatus: draft\n---\n# W-1 - W\n\n## Files to Create\n\n| File |\n|--|\n| `x.py` |\n")
    project.doc("err.md", "# E-1 - E\n\n## Files to Create\n\n| File |\n|--|\n| `y.py` |\n")
    quiet = project.pytester.runpytest("--designdoc", "-q")
    quiet.stdout.fnmatch_lines([
        "docs/design/err.md:7 DD003 error: Files to Create entry 'y.py' is missing",
        "docs/design/warn.md:10 DD003 warning: Files to Create entry 'x.py' is missing",
        "designdoc: 3 docs, *",
    ])
    assert "hint:" not in quiet.stdout.str() and "(accepted)" not in quiet.stdout.str()
    quieter = project.pytester.runpytest("--designdoc", "-qq")
    assert "DD003" not in quieter.stdout.str()
    quieter.stdout.fnmatch_lines(["designdoc: 3 docs, *; 1 error, 1 warning — run failed on design doc checks (errors)"])
    normal = project.pytester.runpytest("--designdoc")
    normal.stdout.fnmatch_lines([
        "docs/design/err.md — E-1: E (accepted)",
        "  docs/design/err.md:7 DD003 error: *",
        "      hint: *",
        "docs/design/warn.md — W-1: W (draft, not enforced: findings are warnings)",
        "  docs/design/warn.md:10 DD003 warning: *",
        "designdoc: *",
    ])
    assert "app.md" not in normal.stdout.str()
    verbose = project.pytester.runpytest("--designdoc", "-v")
    verbose.stdout.fnmatch_lines([
        "designdoc: 3 docs from docs/**/*.md",
        "*docs/design/app.md — APP-1: The app (accepted)",
        "  docs/design/app.md:13 goal manual: edge cases — a person checks it: no coverage figure decides it",
    ])


def test_json_report_is_valid_and_deterministic(project: Project, validate_report: Callable[[Path], Any]) -> None:
    project.standard()
    project.doc("draft.md", "---\nstatus: draft\nowners: [ana]\n---\n# D-1 - D\n\n## Files to Create\n\n| File |\n|--|\n| `later.py` |\n")
    project.doc("goals.md", """
        # G-1 - Goals

        ## Test Strategy

        | Test Type | Files | Coverage Goals | Owner |
        |---|---|---|---|
        | Unit | `tests/test_login.py` | 90% line coverage of `src/app.py`; `src/app.py::login`; retries | ana |
    """)
    project.write("tests/test_login.py", "from app import login\n\ndef test_login():\n    assert login()\n")
    first = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:out/first.json")
    second = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:out/second.json")
    assert first.ret == second.ret == pytest.ExitCode.OK
    one = validate_report(project.path / "out" / "first.json")
    two = validate_report(project.path / "out" / "second.json")
    one.pop("created"), two.pop("created")
    assert one == two
    assert one["summary"] == {"docs": 3, "errors": 0, "warnings": 1, "waived": 0,
                              "goals": {"met": 2, "failed": 0, "manual": 2, "not_run": 0, "unmeasurable": 0}}
    goals_doc = next(d for d in one["docs"] if d["key"] == "G-1")
    (row,) = goals_doc["rows"]
    assert row["columns"] == {"Owner": "ana"}
    assert [(g["kind"], g["status"]) for g in row["goals"]] == [
        ("percent", "met"), ("symbol", "met"), ("manual", "manual"),
    ]
    assert row["goals"][0]["metric"] == "line" and row["goals"][0]["required"] == 90.0
    assert row["goals"][0]["files"] == ["src/app.py"] and row["goals"][0]["actual"] == 100.0
    assert row["goals"][1]["symbol"] == "login" and row["goals"][1]["line_range"] == [1, 2]
    # Atomic writes leave no temp file behind.
    assert sorted(p.name for p in (project.path / "out").iterdir()) == ["first.json", "second.json"]


def test_unwritable_report_is_reported_not_a_crash(project: Project) -> None:
    project.standard()
    (project.path / "blocker").write_text("a file, not a directory")
    result = project.pytester.runpytest("--designdoc", "--designdoc-report", "json:blocker/r.json")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["designdoc: cannot write json report */blocker/r.json: *"])
    assert "INTERNALERROR" not in result.stdout.str()


def test_xdist_workers_send_collection_to_controller(project: Project) -> None:
    pytest.importorskip("xdist")
    project.standard()
    project.write("tests/test_more.py", TESTS_OK.replace("test_one", "test_three").replace("test_two", "test_four"))
    project.write("tests/test_nothing.py", "x = 1\n")
    project.doc("more.md", """
        # M-1 - More

        ## Tests

        | Type | Files |
        |--|--|
        | Unit | `tests/test_more.py` |
        | Unit | `tests/test_nothing.py` |
    """)
    serial = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:serial.json")
    parallel = project.pytester.runpytest_subprocess("--designdoc", "-n", "2", "--designdoc-report", "json:xdist.json")
    for result in (serial, parallel):
        result.assert_outcomes(passed=4)
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        result.stdout.fnmatch_lines(["*docs/design/more.md:8 DD002 error: listed test file 'tests/test_nothing.py' yields no test"])
    one = json.loads((project.path / "serial.json").read_text())
    two = json.loads((project.path / "xdist.json").read_text())
    one.pop("created"), two.pop("created")
    assert one == two


def test_extension_hooks(project: Project) -> None:
    project.standard()
    project.write("conftest.py", """
        from pytest_designdoc.model import Goal, GoalKind

        def pytest_designdoc_parse_goal(text, line):
            if text == "80%":
                return Goal(text=text, line=line, kind=GoalKind.MANUAL)

        def pytest_designdoc_report(report, config):
            print("REPORT HOOK", len(report.docs), report.goal_counts())
    """)
    project.doc("hooks.md", "# H-1 - H\n\n## Tests\n\n| Type | Files | Goals |\n|--|--|--|\n| U | `tests/test_app.py` | perf: 90%; 80% |\n")
    result = project.pytester.runpytest("--designdoc", "-s")
    result.stdout.fnmatch_lines(["*REPORT HOOK 2 *"])
    result.stdout.fnmatch_lines(["designdoc: 2 docs, 3 goals: 0 met, 0 failed, 3 manual, 0 not run; *"])


@pytest.mark.parametrize("mode", [(), ("-n", "2"), ("--cov=src",)], ids=["alone", "xdist", "pytest-cov"])
def test_a_plugin_adds_a_goal_kind_that_plans_decides_and_reports_its_goals(project: Project,
                                                                          mode: tuple[str, ...]) -> None:
    project.write("src/app.py", """
        def half(x):
            if x:
                return 1
            return 2
    """)
    project.write("tests/test_app.py", """
        from app import half

        def test_half():
            assert half(1) == 1
    """)
    project.write("conftest.py", """
        import re
        import sys

        from pytest_designdoc.codes import DD010
        from pytest_designdoc.kinds import PercentGoal
        from pytest_designdoc.model import Goal, GoalKind, GoalResult, GoalStatus, Metric

        sys.path.insert(0, "src")

        class StrictlyAbove(PercentGoal):
            def decide(self, plan, judging):
                goal = plan.goal
                figure = judging.figures.figure(plan.files, Metric.LINE, judging.counted)
                met = figure.actual > goal.required
                if not met:
                    judging.failed(DD010, f"{figure.actual:g}% is not above {goal.required:g}%", "")
                return GoalResult(goal, GoalStatus.MET if met else GoalStatus.FAILED, figure.actual, plan.files)

            def report_fields(self, result, data):
                super().report_fields(result, data)
                data["metric"] = "line"

        def pytest_designdoc_parse_goal(text, line):
            match = re.fullmatch(r"above (\\d+)% of (\\S+)", text)
            if match:
                return Goal(text=text, line=line, kind=GoalKind.PERCENT, metric=Metric.LINE,
                            required=float(match[1]), files=(match[2],), goal_type=StrictlyAbove())
    """)
    project.doc("kinds.md", "# K-1 - K\n\n## Tests\n\n| Type | Files | Goals |\n|--|--|--|\n"
                "| U | `tests/test_app.py` | above 50% of src/app.py; above 90% of src/app.py |\n")
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json", *mode)
    goals = json.loads((project.path / "report.json").read_text())["docs"][0]["rows"][0]["goals"]
    assert [(goal["kind"], goal["metric"], goal["status"], goal["actual"]) for goal in goals] == [
        ("percent", "line", "met", 75.0), ("percent", "line", "failed", 75.0)]
    result.stdout.fnmatch_lines(["*DD010*75% is not above 90%*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_goals_a_conftest_parses_on_files_coverage_was_not_started_for_are_unmeasurable_and_say_why(
        project: Project) -> None:
    project.standard()
    project.write("src/other.py", "def other():\n    return 1\n")
    project.write("conftest.py", """
        from pytest_designdoc.model import Goal, GoalKind, Metric

        def pytest_designdoc_parse_goal(text, line):
            if text == "other code covered":
                return Goal(text=text, line=line, kind=GoalKind.PERCENT, metric=Metric.TOTAL, required=90.0,
                            files=("src/other.py",))
    """)
    project.doc("other.md", "# O-1 - O\n\n## Tests\n\n| Type | Files | Goals |\n|--|--|--|\n"
                "| U | `tests/test_app.py` | 90% of src/app.py; other code covered |\n")
    result = project.pytester.runpytest_subprocess("--designdoc")
    result.stdout.fnmatch_lines(["*DD013*a conftest.py's pytest_designdoc_parse_goal made goals on src/other.py "
                                 "after coverage had started for other files*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_goal_type_that_is_no_goal_type_is_a_usage_error(project: Project) -> None:
    project.standard()
    project.write("conftest.py", """
        from pytest_designdoc.model import Goal, GoalKind

        def pytest_designdoc_parse_goal(text, line):
            return Goal(text=text, line=line, kind=GoalKind.MANUAL, goal_type="manual")
    """)
    result = project.pytester.runpytest("--designdoc")
    result.stderr.fnmatch_lines(["*hook returned a Goal whose goal_type is str, not a pytest_designdoc.kinds.GoalType*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_bundled_example_passes(pytester: pytest.Pytester, validate_report: Callable[[Path], Any]) -> None:
    import shutil

    shutil.copytree(EXAMPLES, pytester.path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.json"))
    result = pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json")
    result.assert_outcomes(passed=12)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "docs/design/SHOP-4-gift-cards.md — SHOP-4: Gift cards (draft, not enforced: findings are warnings)",
        "designdoc: 5 docs, * 0 errors, 1 warning, 1 waived",
    ])
    data = validate_report(pytester.path / "report.json")
    assert sorted(d["key"] for d in data["docs"]) == ["FEATURE_KEY", "SHOP-1", "SHOP-2", "SHOP-3", "SHOP-4"]
    (waived,) = [f for d in data["docs"] for f in d["findings"] if f["severity"] == "waived"]
    assert (waived["code"], waived["waiver"]["owner"]) == ("DD003", "shop-team"), "the example shows one waiver"


def test_globs_that_find_no_design_doc_are_a_usage_error_not_a_green_run(project: Project) -> None:
    project.standard()
    typo = project.pytester.runpytest("--designdoc", "--designdoc-path", "doc/design/*.md")
    assert typo.ret == pytest.ExitCode.USAGE_ERROR
    typo.stderr.fnmatch_lines(["ERROR: --designdoc found no design doc: doc/design/*.md (--designdoc-path) matches "
                               "none under *. Check the globs, or write the first doc: designdoc new KEY 'Title'"])
    project.pytester.makepyprojecttoml('[tool.pytest.ini_options]\ndesigndoc_paths = ["specs/**/*.md"]\n')
    ini = project.pytester.runpytest("--designdoc", "--collect-only")
    assert ini.ret == pytest.ExitCode.USAGE_ERROR
    ini.stderr.fnmatch_lines(["ERROR: --designdoc found no design doc: specs/**/*.md (designdoc_paths in *pyproject.toml)*"])


def test_designdoc_options_without_the_flag_are_a_usage_error(project: Project) -> None:
    project.standard()
    result = project.pytester.runpytest("--designdoc-report", "json:r.json", "--designdoc-strict")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --designdoc-report, --designdoc-strict given without --designdoc: add "
                                 "--designdoc to check the design docs, or drop the option"])
    project.pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\naddopts = ["--designdoc-strict"]\ndesigndoc_report = ["json:r.json"]\n')
    assert project.pytester.runpytest().ret == pytest.ExitCode.OK, "the project's own configuration stays quiet"
    assert not (project.path / "r.json").exists()


@pytest.mark.parametrize(("body", "message"), [
    ("return 'oops'", "*a pytest_designdoc_parse_goal hook returned str, not a pytest_designdoc.model.Goal or None "
                      "(goal 'edge cases', doc line *; hooks: *conftest.py:3)"),
    ("raise KeyError('boom')", "*a pytest_designdoc_parse_goal hook raised KeyError: 'boom' (goal 'edge cases', *"),
], ids=["wrong type", "raises"])
def test_a_goal_parser_hook_that_misbehaves_is_a_usage_error_naming_it(project: Project, body: str,
                                                                        message: str) -> None:
    project.standard()
    project.write("conftest.py", f"""
        import pytest

        def pytest_designdoc_parse_goal(text, line):
            {body}
        """)
    result = project.pytester.runpytest("--designdoc")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_the_architecture_notes_plugin_table_names_every_plugin_a_run_registers(project: Project) -> None:
    import re

    table = (Path(__file__).parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `\w+` \(`(designdoc-[\w-]+)`\) \|", table, re.MULTILINE))
    project.write("src/app.py", "def login():\n    return True\n")
    project.write("tests/test_app.py", """
        import json


        def test_plugins(pytestconfig):
            names = [name for name, _ in pytestconfig.pluginmanager.list_name_plugin()
                     if name and name.startswith("designdoc-")]
            with open("plugins.json", "w") as out:
                json.dump(names, out)
        """)
    project.doc("app.md", """
        # APP-1 - The app

        ## Test Strategy

        | Test Type | Files | Coverage Goals |
        |-----------|-------|----------------|
        | Unit | `tests/test_app.py` | `src/app.py` 1% |
        """)
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-select", "APP-*")
    result.assert_outcomes(passed=1)
    registered = set(json.loads((project.path / "plugins.json").read_text(encoding="utf-8")))
    assert registered == documented
    assert len(documented) == 6


def test_help_lists_every_option_and_ini_value(project: Project) -> None:
    result = project.pytester.runpytest_subprocess("--help")
    assert result.ret == pytest.ExitCode.OK, result.stderr.str()
    result.stdout.fnmatch_lines(["*--designdoc-base=REF*pull requests: measure 'changed lines N%' goals over*",
                                 "*designdoc_base (string):*"])
    help_text = result.stdout.str()
    for name in ("--designdoc", "--no-designdoc", "--designdoc-report", "--designdoc-select", "--designdoc-affected",
                 "--designdoc-evidence", "--designdoc-strict", "designdoc_paths", "designdoc_baseline"):
        assert name in help_text, name
