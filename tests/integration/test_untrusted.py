"""The plugin and the ``designdoc`` command on hostile files and configuration (SPEC §6 Robustness, §8).

Configured paths stay inside rootdir; only a path typed on a command line
may point elsewhere. Every file is read through one confined, bounded
reader, and every problem is one error naming the file and the field
(exit 4), never a traceback.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from pytest_designdoc.cli import USAGE_ERROR, main

from .helpers import Project

TIMEOUT = 120


def designdoc(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The ``designdoc`` command in a subprocess: a hang fails the test instead of stalling the suite."""
    return subprocess.run([sys.executable, "-m", "pytest_designdoc", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT, check=False)


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """The ``designdoc`` command in this process (``cli.main``), for what cannot hang."""

    def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        out = io.StringIO()
        code = main(list(args), stdout=out)
        return subprocess.CompletedProcess(list(args), code, out.getvalue(), capsys.readouterr().err)

    return run


def pyproject(project: Project, *lines: str) -> None:
    project.write("pyproject.toml", "\n".join(["[tool.pytest.ini_options]", 'pythonpath = ["src"]', *lines]) + "\n")


@pytest.fixture
def outside(project: Project) -> Path:
    """A directory beside the project: nothing may be written or read there unless a command line names it."""
    project.standard()
    path = project.path.parent / f"{project.path.name}-outside"
    path.mkdir()
    return path


# 1. Configured paths are confined to rootdir -------------------------------------------------------------


@pytest.mark.parametrize("target", ["../{outside}/r.json", "~/r.json"])
def test_a_configured_report_outside_rootdir_is_a_usage_error(project: Project, outside: Path, target: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(outside))
    pyproject(project, f'designdoc_report = ["json:{target.format(outside=outside.name)}"]')
    result = project.pytester.runpytest_subprocess("--designdoc")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*designdoc_report in *pyproject.toml: '*r.json' is not a path relative to rootdir*"])
    assert list(outside.iterdir()) == []


def test_a_configured_report_through_a_symlink_out_of_rootdir_is_a_usage_error(project: Project,
                                                                              outside: Path) -> None:
    (project.path / "reports").symlink_to(outside, target_is_directory=True)
    pyproject(project, 'designdoc_report = ["json:reports/r.json"]')
    result = project.pytester.runpytest_subprocess("--designdoc")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*designdoc_report in *: 'reports/r.json' leads out of rootdir through a symlink"])
    assert list(outside.iterdir()) == []


def test_a_report_path_typed_on_the_command_line_may_point_anywhere(project: Project, outside: Path) -> None:
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report",
                                                   f"json:../{outside.name}/r.json")
    assert result.ret == 0
    assert (outside / "r.json").is_file()


def test_merge_writes_configured_reports_only_inside_rootdir(project: Project, outside: Path, cli: Run) -> None:
    assert project.pytester.runpytest_subprocess("--designdoc", "--designdoc-evidence", "e.json").ret == 0
    pyproject(project, f'designdoc_report = ["json:../{outside.name}/r.json"]')
    refused = cli(project.path, "merge", "e.json")
    assert refused.returncode == USAGE_ERROR
    assert refused.stderr == (f"designdoc merge: designdoc_report in the pytest config of {project.path}: "
                              f"'../{outside.name}/r.json' is not a path relative to rootdir (no absolute paths, "
                              "'~' or '..')\n")
    assert list(outside.iterdir()) == []
    typed = cli(project.path, "merge", "e.json", "--report", f"json:{outside / 'r.json'}")
    assert typed.returncode == 0, typed.stderr
    assert (outside / "r.json").is_file(), "a path typed on the command line is the user's choice"


