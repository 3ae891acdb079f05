"""The plugin and the ``designdoc`` command on hostile files and configuration (SPEC §6 Robustness, §8).

Configured paths stay inside rootdir; only a path typed on a command line
may point elsewhere. Every file is read through one confined, bounded
reader, and every problem is one error naming the file and the field
(exit 4), never a traceback.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any, Callable, Sequence

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
    assert refused.stderr == (f"designdoc merge: designdoc_report in {project.path / 'pyproject.toml'}: "
                              f"'../{outside.name}/r.json' is not a path relative to rootdir (no absolute paths, "
                              "'~' or '..')\n")
    assert list(outside.iterdir()) == []
    typed = cli(project.path, "merge", "e.json", "--report", f"json:{outside / 'r.json'}")
    assert typed.returncode == 0, typed.stderr
    assert (outside / "r.json").is_file(), "a path typed on the command line is the user's choice"


def test_baseline_writes_the_configured_waiver_file_only_inside_rootdir(project: Project, outside: Path,
                                                                        cli: Run) -> None:
    pyproject(project, f'designdoc_baseline = "../{outside.name}/w.yaml"')
    result = cli(project.path, "baseline", "--reason", "r", "--expires", "2099-01-01")
    assert result.returncode == USAGE_ERROR
    assert f"designdoc_baseline in {project.path / 'pyproject.toml'}:" in result.stderr
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
    (project.path / "designdoc-waivers.yaml").symlink_to("/dev/zero")
    pyproject(project, 'designdoc_baseline = "designdoc-waivers.yaml"')
    for command in (["baseline", "--reason", "r", "--expires", "2099-01-01"], ["lint"]):
        refused = designdoc(project.path, *command)
        assert refused.returncode == USAGE_ERROR and "MemoryError" not in refused.stderr
        assert refused.stderr.endswith("'designdoc-waivers.yaml' leads out of rootdir through a symlink\n")
    run = project.pytester.runpytest_subprocess("--designdoc", timeout=TIMEOUT)
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.stderr.fnmatch_lines(["*designdoc_baseline in *: 'designdoc-waivers.yaml' leads out of rootdir through a "
                              "symlink"])


@pytest.mark.parametrize("name", ["pyproject.toml", "pytest.ini", "tox.ini", "setup.cfg"])
def test_a_configuration_file_that_is_a_device_or_huge_is_never_read_whole(project: Project, name: str) -> None:
    """A device is no configuration file (pytest skips what is not a regular file); a huge one is refused."""
    project.standard()
    (project.path / "pyproject.toml").unlink()
    (project.path / name).symlink_to("/dev/zero")
    lint = designdoc(project.path, "lint")
    assert lint.returncode == 0 and lint.stdout.endswith("designdoc lint: 1 doc; 0 errors, 0 warnings\n")
    (project.path / name).unlink()
    with open(project.path / name, "wb") as handle:
        handle.truncate(5 * 1024 * 1024)
    for command in (["lint"], ["baseline", "--reason", "r", "--expires", "2099-01-01"]):
        refused = designdoc(project.path, *command)
        assert refused.returncode == USAGE_ERROR, refused.stderr
        assert refused.stderr.endswith(f"{name}: cannot read it (larger than 4 MiB)\n")


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
    result.stdout.fnmatch_lines(["designdoc-waivers.yaml:1 DD024 error: cannot read the waiver file: not a regular "
                                 "file"])
    baseline = designdoc(project.path, "baseline", "--reason", "r", "--expires", "2099-01-01")
    assert baseline.returncode == USAGE_ERROR
    assert "not a regular file" in baseline.stderr


# 3. RunRecord and saved reports are checked field by field ---------------------------------------------------


@pytest.fixture
def job(project: Project) -> dict[str, Any]:
    """A real job's evidence (coverage data with row contexts), as JSON data to spoil."""
    project.standard()
    project.write("tests/test_app.py", "from app import login\n\ndef test_one():\n    assert login()\n\n"
                                       "def test_two():\n    pass\n")
    project.doc("app.md", (project.path / "docs" / "design" / "app.md").read_text(encoding="utf-8").replace(
        "| edge cases |", "| `login()` |"))
    assert project.pytester.runpytest_subprocess("--designdoc", "--designdoc-evidence", "good.json").ret == 0
    data: dict[str, Any] = json.loads((project.path / "good.json").read_text(encoding="utf-8"))
    assert data["coverage"]["data"], "the job measured coverage"
    return data


def _coverage_data(script: bytes) -> str:
    return base64.b64encode(b"z" + zlib.compress(script)).decode("ascii")


