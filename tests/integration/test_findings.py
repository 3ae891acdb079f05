"""Each finding code, end to end through a real pytest session."""

from __future__ import annotations

import os

import pytest

from .helpers import TESTS_OK, Project

FAILED_LINE = "designdoc: * — run failed on design doc checks (errors)"


def test_clean_project_passes(project: Project) -> None:
    project.standard()
    result = project.pytester.runpytest("--designdoc")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "*= designdoc =*",
        "designdoc: 1 doc, 1 goal: 0 met, 0 failed, 1 manual, 0 not run; 0 errors, 0 warnings",
    ])


def test_missing_test_file_dd001_fails_a_green_run(project: Project) -> None:
    project.standard()
    project.doc("more.md", """
        # APP-2 - More

        ## Test Strategy

        | Test Type | Files | Coverage Goals |
        |---|---|---|
        | Unit | `tests/test_missing.py`, `tests/unit/test_*.py` | edge cases |
        | Unit | `tests/empty_dir/` | edge cases |
    """)
    (project.path / "tests" / "empty_dir").mkdir()
    result = project.pytester.runpytest("--designdoc")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "docs/design/more.md — APP-2: More (accepted)",
        "  docs/design/more.md:7 DD001 error: listed test file 'tests/test_missing.py' does not exist",
        "      hint: write the tests the design promises*",
        "  docs/design/more.md:7 DD001 error: listed test file 'tests/unit/test_*.py' glob matches nothing",
        "  docs/design/more.md:8 DD001 error: test directory 'tests/empty_dir/' holds no test file",
        FAILED_LINE,
    ])


def test_missing_source_files_dd003_dd004(project: Project) -> None:
    project.standard()
    project.doc("src.md", """
        # APP-3 - Sources

        ## Files to Create

        | File Path | Purpose |
        |---|---|
        | `src/new.py` | x |

        ## Files to Modify

        | File Path | Changes Needed |
        |---|---|
        | `src/old.py` | y |
        | `src/*.py` | any |
    """)
    result = project.pytester.runpytest("--designdoc")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "  docs/design/src.md:7 DD003 error: Files to Create entry 'src/new.py' is missing",
        "  docs/design/src.md:13 DD004 error: Files to Modify entry 'src/old.py' is missing",
    ])
    assert "src/*.py" not in result.stdout.str()


def test_missing_files_in_a_table_inside_a_list_item_are_reported(project: Project) -> None:
    project.standard()
    project.doc("listed.md", """
        # APP-4 - Listed

        ## Files to Create

        - New modules:

          | File Path | Purpose |
          |---|---|
          | `src/app.py` | exists |
          | `src/listed.py` | missing |

        ## Files to Modify

        <table><tr><th>File Path</th></tr><tr><td>src/html.py</td></tr></table>
    """)
    result = project.pytester.runpytest("--designdoc")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "  docs/design/listed.md:10 DD003 error: Files to Create entry 'src/listed.py' is missing",
        "  docs/design/listed.md:14 DD020 warning: the table of section 'Files to Modify' is an HTML <table>: it was "
        "not read",
    ])


def test_test_file_without_tests_dd002_error(project: Project) -> None:
    project.standard()
    project.write("tests/test_nothing.py", "def helper():\n    pass\n")
    project.write("tests/helpers.py", "def test_looks_like_a_test():\n    pass\n")
    project.doc("empty.md", """
        # APP-4 - Empty

        ## Tests

        | Type | Files |
        |---|---|
        | Unit | `tests/test_nothing.py` `tests/helpers.py` |
    """)
    result = project.pytester.runpytest("--designdoc")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "  docs/design/empty.md:7 DD002 error: listed test file 'tests/helpers.py' yields no test",
        "  docs/design/empty.md:7 DD002 error: listed test file 'tests/test_nothing.py' yields no test",
    ])


def test_deselected_and_skipped_dd002_warnings(project: Project) -> None:
    project.standard()
    project.write("tests/test_skipped.py", "import pytest\n\n@pytest.mark.skip\ndef test_later():\n    pass\n")
    project.doc("skip.md", """
        # APP-5 - Skips

        ## Tests

        | Type | Files |
        |---|---|
        | Unit | `tests/test_skipped.py` |
    """)
    result = project.pytester.runpytest("--designdoc", "-k", "not test_one and not test_two")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "  docs/design/app.md:13 DD002 warning: all 2 tests of 'tests/test_app.py' were deselected",
        "  docs/design/skip.md:7 DD002 warning: all tests of 'tests/test_skipped.py' were skipped",
    ])
    strict = project.pytester.runpytest("--designdoc", "--designdoc-strict", "-k", "not test_one and not test_two")
    assert strict.ret == pytest.ExitCode.TESTS_FAILED
    strict.stdout.fnmatch_lines(["designdoc: * — run failed on design doc checks (warnings (--designdoc-strict))"])


