"""The designdoc command reads the configuration pytest reads: its rootdir and ini rule, asked of pytest itself."""

from __future__ import annotations

import fnmatch
import io
import os
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from pytest_designdoc.cli import USAGE_ERROR, main
from pytest_designdoc.pytestconfig import ConfigError, ProjectConfig, locate, pytest_version
from pytest_designdoc.settings import DEFAULT_PATHS
from pytest_designdoc.static import PYTEST_PYTHON_FILES

from .helpers import Project

INI_BODY = "designdoc_paths =\n    specs/*.md\n    more/**/*.md\npython_files = check_*.py\ndesigndoc_strict = true\n"
TOML_INI_OPTIONS = 'designdoc_paths = ["specs/*.md", "more/**/*.md"]\npython_files = "check_*.py"\ndesigndoc_strict = true\n'
TOML_NATIVE = 'designdoc_paths = ["specs/*.md", "more/**/*.md"]\npython_files = ["check_*.py"]\ndesigndoc_strict = true\n'

LAYOUTS = {
    "pytest.toml": {"pytest.toml": "[pytest]\n" + TOML_NATIVE},
    ".pytest.toml": {".pytest.toml": "[pytest]\n" + TOML_NATIVE, "setup.py": ""},
    "pyproject.toml": {"pyproject.toml": "[tool.pytest.ini_options]\n" + TOML_INI_OPTIONS},
    "pyproject.toml [tool.pytest]": {"pyproject.toml": "[tool.pytest]\n" + TOML_NATIVE},
    "pytest.ini": {"pytest.ini": "[pytest]\n" + INI_BODY},
    "pytest.ini without a section": {"pytest.ini": "", "tox.ini": "[pytest]\n" + INI_BODY},
    "tox.ini": {"tox.ini": "[pytest]\n" + INI_BODY},
    "setup.cfg": {"setup.cfg": "[tool:pytest]\n" + INI_BODY},
    "setup.cfg without a section, setup.py": {"setup.cfg": "[metadata]\nname = x\n", "setup.py": ""},
    "pytest.toml before pytest.ini": {"pytest.toml": "[pytest]\n" + TOML_NATIVE, "pytest.ini": "[pytest]\n"},
    "pytest.ini before pyproject.toml": {"pytest.ini": "[pytest]\n" + INI_BODY,
                                         "pyproject.toml": "[tool.pytest.ini_options]\n"},
    "pyproject.toml without a table, tox.ini": {"pyproject.toml": "[project]\nname = 'x'\n",
                                                "tox.ini": "[pytest]\n" + INI_BODY},
    "pyproject.toml without a table": {"pyproject.toml": "[project]\nname = 'x'\n"},
    "in the parent": {"pytest.ini": "[pytest]\n" + INI_BODY, "sub/deeper/.keep": ""},
    "a nearer one wins": {"pytest.ini": "[pytest]\n", "sub/tox.ini": "[pytest]\n" + INI_BODY},
    "nothing": {"sub/.keep": ""},
}