HOSTILE_EVIDENCE = {
    "not zlib": (lambda d: d["coverage"].update(data=base64.b64encode(b"znot zlib").decode()),
                 "coverage.data is not zlib data"),
    "zlib of not SQLite": (lambda d: d["coverage"].update(data=_coverage_data(b"not SQL at all")),
                           "coverage.data is not coverage.py's SQLite data (near \"not\": syntax error)"),
    "not base64": (lambda d: d["coverage"].update(data="!!"), "coverage.data is not base64"),
    "not dumps()": (lambda d: d["coverage"].update(data=base64.b64encode(b"xyz").decode()),
                    "coverage.data is not coverage.py's serialised data (CoverageData.dumps())"),
    "ATTACH": (lambda d: d["coverage"].update(data=_coverage_data(b"ATTACH DATABASE 'attached.db' AS a; "
                                                                  b"CREATE TABLE a.t (x);")),
               "coverage.data is not coverage.py's SQLite data (not authorized)"),
    "VACUUM INTO": (lambda d: d["coverage"].update(data=_coverage_data(b"VACUUM INTO 'vacuumed.db';")),
                    "coverage.data is not coverage.py's SQLite data (authorization denied)"),
    "outcome list": (lambda d: d["run"].update(outcomes=[1]), "run.outcomes is not an object"),
    "weird outcome": (lambda d: d["run"]["outcomes"].update({"tests/test_app.py::test_one": "weird"}),
                      "run.outcomes['tests/test_app.py::test_one'] is not one of passed, skipped, failed ('weird')"),
    "coverage text": (lambda d: d.update(coverage="x"), "coverage is not an object"),
    "unmeasurable list": (lambda d: d["coverage"].update(unmeasurable=[1]), "coverage.unmeasurable is not an object"),
    "unmeasurable pair": (lambda d: d["coverage"].update(unmeasurable={"src/app.py": ["only a message"]}),
                          "coverage.unmeasurable['src/app.py'] is not a list of 2"),
    "marker line": (lambda d: d["run"].update(marker_keys={"APP-1": ["tests/test_app.py", "7"]}),
                    "run.marker_keys['APP-1'][1] is not int (str)"),
    "relative rootdir": (lambda d: d.update(rootdir="ci/job"), "rootdir 'ci/job' is not an absolute path"),
    "source": (lambda d: d["coverage"].update(source="\x1b[2Jevil"),
               "coverage.source is not one of alone, pytest-cov, coverage run ('\\x1b[2Jevil')"),
    "lone surrogate": (lambda d: d["docs"].update({"docs/design/app.md": "\ud800"}),
                       "docs['docs/design/app.md'] holds a lone surrogate"),
}


@pytest.mark.parametrize("spoil", HOSTILE_EVIDENCE.values(), ids=HOSTILE_EVIDENCE)
def test_merge_refuses_hostile_evidence_naming_the_file_and_the_field(project: Project, job: dict[str, Any], cli: Run,
                                                                      spoil: Any) -> None:
    change, message = spoil
    change(job)
    (project.path / "bad.json").write_text(json.dumps(job), encoding="utf-8")
    result = cli(project.path, "merge", "bad.json")
    assert (result.returncode, result.stdout) == (USAGE_ERROR, "")
    assert result.stderr.startswith(f"designdoc merge: {'cannot read bad.json: ' if 'surrogate' in message else ''}")
    assert message in result.stderr and "bad.json" in result.stderr and "\x1b" not in result.stderr
    assert result.stderr.count("\n") == 1, "one line"
    assert not (project.path / "attached.db").exists() and not (project.path / "vacuumed.db").exists()


