"""Fixtures the unit tests share."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest
from coverage import CoverageData

from pytest_designdoc.compat import close_data
from pytest_designdoc.figures import CoverageAnalysis
from pytest_designdoc.measure import CoverageOutcome, own_coverage

CALC = """\
def add(a, b):
    total = a + b
    return total


def scale(x, factor):
    return x * factor
"""


@pytest.fixture
def analysis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CoverageAnalysis]:
    """calc.py where tests/test_add.py ran add(); import-time lines (1, 6) ran outside any test."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "calc.py").write_text(CALC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    root = os.path.realpath(tmp_path)
    filename = os.path.join(root, "src", "calc.py")
    data = CoverageData(no_disk=True)
    data.set_context("")
    data.add_lines({filename: {1, 6}})
    data.set_context("tests/test_add.py")
    data.add_lines({filename: {2, 3}})
    data.set_context("tests/test_scale.py")
    data.add_lines({filename: {7}})
    analyser, _ = own_coverage(root, ["src/calc.py"], False, None)
    yield CoverageAnalysis(CoverageOutcome("alone", data, analyser, measured=frozenset({"src/calc.py"})), root)
    close_data(data)