RUNS = {
    "here": ((), ""),
    "from sub/": ((), "sub"),
    "PATH sub/": (("sub",), ""),
    "-c other.ini": (("-c", "other.ini"), ""),
    "-c sub/other.toml": (("-c", "sub/other.toml"), ""),
    "--rootdir sub": (("--rootdir", "sub"), ""),
    "-c /dev/null": (("-c", os.devnull), "sub"),
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _ours(cwd: Path, args: tuple[str, ...]) -> ProjectConfig:
    inifile = rootdir = None
    paths = list(args)
    if "-c" in paths:
        inifile = paths.pop(paths.index("-c") + 1)
        paths.remove("-c")
    if "--rootdir" in paths:
        rootdir = paths.pop(paths.index("--rootdir") + 1)
        paths.remove("--rootdir")
    return locate(str(cwd), paths, inifile=inifile, rootdir=rootdir)


@pytest.mark.parametrize("run", list(RUNS))
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_rootdir_inifile_and_values_are_pytests(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                layout: str, run: str) -> None:
    root = pytester.path / "project"
    _write(root, LAYOUTS[layout])
    _write(root, {"sub/.keep": "", "other.ini": "[pytest]\ndesigndoc_paths = other/*.md\n",
                  "sub/other.toml": '[tool.pytest.ini_options]\ndesigndoc_paths = ["toml/*.md"]\n'})
    args, where = RUNS[run]
    monkeypatch.chdir(root / where)
    config = pytester.parseconfig(*args)
    ours = _ours(root / where, args)
    assert (ours.rootdir, ours.inifile) == (str(config.rootpath), str(config.inipath) if config.inipath else None)
    assert ours.linelist("designdoc_paths", DEFAULT_PATHS) == config.getini("designdoc_paths")
    assert ours.args("python_files", PYTEST_PYTHON_FILES) == config.getini("python_files")
    assert ours.boolean("designdoc_strict") is config.getini("designdoc_strict")


@pytest.mark.skipif(pytest_version() < (9, 0), reason="pytest.toml is pytest 9's")
def test_lint_finds_the_doc_pytest_finds_in_a_pytest_toml_project(project: Project,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    project.standard()
    (project.path / "pyproject.toml").unlink()
    project.write("pytest.toml", '[pytest]\ndesigndoc_paths = ["specs/*.md"]\npythonpath = ["src"]\n')
    project.write("specs/broken.md", "# B-1 - B\n\n## Tests\n\n| Type | Files |\n|--|--|\n| U | `tests/test_gone.py` |\n")
    ran = project.pytester.runpytest("--designdoc")
    ran.stdout.fnmatch_lines(["  specs/broken.md:7 DD001 error: *", "designdoc: 1 doc, *"])
    assert ran.ret == pytest.ExitCode.TESTS_FAILED
    monkeypatch.chdir(project.path / "tests")
    code, out = _lint()
    assert code == 1 and out.splitlines()[0].startswith("specs/broken.md:7 DD001 error:")
    assert out.endswith("designdoc lint: 1 doc; 1 error, 0 warnings\n")


BAD_VALUE = ('[tool.pytest]\ndesigndoc_paths = "docs/*.md"\n' if pytest_version() >= (9, 0)
             else '[tool.pytest.ini_options]\ndesigndoc_strict = "maybe"\n')
"""A value pytest refuses: a string for a list in native TOML; before pytest 9, a boolean that is not one."""


@pytest.mark.parametrize(("files", "args", "message"), [
    ({}, (), "found no design doc: docs/**/*.md (the default designdoc_paths) matches none under *"),
    ({}, ("notes/*.md",), "found no design doc: notes/*.md (the PATHs given) matches none under *"),
    ({"tox.ini": "[pytest]\ndesigndoc_paths = specs/*.md\n"}, (),
     "found no design doc: specs/*.md (designdoc_paths in *tox.ini) matches none under *"),
    ({}, ("--rootdir", "gone"), "Directory '*gone' not found. Check your '--rootdir' option."),
    ({}, ("-c", "gone.ini"), "Config file '*gone.ini' not found. Check your '-c/--config-file' option."),
    ({"bad.toml": BAD_VALUE}, ("-c", "bad.toml"), "*bad.toml: option 'designdoc_*' expects *, got str: *"),
], ids=["no doc", "a glob that matches nothing", "the ini's globs match nothing", "a missing --rootdir",
        "a missing -c", "a bad value"])
def test_lint_usage_errors_exit_4_as_pytests_do(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str], files: dict[str, str],
                                                args: tuple[str, ...], message: str) -> None:
    _write(pytester.path, {"pyproject.toml": "[project]\nname = 'x'\n", "docs/README.md": "# Not a design doc\n",
                           **files})
    monkeypatch.chdir(pytester.path)
    assert _lint(*args)[0] == USAGE_ERROR
    error = capsys.readouterr().err
    assert fnmatch.fnmatch(error, f"designdoc lint: {message}\n"), error


def test_lint_takes_c_and_rootdir_as_pytest_does(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.standard()
    project.write("ci/pytest-docs.ini", "[pytest]\ndesigndoc_paths = specs/*.md\n")
    project.write("specs/broken.md", "# B-1 - B\n\n## Tests\n\n| Type | Files |\n|--|--|\n| U | `tests/test_gone.py` |\n")
    monkeypatch.chdir(project.path)
    assert _lint() == (0, "designdoc lint: 1 doc; 0 errors, 0 warnings\n")
    code, out = _lint("-c", "ci/pytest-docs.ini", "--rootdir", ".")
    assert code == 1 and "specs/broken.md:7 DD001 error" in out, "-c reads that file; --rootdir keeps the root"
    monkeypatch.chdir(project.path.parent)
    assert _lint("--root", project.path.name) == (0, "designdoc lint: 1 doc; 0 errors, 0 warnings\n"), (
        "--root: as if started there")


@pytest.mark.parametrize(("files", "inifile", "message"), [
    ({"pytest.ini": "[pytest\nx = 1\n"}, None, "pytest.ini:1: "),
    ({"setup.cfg": "[pytest]\nx = 1\n"}, "setup.cfg", "[pytest] section in setup.cfg files is no longer supported"),
    ({"pyproject.toml": "[tool.pytest.ini_options\n"}, None, "pyproject.toml: "),
    ({"a/b.ini": ""}, "a", "a' is a directory. Check your '-c/--config-file' option."),
    ({"setup.py": ""}, "setup.py", "setup.py' has an unsupported format: "),
] + ([
    ({"pytest.toml": "designdoc_strict = true\n"}, None, "pytest.toml: pytest configuration must be under a [pytest] "
                                                       "table (found top-level options: designdoc_strict)"),
    ({"pyproject.toml": "[tool.pytest]\nx = 1\n[tool.pytest.ini_options]\ny = '2'\n"}, None,
     "pyproject.toml: Cannot use both [tool.pytest] (native TOML types) and [tool.pytest.ini_options]"),
] if pytest_version() >= (9, 0) else []))
def test_a_broken_configuration_is_a_usage_error_not_a_traceback(tmp_path: Path, files: dict[str, str],
                                                                  inifile: Optional[str], message: str) -> None:
    _write(tmp_path, files)
    with pytest.raises(ConfigError) as raised:
        locate(str(tmp_path), inifile=inifile)
    assert message in str(raised.value)


@pytest.mark.parametrize(("values", "native", "read", "message"), [
    ({"designdoc_strict": "maybe"}, False, lambda c: c.boolean("designdoc_strict"), "*expects a boolean*'maybe'"),
    ({"designdoc_strict": "true"}, True, lambda c: c.boolean("designdoc_strict"), "*expects a bool, got str*"),
    ({"designdoc_github": False}, True, lambda c: c.string("designdoc_github"), "*expects a string, got bool*"),
    ({"designdoc_paths": "a/*.md"}, True, lambda c: c.linelist("designdoc_paths"), "*expects a list of strings*"),
    ({"python_files": "'test_*.py"}, False, lambda c: c.args("python_files"), "*expects text pytest can split*"),
])
def test_values_pytest_would_refuse_are_usage_errors(values: dict[str, Any], native: bool,
                                                     read: Callable[[ProjectConfig], object], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        read(ProjectConfig("/p", "/p/pytest.toml", values, native))
    assert fnmatch.fnmatch(str(raised.value), "/p/pytest.toml: option '*' " + message.lstrip("*")), str(raised.value)


def _lint(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(["lint", *args], stdout=out), out.getvalue()


@pytest.mark.parametrize(("files", "said"), [
    ({}, 'designdoc_baseline = "w.yaml" to [tool.pytest.ini_options] in */pyproject.toml'),
    ({"pyproject.toml": "[project]\n"}, 'designdoc_baseline = "w.yaml" to [tool.pytest.ini_options] in */pyproject.toml'),
    ({"pyproject.toml": "[tool.pytest.ini_options]\n"}, 'designdoc_baseline = "w.yaml" to [tool.pytest.ini_options] *'),
    ({"pytest.ini": ""}, "designdoc_baseline = w.yaml to [pytest] in */pytest.ini"),
    ({"tox.ini": "[pytest]\n"}, "designdoc_baseline = w.yaml to [pytest] in */tox.ini"),
    ({"setup.cfg": "[tool:pytest]\n"}, "designdoc_baseline = w.yaml to [tool:pytest] in */setup.cfg"),
] + ([
    ({"pyproject.toml": "[tool.pytest]\nx = 1\n"}, 'designdoc_baseline = "w.yaml" to [tool.pytest] in */pyproject.toml'),
    ({"pytest.toml": ""}, 'designdoc_baseline = "w.yaml" to [pytest] in */pytest.toml'),
] if pytest_version() >= (9, 0) else []))
def test_setting_says_how_to_set_an_option_in_the_project_s_config(tmp_path: Path, files: dict[str, str],
                                                                   said: str) -> None:
    _write(tmp_path, files)
    assert fnmatch.fnmatch(locate(str(tmp_path)).setting("designdoc_baseline", "w.yaml"), said.replace("[", "[[]"))


@pytest.mark.parametrize("version", [(7, 4), (8, 1), (9, 0), (9, 2)])
def test_the_rule_follows_the_pytest_version_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       version: tuple[int, int]) -> None:
    """What changed between the pytest versions this plugin supports (the comparisons above run on one)."""
    import pytest_designdoc.pytestconfig as pytestconfig

    monkeypatch.setattr(pytestconfig, "pytest_version", lambda: version)
    _write(tmp_path, {"a/pytest.toml": "[pytest]\nx = 1\n", "a/sub/.keep": "",
                      "b/pyproject.toml": "[project]\n", "b/sub/.keep": "",
                      "c/ci.toml": "[pytest]\nx = 1\n", "d/pyproject.toml": "[tool.pytest]\nx = 1\n"})
    toml = locate(str(tmp_path / "a" / "sub"))
    assert (toml.inifile, toml.values) == ((str(tmp_path / "a" / "pytest.toml"), {"x": 1}) if version >= (9, 0)
                                           else (None, {}))
    assert locate(str(tmp_path / "b" / "sub")).rootdir == str(tmp_path / ("b" if version >= (8, 1) else "b/sub"))
    assert locate(str(tmp_path), inifile="c/ci.toml").values == ({"x": 1} if version >= (9, 2) else {})
    native = locate(str(tmp_path / "d"))
    assert (native.values, native.native, native.table) == (
        ({"x": 1}, True, "[tool.pytest]") if version >= (9, 0) else ({}, False, ""))
    nowhere = locate(str(tmp_path / "a" / "sub"), inifile=os.devnull)
    assert nowhere.rootdir == (str(tmp_path / "a" / "sub") if version >= (9, 2) else os.path.dirname(os.devnull))