def test_a_zlib_bomb_is_refused_at_its_bound(project: Project, job: dict[str, Any], cli: Run,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_designdoc import shards

    monkeypatch.setattr(shards, "MAX_COVERAGE_SCRIPT_BYTES", 1024 * 1024)
    stream = zlib.compressobj(9)
    bomb = b"z" + b"".join(stream.compress(b"\0" * (1024 * 1024)) for _ in range(64)) + stream.flush()
    assert len(bomb) < 100_000
    job["coverage"]["data"] = base64.b64encode(bomb).decode("ascii")
    (project.path / "bomb.json").write_text(json.dumps(job), encoding="utf-8")
    result = cli(project.path, "merge", "bomb.json")
    assert result.returncode == USAGE_ERROR
    assert result.stderr == ("designdoc merge: bomb.json is not a valid pytest-designdoc/evidence/v1 file: "
                             "coverage.data decompresses to more than 1 MiB\n")


def test_the_good_evidence_still_merges(project: Project, job: dict[str, Any], cli: Run) -> None:
    result = cli(project.path, "merge", "good.json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-3:] == [
        "designdoc: 1 doc, 1 goal: 1 met, 0 failed, 0 manual, 0 not run; 0 errors, 0 warnings",
        "designdoc merge: warning: no job recorded a git commit (no git where they ran): stale jobs are found by "
        "their collection only",
        "designdoc merge: complete: 1 job; each of the 2 tests collected ran in exactly one"]


@pytest.fixture
def saved(project: Project) -> dict[str, Any]:
    """A real run's saved report, as JSON data to spoil."""
    project.standard()
    project.doc("later.md", "# LATER-1 - Later\n\n## Files to Create\n\n| File Path |\n|---|\n| `src/later.py` |\n")
    assert project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json").ret == 1
    data: dict[str, Any] = json.loads((project.path / "report.json").read_text(encoding="utf-8"))
    return data


def test_baseline_refuses_a_report_whose_finding_subject_is_not_a_subject(project: Project, saved: dict[str, Any],
                                                                          cli: Run) -> None:
    (doc,) = [doc for doc in saved["docs"] if doc["findings"]]
    doc["findings"][0]["subject"] = {"evil": 1}
    (project.path / "report.json").write_text(json.dumps(saved), encoding="utf-8")
    result = cli(project.path, "baseline", "report.json", "--reason", "r", "--expires", "2099-01-01")
    assert result.returncode == USAGE_ERROR
    assert result.stderr.endswith(".findings[0].subject has unknown keys ('evil')\n")
    assert not (project.path / "designdoc-waivers.yaml").exists()


@pytest.mark.parametrize("fmt", ["md", "html", "json", "junit", "sarif"])
def test_report_refuses_a_lone_surrogate_naming_the_field(project: Project, saved: dict[str, Any], cli: Run,
                                                          fmt: str) -> None:
    saved["docs"][0]["title"] = "\ud800"
    (project.path / "report.json").write_text(json.dumps(saved), encoding="utf-8")
    result = cli(project.path, "report", "report.json", "-f", fmt, "-o", f"out.{fmt}")
    assert result.returncode == USAGE_ERROR
    assert result.stderr == ("designdoc report: cannot read report.json: docs[0].title holds a lone surrogate "
                             "(\\ud800-\\udfff), which is not text\n")
    assert not (project.path / f"out.{fmt}").exists()


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


def test_a_file_name_that_is_not_utf8_reaches_reports_as_a_replacement_character(project: Project,
                                                                                  validate_report: Any) -> None:
    project.standard()
    try:
        (project.path / "src" / os.fsdecode(b"\xff.py")).write_text("", encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("this file system takes UTF-8 names only")
    project.doc("glob.md", "# GLOB-1 - Glob\n\n## Files to Create\n\n| File Path |\n|---|\n| `src/*.py` |\n")
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:r.json",
                                                   "--designdoc-report", "md:r.md", "-v")
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    (entry,) = [doc for doc in validate_report(project.path / "r.json")["docs"] if doc["key"] == "GLOB-1"][0]["files"]
    assert entry["matches"] == ["src/app.py", "src/\ufffd.py"]
    assert (project.path / "r.md").read_text(encoding="utf-8").startswith("## ✅ pytest-designdoc")


# No command opens a path outside rootdir that its command line did not name ----------------------------------

AUDIT_DRIVER = r"""
import json, os, sys

seen = []


def hook(event, args):
    if event in ("open", "os.listdir", "os.scandir", "sqlite3.connect") and args:
        path = args[0]
        if isinstance(path, (str, bytes, os.PathLike)):
            seen.append((event, os.path.abspath(os.fsdecode(path))))


sys.addaudithook(hook)
from pytest_designdoc.cli import main

codes = []
for cwd, argv in json.loads(sys.argv[1]):
    os.chdir(cwd)
    codes.append(main(argv))
result = json.dumps({"codes": codes, "seen": seen})
with open(sys.argv[2], "w", encoding="utf-8") as handle:
    handle.write(result)
"""


def _audited(root: Path, commands: list[list[str]]) -> tuple[list[int], list[tuple[str, str]]]:
    """Each command's exit status, and every path the commands opened, listed or connected to (audit hooks)."""
    driver = root / "audit_driver.py"
    driver.write_text(AUDIT_DRIVER, encoding="utf-8")
    ran = subprocess.run([sys.executable, str(driver), json.dumps([[str(root), argv] for argv in commands]),
                          str(root / "audit.json")], capture_output=True, text=True, timeout=TIMEOUT, check=False,
                         cwd=root)
    assert ran.returncode == 0, ran.stderr
    result = json.loads((root / "audit.json").read_text(encoding="utf-8"))
    return result["codes"], [(event, path) for event, path in result["seen"]]


def _python_installation() -> tuple[str, ...]:
    """Where imports come from: the interpreter's prefixes and this package."""
    import pytest_designdoc

    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(pytest_designdoc.__file__)}
    return tuple(os.path.realpath(place) for place in places)


def _inside(path: str, directories: Sequence[str]) -> bool:
    real = os.path.realpath(path)
    return any(real == directory or real.startswith(directory + os.sep) for directory in directories)


