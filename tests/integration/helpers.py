"""A small pytester project: sources, tests and design docs."""


import json
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

TESTS_OK = """
def test_one():
    assert True

def test_two():
    assert True
"""


class Project:
    """A small project in pytester's directory: sources, tests and design docs."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.path = pytester.path
        pytester.makepyprojecttoml(
            """
            [tool.pytest.ini_options]
            designdoc_paths = ["docs/**/*.md"]
            pythonpath = ["src"]
            """
        )

    def write(self, relpath: str, text: str) -> Path:
        target = self.path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    def doc(self, name: str, text: str) -> Path:
        return self.write(f"docs/design/{name}", text)

    def standard(self) -> None:
        """src/app.py, tests/test_app.py and a doc that matches them."""
        self.write("src/app.py", "def login():\n    return True\n")
        self.write("tests/test_app.py", TESTS_OK)
        self.doc(
            "app.md",
            """
            # APP-1 - The app

            ## Files to Create

            | File Path | Purpose |
            |-----------|---------|
            | `src/app.py` | login |

            ## Test Strategy

            | Test Type | Files | Coverage Goals |
            |-----------|-------|----------------|
            | Unit | `tests/test_app.py` | edge cases |
            """,
        )


def coverage_json(project: Project, contexts: str) -> dict[str, Any]:
    """``coverage json --contexts`` of the .coverage file a pytest-cov run left."""
    result = project.pytester.run(sys.executable, "-m", "coverage", "json", "-o", "cov.json", f"--contexts={contexts}")
    assert result.ret == 0, result.stderr.str()
    data: dict[str, Any] = json.loads((project.path / "cov.json").read_text())
    return data


def row_alone(project: Project, test_file: str) -> dict[str, Any]:
    """coverage.py's figures for one row: its test file run alone under pytest-cov with per-test contexts,
    reported over the outside context and that file's tests (SPEC §2: a row's figures do not depend on
    which other test files are collected)."""
    result = project.pytester.runpytest_subprocess(
        test_file, "--cov", "--cov-context=test", "--cov-report=", "-p", "no:designdoc",
        "-W", "ignore::pytest.PytestConfigWarning",  # designdoc_paths is unknown with the plugin off
    )
    assert result.ret == 0, result.stdout.str()
    files: dict[str, Any] = coverage_json(project, r"^$,(^|\|)" + re.escape(test_file) + r"(::|$)")["files"]
    (project.path / ".coverage").unlink()
    return files
