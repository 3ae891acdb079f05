"""The ``designdoc`` command: lint, report, new."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from pytest_designdoc.cli import USAGE_ERROR, main

from .helpers import Project

SAMPLE = Path(__file__).parent.parent / "unit" / "data" / "report-sample.json"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), stdout=out)
    return code, out.getvalue()


def test_lint_runs_the_static_checks_from_the_pytest_config(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.standard()
    project.write("pyproject.toml", '[tool.pytest.ini_options]\ndesigndoc_paths = ["specs/*.md"]\n')
    project.write("specs/broken.md", """
        # APP-2 - Broken

        ## Test Strategy

        | Test Type | Files | Coverage Goals |
        |---|---|---|
        | Unit | `tests/test_missing.py` | `src/app.py::logout` |
    """)
    (project.path / "src" / "nested").mkdir()
    monkeypatch.chdir(project.path / "src" / "nested")
    code, out = run("lint")
    assert code == 1
    assert out.splitlines() == [
        "specs/broken.md:7 DD001 error: listed test file 'tests/test_missing.py' does not exist",
        "    hint: write the tests the design promises, or update the Test Strategy row",
        "specs/broken.md:7 DD011 error: symbol 'logout' not found in src/app.py",
        "    hint: the design names code that does not exist: was it renamed or moved? "
        "Update the doc or write the code",
        "designdoc lint: 1 doc; 2 errors, 0 warnings",
    ]
    monkeypatch.chdir(project.path)
    assert run("lint", "docs/design/app.md") == (0, "designdoc lint: 1 doc; 0 errors, 0 warnings\n")
    assert run("lint", "specs")[0] == 1, "a directory is linted for the docs in it"


def test_lint_of_a_path_that_does_not_exist_fails(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project.standard()
    monkeypatch.chdir(project.path)
    assert run("lint", "docs/desing/app.md")[0] == USAGE_ERROR, "a typo must not pass green"
    assert capsys.readouterr().err == "designdoc lint: docs/desing/app.md does not exist\n"


def test_lint_strict_fails_on_warnings(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.standard()
    project.doc("draft.md", "---\nstatus: draft\n---\n# D-1 - D\n\n## Files to Create\n\n| File |\n|--|\n| `later.py` |\n")
    monkeypatch.chdir(project.path)
    assert run("lint")[0] == 0
    code, out = run("lint", "--strict")
    assert code == 1 and out.endswith("designdoc lint: 2 docs; 0 errors, 1 warning\n")


@pytest.mark.parametrize("fmt", ["html", "md", "junit", "sarif", "json"])
def test_report_renders_a_saved_report(tmp_path: Path, fmt: str) -> None:
    from pytest_designdoc.report import render

    target = tmp_path / "out" / f"report.{fmt}"
    code, out = run("report", str(SAMPLE), "--format", fmt, "-o", str(target))
    assert (code, out) == (0, f"designdoc report: wrote {target}\n")
    assert target.read_text(encoding="utf-8") == render(fmt, json.loads(SAMPLE.read_text(encoding="utf-8")))


def test_report_refuses_what_is_not_a_v1_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"schema": "something-else"}')
    assert run("report", str(other), "-f", "md")[0] == USAGE_ERROR
    assert "is not a pytest-designdoc/report/v1 report" in capsys.readouterr().err
    assert run("report", str(tmp_path / "missing.json"), "-f", "md")[0] == USAGE_ERROR


def _sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(__file__).parents[1] / "unit" / "data" / "report-sample.json").read_text(
        encoding="utf-8"))
    return data


def _hostile(data: dict[str, Any], change: str) -> str:
    if change == "null title":
        data["docs"][0]["title"] = None
    elif change == "numeric rootdir":
        data["rootdir"] = 5
    elif change == "deep nesting":
        return '{"schema": "pytest-designdoc/report/v1", "docs": ' + "[" * 100_000 + "]" * 100_000 + "}"
    elif change == "short line range":
        data["docs"][0]["rows"][1]["goals"][1]["line_range"] = [3]
    elif change == "goals not a list":
        data["docs"][0]["rows"][0]["goals"] = {"0": "x"}
    return json.dumps(data)


@pytest.mark.parametrize("change", ["null title", "numeric rootdir", "deep nesting", "short line range",
                                    "goals not a list"])
@pytest.mark.parametrize("fmt", ["md", "html", "junit", "sarif"])
def test_report_treats_a_saved_report_as_untrusted(tmp_path: Path, change: str, fmt: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "saved.json"
    saved.write_text(_hostile(_sample(), change), encoding="utf-8")
    code, _ = run("report", str(saved), "-f", fmt)
    assert code == USAGE_ERROR
    assert "is not a valid pytest-designdoc/report/v1 report" in capsys.readouterr().err or change == "deep nesting"


def test_report_never_reads_outside_the_project_a_report_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = _sample()
    data["rootdir"] = "/"
    data["docs"][0]["path"] = "etc/passwd"
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    opened: list[str] = []
    real_open = open

    def watching(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watching)
    assert run("report", str(saved), "-f", "md")[0] == 0
    assert not any("passwd" in path for path in opened)
    assert "changed after" not in capsys.readouterr().err


def test_report_reads_a_bounded_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    assert run("report", "/dev/zero", "-f", "md")[0] == USAGE_ERROR
    assert "cannot read /dev/zero: not a regular file" in capsys.readouterr().err


def test_new_writes_a_draft_from_the_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = run("new", "AUTH-42", "Login  throttling!")
    path = tmp_path / "docs" / "design" / "AUTH-42-login-throttling.md"
    assert (code, out.split(" (")[0]) == (0, "designdoc new: wrote docs/design/AUTH-42-login-throttling.md")
    assert path.read_text().startswith("---\nstatus: draft\nowners: []\n---\n# AUTH-42 - Login throttling!\n\n## Overview")
    assert "```python" in path.read_text() and "typescript" not in path.read_text(), "a Python project's template"
    assert run("new", "AUTH-42", "Login throttling")[0] == 1
    assert run("new", "AUTH-42", "Login throttling", "--force")[0] == 0
    assert run("new", "../evil", "x")[0] == USAGE_ERROR
    assert "is not a key" in capsys.readouterr().err
    assert run("lint") == (0, "designdoc lint: 1 doc; 0 errors, 0 warnings\n"), "no finding as generated"


def test_a_new_doc_has_no_finding_in_a_pytest_run_and_the_web_template_is_a_name_away(project: Project) -> None:
    project.standard()
    made = project.pytester.run(sys.executable, "-m", "pytest_designdoc", "new", "LOGIN-1", "Login throttling")
    assert made.ret == 0
    result = project.pytester.runpytest("--designdoc", "-v")
    result.stdout.fnmatch_lines(["*docs/design/LOGIN-1-login-throttling.md — LOGIN-1: Login throttling (draft, *",
                                 "designdoc: 2 docs, 3 goals: 0 met, 0 failed, 3 manual, 0 not run; 0 errors, 0 warnings"])
    assert result.ret == pytest.ExitCode.OK
    web = project.pytester.run(sys.executable, "-m", "pytest_designdoc", "new", "WEB-1", "Checkout page",
                               "--template", "web")
    assert web.ret == 0
    text = (project.path / "docs/design/WEB-1-checkout-page.md").read_text(encoding="utf-8")
    assert "```typescript" in text and "### API Routes" in text, "the web template as the seed has it"


def _headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("## ") or line.startswith("### ")]


def test_the_python_template_has_the_seed_template_s_sections_where_they_apply() -> None:
    from importlib import resources

    templates = resources.files("pytest_designdoc").joinpath("templates")
    python = _headings(templates.joinpath("python.md").read_text("utf-8"))
    web = _headings(templates.joinpath("web.md").read_text("utf-8"))
    python_instead = {"### Database Schema Changes": "### Data Model Changes", "### API Routes": "### Public API",
                      "### State Management": "### State and Configuration", "### User Flow": "### Usage"}
    assert python == [python_instead.get(heading, heading) for heading in web]


def test_the_console_script_and_python_m(project: Project) -> None:
    project.standard()
    by_module = project.pytester.run(sys.executable, "-m", "pytest_designdoc", "lint")
    by_module.stdout.fnmatch_lines(["designdoc lint: 1 doc; 0 errors, 0 warnings"])
    assert by_module.ret == 0
    script = Path(sys.executable).parent / "designdoc"
    assert script.exists(), "pip installs the console script beside the interpreter"
    assert project.pytester.run(str(script), "--version").stdout.str().startswith("designdoc ")


def test_the_pre_commit_hook_runs_as_written(project: Project) -> None:
    import shlex

    import yaml

    (hook,) = yaml.safe_load((Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    program, *args = shlex.split(hook["entry"])
    assert (hook["language"], hook["pass_filenames"]) == ("python", False), "pre-commit runs it once, in the repo"
    project.standard()
    clean = project.pytester.run(str(Path(sys.executable).parent / program), *args)
    clean.stdout.fnmatch_lines(["designdoc lint: 1 doc; 0 errors, 0 warnings"])
    assert clean.ret == 0
    project.doc("broken.md", "# B-1 - B\n\n## Tests\n\n| Type | Files |\n|--|--|\n| U | `tests/test_gone.py` |\n")
    assert project.pytester.run(str(Path(sys.executable).parent / program), *args).ret == 1


def test_report_says_which_docs_changed_since(
    project: Project, validate_report: Callable[[Any], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    project.standard()
    project.pytester.runpytest("--designdoc", "--designdoc-report", "json:report.json")
    saved = str(project.path / "report.json")
    assert validate_report(project.path / "report.json")["docs"][0]["sha256"]
    assert run("report", saved, "-f", "md")[0] == 0
    assert "changed after" not in capsys.readouterr().err
    with open(project.path / "docs" / "design" / "app.md", "a") as doc:
        doc.write("\nOne more line.\n")
    assert run("report", saved, "-f", "md")[0] == 0
    assert capsys.readouterr().err == (
        "designdoc report: docs/design/app.md changed after this report was made (its sha256 differs)\n")


@pytest.mark.parametrize("ini_file", ["pyproject", "tox"])
def test_lint_annotates_in_github_actions_unless_the_ini_says_not_to(
    project: Project, monkeypatch: pytest.MonkeyPatch, ini_file: str
) -> None:
    project.standard()
    project.doc("broken.md", "# B-1 - B\n\n## Tests\n\n| Type | Files |\n|--|--|\n| U | `tests/test_gone.py` |\n")
    monkeypatch.chdir(project.path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out = run("lint")
    assert code == 1
    assert out.splitlines()[-2].startswith("::error file=docs/design/broken.md,line=7,title=DD001::")
    if ini_file == "pyproject":
        project.write("pyproject.toml", '[tool.pytest.ini_options]\ndesigndoc_paths = ["docs/**/*.md"]\n'
                                        'designdoc_github = "false"\ndesigndoc_strict = true\n')
    else:
        (project.path / "pyproject.toml").unlink()
        project.write("tox.ini", "[pytest]\ndesigndoc_paths =\n    docs/**/*.md\ndesigndoc_github = false\n"
                                 "designdoc_strict = true\n")
    code, out = run("lint")
    assert code == 1 and "::error" not in out


def test_new_never_writes_through_a_symlink_nor_reuses_a_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    (project / "docs" / "design").mkdir(parents=True)
    monkeypatch.chdir(project)
    outside = tmp_path / "outside.md"
    outside.write_text("keep me\n", encoding="utf-8")
    (project / "docs" / "design" / "AUTH-1-login.md").symlink_to(outside)
    (project / "docs" / "design" / "AUTH-2-gone.md").symlink_to(tmp_path / "dangling.md")
    assert run("new", "AUTH-1", "Login", "--force")[0] == 1
    assert run("new", "AUTH-2", "Gone")[0] == 1
    assert outside.read_text(encoding="utf-8") == "keep me\n" and not (tmp_path / "dangling.md").exists()
    assert "is a symlink: not written through" in capsys.readouterr().err
    (project / "docs" / "design" / "old.md").write_text("# PAY-7 - Payments\n\n## Files to Create\n\n| File |\n|--|\n"
                                                        "| `a.py` |\n", encoding="utf-8")
    assert run("new", "PAY-7", "Another payments doc")[0] == 1
    assert "the key PAY-7 is taken by" in capsys.readouterr().err
    assert run("new", "K" * 300, "Long")[0] == USAGE_ERROR
    (project / "afile").write_text("", encoding="utf-8")
    assert run("new", "NEW-1", "New", "--dir", "afile")[0] == USAGE_ERROR
    assert "--dir afile is not a directory" in capsys.readouterr().err
    template = project / "team.md"
    template.write_text("# [FEATURE_KEY] - Feature\n\n## Overview\n\nOurs.", encoding="utf-8")
    assert run("new", "NEW-1", "New", "--template", str(template))[0] == 0
    assert (project / "docs" / "design" / "NEW-1-new.md").read_text(encoding="utf-8").endswith("## Overview\n\nOurs.\n")
    assert run("new", "NEW-2", "New", "--template", "webb")[0] == 4
    assert "cannot read the template webb (packaged: python, web)" in capsys.readouterr().err
    assert (project / "docs" / "design" / "NEW-1-new.md").read_text(encoding="utf-8").endswith("\n\nOurs.\n")