def test_no_command_opens_a_path_outside_rootdir_that_its_command_line_did_not_name(project: Project,
                                                                                    outside: Path) -> None:
    root = project.path
    secret = outside / "secret"
    secret.mkdir()
    for name in ("w.yaml", "doc.md", "mod.py", "test_x.py"):
        (secret / name).write_text("waivers: []\n" if name == "w.yaml" else "# S-1 - Secret\n\n## Tests\n",
                                   encoding="utf-8")
    (root / "designdoc-waivers.yaml").symlink_to(secret / "w.yaml")
    (root / "docs" / "design" / "linked.md").symlink_to(secret / "doc.md")
    (root / "src" / "linked.py").symlink_to(secret / "mod.py")
    (root / "tests" / "test_linked.py").symlink_to(secret / "test_x.py")
    project.write("tests/test_app.py", "from app import login\n\ndef test_one():\n    assert login()\n")
    project.doc("app.md", "# APP-1 - The app\n\n## Files to Create\n\n| File Path |\n|---|\n| `src/app.py` |\n"
                          "| `src/linked.py` |\n| `../secret/mod.py` |\n\n## Test Strategy\n\n"
                          "| Test Type | Files | Coverage Goals |\n|---|---|---|\n"
                          "| Unit | `tests/test_app.py`, `tests/test_linked.py` | `login()`; 50% of `src/app.py` |\n")
    assert project.pytester.runpytest_subprocess("--designdoc", "--designdoc-evidence", f"{outside}/e.json",
                                                 "tests/test_app.py").ret == 1, "DD030s fail the job"
    evidence = json.loads((outside / "e.json").read_text(encoding="utf-8"))
    evidence["docs"]["../secret/doc.md"] = "0"
    (outside / "e.json").write_text(json.dumps(evidence), encoding="utf-8")
    assert project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", f"json:{outside}/r.json",
                                                 "tests/test_app.py").ret == 1
    report = json.loads((outside / "r.json").read_text(encoding="utf-8"))
    report["docs"][0]["path"] = "../secret/doc.md"  # a saved report names a doc outside: never read
    (outside / "r.json").write_text(json.dumps(report), encoding="utf-8")
    typed = [f"{outside}/e.json", f"{outside}/r.json", f"{outside}/out.html", f"{outside}/merged.html",
             f"{outside}/w.yaml", f"{outside}/template.md"]
    (outside / "template.md").write_text("# [FEATURE_KEY] - x\n", encoding="utf-8")
    pyproject(project, 'designdoc_baseline = "designdoc-waivers.yaml"')  # linked out: refused, not read
    codes, seen = _audited(root, [
        ["lint"], ["baseline", "--reason", "r", "--expires", "2099-01-01"], ["merge", f"{outside}/e.json"]])
    assert codes == [4, 4, 4]
    project.write("real-waivers.yaml", "waivers: []\n")
    pyproject(project, 'designdoc_baseline = "real-waivers.yaml"', 'designdoc_report = ["json:r/merged.json"]')
    codes, more = _audited(root, [
        ["lint"],
        ["lint", "--root", str(root)],
        ["report", f"{outside}/r.json", "-f", "html", "-o", f"{outside}/out.html"],
        ["report", f"{outside}/r.json", "-f", "md"],
        ["baseline", f"{outside}/r.json", "--reason", "r", "--expires", "2099-01-01", "-o", f"{outside}/w.yaml"],
        ["baseline", "--reason", "r", "--expires", "2099-01-01"],
        ["merge", f"{outside}/e.json"],
        ["merge", f"{outside}/e.json", "--report", f"html:{outside}/merged.html"],
        ["new", "NEW-1", "New", "--template", f"{outside}/template.md"],
    ])
    assert codes == [1, 1, 0, 0, 0, 0, 1, 1, 0]
    assert (root / "r" / "merged.json").is_file() and (outside / "merged.html").is_file()
    seen += more
    allowed = (os.path.realpath(root), *_python_installation())
    outside_paths = {(event, path) for event, path in seen if not _inside(path, allowed)}
    named = {os.path.realpath(path) for path in typed}

    def named_on_a_command_line(path: str) -> bool:
        real = os.path.realpath(path)
        return real in named or any(os.path.dirname(real) == os.path.dirname(name)
                                    and os.path.basename(real).startswith(f".{os.path.basename(name)}.")
                                    for name in named)  # write_atomic's temp file beside it

    assert {os.path.realpath(path) for _, path in outside_paths} >= {os.path.realpath(outside / "e.json")}, \
        "the audit hook sees what the commands open"
    assert sorted(p for p in outside_paths if not named_on_a_command_line(p[1])) == []
    assert not any(_inside(path, [os.path.realpath(secret)]) for _, path in seen), "nothing behind a link out"
