"""Row figures from coverage.py's analysis of data made in the test (no tracer runs: the data is written)."""

from __future__ import annotations

import pytest

from pytest_designdoc.evaluate import FileLines, RowScope
from pytest_designdoc.figures import CoverageAnalysis

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


def test_file_lines_are_a_rows_lines_for_the_per_doc_files(analysis: CoverageAnalysis) -> None:
    assert analysis.file_lines("src/calc.py", ADD_ROW) == FileLines(frozenset({1, 2, 3, 6, 7}), frozenset({7}), {})
    assert analysis.file_lines("src/calc.py", None).missing == frozenset(), "suite scope counts every test"