def test_baseline_writes_the_configured_waiver_file_only_inside_rootdir(project: Project, outside: Path, cli: Run) -> None:
    pyproject(project, f'designdoc_baseline = "../{outside.name}/w.yaml"')
    result = cli(project.path, "baseline", "--reason", "r", "--expires", "2099-01-01")
    assert result.returncode == USAGE_ERROR
    assert "designdoc_baseline in the pytest config of" in result.stderr
    assert f"'../{outside.name}/w.yaml' is not a path relative to rootdir" in result.stderr
    assert list(outside.iterdir()) == []
    typed = cli(project.path, "baseline", "--reason", "r", "--expires", "2099-01-01",
                      "-o", str(outside / "w.yaml"))
    assert typed.returncode == 0, typed.stderr
    assert (outside / "w.yaml").is_file()


# 2. Reads: confined and bounded ---------------------------------------------------------------------------


def test_baseline_neither_reads_nor_replaces_a_waiver_file_linked_out_of_rootdir(project: Project,
                                                                                 outside: Path, cli: Run) -> None:
    secret = outside / "secret.yaml"
    secret.write_text("waivers: []\n", encoding="utf-8")
    (project.path / "designdoc-waivers.yaml").symlink_to(secret)
    pyproject(project, 'designdoc_baseline = "designdoc-waivers.yaml"')
    result = cli(project.path, "baseline", "--reason", "r", "--expires", "2099-01-01")
    assert result.returncode == USAGE_ERROR
    assert result.stderr.endswith("'designdoc-waivers.yaml' leads out of rootdir through a symlink\n")
    assert (project.path / "designdoc-waivers.yaml").is_symlink()
    assert secret.read_text(encoding="utf-8") == "waivers: []\n"
    lint = cli(project.path, "lint")
    assert (lint.returncode, lint.stdout) == (USAGE_ERROR, "")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_a_waiver_file_that_is_a_device_is_refused_unread(project: Project, outside: Path) -> None:
    (outside / "zero").symlink_to("/dev/zero")
    result = designdoc(project.path, "baseline", "--reason", "r", "--expires", "2099-01-01",
                       "-o", str(outside / "zero"))
    assert result.returncode == USAGE_ERROR
    assert result.stderr == f"designdoc baseline: cannot read the waiver file {outside / 'zero'}: not a regular file\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_waiver_file_that_is_a_fifo_is_a_finding_not_a_hang(project: Project) -> None:
    project.standard()
    os.mkfifo(project.path / "designdoc-waivers.yaml")
    pyproject(project, 'designdoc_baseline = "designdoc-waivers.yaml"')
    lint = designdoc(project.path, "lint")
    assert lint.returncode == 1
    assert ("designdoc-waivers.yaml:1 DD024 error: cannot read the waiver file: not a regular file"
            in lint.stdout.splitlines())
    result = project.pytester.runpytest_subprocess("--designdoc", timeout=TIMEOUT)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["designdoc-waivers.yaml:1 DD024 error: cannot read the waiver file: not a regular file"])
    baseline = designdoc(project.path, "baseline", "--reason", "r", "--expires", "2099-01-01")
    assert baseline.returncode == USAGE_ERROR
    assert "not a regular file" in baseline.stderr


# 6. Smaller wrongs -----------------------------------------------------------------------------------------


def test_control_and_invisible_characters_of_a_doc_reach_neither_terminal_nor_log(project: Project, cli: Run) -> None:
    project.standard()
    project.doc("ctl.md", "# CTL-1 - Control\n\n## Files to Create\n\n| File Path |\n|---|\n"
                          "| `src/app\u200b.py` |\n| `src/x\x1b]0;t\x07.py` |\n")
    result = project.pytester.runpytest_subprocess("--designdoc", "-o", "designdoc_github=true")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    assert "\x1b" not in output and "\u200b" not in output
    result.stdout.fnmatch_lines([
        "*DD003 error: Files to Create entry 'src/app\\u200b.py' is missing",
        "*DD003 error: Files to Create entry 'src/x\\x1b]0;t\\x07.py' is missing",
        "::error file=docs/design/ctl.md,line=7,title=DD003::Files to Create entry 'src/app\\u200b.py' is missing*",
    ])
    lint = cli(project.path, "lint")
    assert "\x1b" not in lint.stdout and "'src/x\\x1b]0;t\\x07.py' is missing" in lint.stdout