def test_a_row_the_command_line_deselected_whole_gets_one_message(project: Project) -> None:
    project.standard()
    project.doc("app.md", (project.path / "docs/design/app.md").read_text().replace("edge cases", "90% of `src/app.py`"))
    result = project.pytester.runpytest_subprocess("--designdoc", "-k", "not test_one and not test_two")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(["  docs/design/app.md:13 DD014 warning: row not run in this session: all 2 tests "
                                 "of tests/test_app.py deselected (-k)",
                                 "designdoc: 1 doc, 1 goal: 0 met, 0 failed, 0 manual, 1 not run; 0 errors, 1 warning"])
    assert "DD002" not in result.stdout.str(), "the DD014 says what happened to the file"


def test_row_not_selected_dd014(project: Project) -> None:
    project.standard()
    project.write("other/test_other.py", TESTS_OK)
    project.doc("other.md", """
        # APP-6 - Other

        ## Test Strategy

        | Test Type | Files | Coverage Goals |
        |---|---|---|
        | Unit | `other/test_other.py` | 90% |
    """)
    result = project.pytester.runpytest("--designdoc", "tests")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "  docs/design/other.md:7 DD014 warning: row not run in this session: other/test_other.py not selected",
    ])
    assert "DD002" not in result.stdout.str()


def test_structure_front_matter_duplicates_dd020_dd021_dd023(project: Project) -> None:
    project.standard()
    project.doc("bad.md", """
        ---
        status: [oops
        ---
        # APP-1 - Same key as app.md

        ## Files to Create

        | Purpose | Dependencies |
        |---|---|
        | x | y |
    """)
    result = project.pytester.runpytest("--designdoc")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "*docs/design/app.md:1 DD023 error: duplicate key 'APP-1' (also in docs/design/bad.md)",
        "*docs/design/bad.md:3 DD021 error: invalid YAML front matter*",
        "*docs/design/bad.md:4 DD023 error: duplicate key 'APP-1' (also in docs/design/app.md)",
        "*docs/design/bad.md:8 DD020 error: 'Files to Create' table has no 'File Path' column (columns: Purpose, Dependencies)",
    ])


def test_template_is_listed_not_checked_and_leftovers_warn(project: Project) -> None:
    from pathlib import Path

    template = (Path(__file__).parents[2] / "pytest_designdoc" / "templates" / "web.md").read_text()
    project.standard()
    project.doc("feature-design-template.md", template)
    project.doc("copied.md", template.replace("[FEATURE_KEY] - Feature Design", "NEW-1 - Copied, unfilled"))
    result = project.pytester.runpytest("--designdoc", "--designdoc-report", "json:report.json")
    out = result.stdout.str()
    assert "feature-design-template.md" not in out
    result.stdout.fnmatch_lines([
        "  docs/design/copied.md:* DD022 warning: template leftover 'Component 1'*",
        "  docs/design/copied.md:* DD022 warning: template leftover 'path/to/'*",
    ])
    assert "DD022 error" not in out
    # The unfilled copy's missing files are still real errors.
    assert "DD003 error: Files to Create entry 'path/to/file.ts' is missing" in out
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_draft_docs_give_warnings_and_strict_fails(project: Project) -> None:
    project.standard()
    project.doc("draft.md", """
        ---
        status: draft
        ---
        # APP-7 - Not built yet

        ## Files to Create

        | File Path |
        |---|
        | `src/later.py` |
    """)
    project.doc("off.md", """
        ---
        enforce: false
        ---
        # APP-8 - Not enforced

        ## Test Plan

        | Type | Files |
        |---|---|
        | Unit | `tests/test_later.py` |
    """)
    result = project.pytester.runpytest("--designdoc")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "docs/design/draft.md — APP-7: Not built yet (draft, not enforced: findings are warnings)",
        "  docs/design/draft.md:10 DD003 warning: *",
        "  docs/design/off.md:10 DD001 warning: *",
        "designdoc: 3 docs, 1 goal: *; 0 errors, 2 warnings",
    ])
    assert project.pytester.runpytest("--designdoc", "--designdoc-strict").ret == pytest.ExitCode.TESTS_FAILED


def test_deprecated_docs_are_not_checked(project: Project) -> None:
    project.standard()
    project.doc("old.md", "---\nstatus: deprecated\n---\n# OLD-1 - Gone\n\n## Files to Modify\n\n| File |\n|--|\n| `gone.py` |\n")
    result = project.pytester.runpytest("--designdoc")
    assert result.ret == pytest.ExitCode.OK
    assert "gone.py" not in result.stdout.str()


