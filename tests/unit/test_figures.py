"""Row figures from coverage.py's analysis of data made in the test (no tracer runs: the data is written)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest
from coverage import CoverageData

from pytest_designdoc.compat import close_data
from pytest_designdoc.evaluate import RowScope
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


ADD_ROW = RowScope(("tests/test_add.py",), "CALC-1")


@pytest.mark.parametrize(("changed", "actual", "missing", "counted"), [
    ({2, 3, 6, 7}, 75.0, ("src/calc.py: 7",), True),
    ({2, 4, 5}, 100.0, (), True),
    ({4, 5}, 100.0, (), False),
], ids=["some changed statements ran", "blank lines changed too", "no changed statement"])
def test_changed_lines_count_the_changed_statements_the_row_ran(
    analysis: CoverageAnalysis, changed: set[int], actual: float, missing: tuple[str, ...], counted: bool
) -> None:
    figure = analysis.changed_figure(["src/calc.py"], {"src/calc.py": frozenset(changed)}, ADD_ROW)
    assert (figure.actual, figure.missing, figure.counted) == (actual, missing, counted)


def test_another_rows_tests_do_not_count_for_changed_lines(analysis: CoverageAnalysis) -> None:
    figure = analysis.changed_figure(["src/calc.py"], {"src/calc.py": frozenset({7})}, ADD_ROW)
    assert (figure.actual, figure.missing) == (0.0, ("src/calc.py: 7",))
    suite = analysis.changed_figure(["src/calc.py"], {"src/calc.py": frozenset({7})}, None)
    assert suite.actual == 100.0, "suite scope counts every test"
