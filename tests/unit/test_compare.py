"""``designdoc compare``: a base report against a head report (the sample report, edited as a pull request would)."""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from pytest_designdoc import cli
from pytest_designdoc.report.compare import compare, markdown

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "golden" / "compare.md"


@pytest.fixture
def base() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "report-sample.json").read_text(encoding="utf-8"))
    return data


def _goal(data: dict[str, Any], key: str, text: str) -> dict[str, Any]:
    (goal,) = [g for doc in data["docs"] if doc["key"] == key for row in doc["rows"] for g in row["goals"]
               if g["text"] == text]
    return goal


@pytest.fixture
def head(base: dict[str, Any]) -> dict[str, Any]:
    """The pull request: one goal regresses, one is fixed, a figure moves, a finding comes and one goes, the
    doc's lines move (an edit above the table), and a new doc appears."""
    data = copy.deepcopy(base)
    calc = data["docs"][0]
    for row in calc["rows"]:
        row["line"] += 3
        for goal in row["goals"]:
            goal["line"] = goal.get("line", 0) + 3
    _goal(data, "CALC-1", "`add()`").update(status="failed", actual=0.0)
    _goal(data, "CALC-1", "100% line coverage of `calc.py`").update(status="met", actual=100.0)
    _goal(data, "CALC-1", "each file ≥ 60%").update(actual=40.0)
    _goal(data, "CALC-1", "≥ 50% branches").update(actual=45.5, status="failed")
    calc["findings"] = [f for f in calc["findings"] if f["code"] != "DD003"]
    calc["findings"].append({"code": "DD012", "severity": "error", "path": calc["path"], "line": 20,
                             "message": "'add' at src/calc.py:1-2 not executed by the row's tests"})
    new_doc = copy.deepcopy(data["docs"][1])
    new_doc.update(key="CALC-3", title="Scientific mode", path="docs/design/CALC-3-scientific.md", findings=[])
    data["docs"].append(new_doc)
    return data


def test_the_comparison_names_regressions_fixes_moves_and_findings(base: dict[str, Any],
                                                                   head: dict[str, Any]) -> None:
    comparison = compare(base, head)  # type: ignore[arg-type]
    kinds = {(doc.key, goal.text): goal.kind for doc in comparison.docs for goal in doc.goals if goal.kind}
    assert kinds == {
        ("CALC-1", "`add()`"): "failing",
        ("CALC-1", "100% line coverage of `calc.py`"): "met",
        ("CALC-1", "each file ≥ 60%"): "up",
        ("CALC-1", "≥ 50% branches"): "failing",
        ("CALC-3", "90%"): "new",
    }
    assert comparison.regressions == 2
    (calc,) = [doc for doc in comparison.docs if doc.key == "CALC-1"]
    assert [f["code"] for f in calc.new_findings] == ["DD012"]
    assert [f["code"] for f in calc.removed_findings] == ["DD003"]
    assert "DD010" not in {f["code"] for f in calc.new_findings}, "a figure that moved is not a new finding"


def test_the_markdown_matches_its_golden_file(base: dict[str, Any], head: dict[str, Any]) -> None:
    text = markdown(compare(base, head))  # type: ignore[arg-type]
    if os.environ.get("DESIGNDOC_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_a_report_against_itself_changes_nothing(base: dict[str, Any]) -> None:
    comparison = compare(base, base)  # type: ignore[arg-type]
    assert comparison.regressions == 0 and not any(doc.changed for doc in comparison.docs)
    assert "No design doc's verdicts changed." in markdown(comparison)


def test_the_command_exits_1_on_a_regression_and_writes_the_summary(
    base: dict[str, Any], head: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    (tmp_path / "head.json").write_text(json.dumps(head), encoding="utf-8")
    out = tmp_path / "summary.md"
    assert cli.main(["compare", str(tmp_path / "base.json"), str(tmp_path / "head.json"), "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")
    assert "2 goals met on base and not on head" in capsys.readouterr().err
    assert cli.main(["compare", str(tmp_path / "head.json"), str(tmp_path / "head.json"), "-o", str(out)]) == 0


def test_a_file_that_is_not_a_report_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.json").write_text('{"schema": "pytest-designdoc/report/v1"}', encoding="utf-8")
    assert cli.main(["compare", str(tmp_path / "bad.json"), str(tmp_path / "bad.json")]) == 4
    assert "is not a valid pytest-designdoc/report/v1 report" in capsys.readouterr().err


def test_the_summary_goes_to_standard_output_and_a_failed_write_is_an_error(
    base: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["compare", str(tmp_path / "base.json"), str(tmp_path / "base.json")], stdout=out) == 0
    assert "No design doc's verdicts changed." in out.getvalue()
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert cli.main(["compare", str(tmp_path / "base.json"), str(tmp_path / "base.json"),
                     "-o", str(tmp_path / "file" / "summary.md")]) == 4
    assert "designdoc compare: cannot write" in capsys.readouterr().err