def test_paths_outside_rootdir_are_refused_dd030(project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "test_secret.py").write_text("def test_x():\n    pass\n")
    (outside / "doc.md").write_text("# X-1 - Outside\n\n## Tests\n")
    project.standard()
    os.symlink(outside / "test_secret.py", project.path / "tests" / "test_link.py")
    os.symlink(outside / "doc.md", project.path / "docs" / "design" / "linked.md")
    os.symlink(outside / "test_secret.py", project.path / "src" / "link.py")
    project.doc("escape.md", f"""
        # ESC-1 - Escapes

        ## Files to Create

        | File Path |
        |---|
        | `src/link.py` |

        ## Test Strategy

        | Test Type | Files |
        |---|---|
        | Unit | `../outside/test_secret.py` |
        | Unit | `{outside}/test_secret.py` |
        | Unit | `tests/test_link.py` |
    """)
    result = project.pytester.runpytest("--designdoc", "tests/test_app.py")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "*docs/design/escape.md:7 DD030 error: path 'src/link.py' escapes rootdir: refused, not read",
        "*docs/design/escape.md:13 DD030 error: path '../outside/test_secret.py' escapes rootdir: refused, not read",
        f"*docs/design/escape.md:14 DD030 error: path '{outside}/test_secret.py' escapes rootdir*",
        "*docs/design/escape.md:15 DD030 error: path 'tests/test_link.py' escapes rootdir*",
        "docs/design/linked.md:1 DD030 error: symlink points outside rootdir: refused, not read",
    ], consecutive=False)
    assert "DD003" not in result.stdout.str() and "DD001" not in result.stdout.str(), "refused, not missing"


def test_marker_with_unknown_key_dd031(project: Project) -> None:
    project.standard()
    project.write("tests/test_marked.py", """
        import pytest

        @pytest.mark.designdoc("APP-1")
        def test_known():
            pass

        @pytest.mark.designdoc("NOPE-9")
        def test_unknown():
            pass
    """)
    result = project.pytester.runpytest("--designdoc", "--strict-markers")
    result.assert_outcomes(passed=4)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["tests/test_marked.py:7 DD031 error: marker designdoc('NOPE-9') names an unknown key"])
    assert "APP-1'" not in result.stdout.str().split("DD031")[0].rsplit("\n", 1)[-1]


def test_hostile_doc_files_become_findings(project: Project) -> None:
    project.standard()
    design = project.path / "docs" / "design"
    (design / "binary.md").write_bytes(b"# K\x00\x01\x02" * 100)
    (design / "latin1.md").write_bytes("# LAT-1 - Café\n\n## Tests\n\n| Type | Files |\n|-|-|\n| U | `t.py` |\n".encode("latin-1"))
    (design / "folder.md").mkdir()
    (design / "huge.md").write_bytes(b"# HUGE-1 - x\n" + b"| a |\n" * 800_000)
    os.mkfifo(design / "pipe.md")
    result = project.pytester.runpytest("--designdoc")
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines([
        "docs/design/latin1.md:1 DD020 error: not valid UTF-8 (line 1, byte 13): not checked",
        "docs/design/binary.md:1 DD020 warning: binary file (NUL bytes): not checked",
        "docs/design/folder.md:1 DD020 warning: matches a design doc pattern but is a directory",
        "docs/design/huge.md:1 DD020 warning: larger than 4 MiB: not parsed",
        "docs/design/pipe.md:1 DD020 warning: not a regular file: not read",
    ], consecutive=False)
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_siblings_of_a_file_run_alone_are_not_run_not_empty(project: Project) -> None:
    project.standard()
    project.write("suite/__init__.py", "")
    project.write("suite/test_mine.py", TESTS_OK)
    project.write("suite/test_sibling.py", TESTS_OK)
    project.doc("suite.md", """
        # S-1 - Suite

        ## Tests

        | Type | Files |
        |--|--|
        | Unit | `suite/test_mine.py` |
        | Unit | `suite/test_sibling.py` |
    """)
    result = project.pytester.runpytest("--designdoc", "suite/test_mine.py")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*docs/design/suite.md:8 DD014 warning: row not run in this session: suite/test_sibling.py not selected"])
    assert "DD002" not in result.stdout.str()


def test_a_module_skipped_at_collection_is_a_dd002_warning_not_an_empty_file(project: Project) -> None:
    project.standard()
    project.write("tests/test_optional.py", "import pytest\n\npytest.importorskip('no_such_module')\n\n"
                                            "def test_x():\n    pass\n")
    project.doc("optional.md", """
        # APP-9 - Optional

        ## Tests

        | Type | Files |
        |---|---|
        | Unit | `tests/test_optional.py` |
    """)
    result = project.pytester.runpytest("--designdoc")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "  docs/design/optional.md:7 DD002 warning: 'tests/test_optional.py' was skipped at collection",
    ])


def test_placeholders_in_a_path_column_mean_no_file(project: Project) -> None:
    project.standard()
    project.doc("later.md", """
        # APP-9 - Later

        ## Files to Create

        | File Path | Purpose |
        |---|---|
        | N/A | nothing yet |
        | TBD | decided later |
        | — | |
        | `src/app.py` | exists |

        ## Test Strategy

        | Test Type | Files | Coverage Goals |
        |---|---|---|
        | Unit | n/a | `login()` |
    """)
    result = project.pytester.runpytest("--designdoc")
    assert "DD003" not in result.stdout.str() and "DD001" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*later.md:16 DD014 warning: row not run in this session: it lists no test file, "
                                 "so nothing can meet its coverage goals"])
    assert result.ret == pytest.ExitCode.OK
