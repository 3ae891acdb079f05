"""A small pytester project: sources, tests and design docs."""


import textwrap
from pathlib import Path

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
