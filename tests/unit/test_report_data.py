"""The JSON v1 types every renderer reads are the schema's objects, key for key."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_designdoc.report import data


def _object(schema: dict[str, Any], *path: str) -> dict[str, Any]:
    node = schema
    for step in path:
        node = node[step]
    return node


OBJECTS = [
    (data.ReportData, ()),
    (data.SummaryData, ("properties", "summary")),
    (data.CoverageData, ("properties", "coverage")),
    (data.SelectionData, ("properties", "selection")),
    (data.DocData, ("$defs", "doc")),
    (data.FileData, ("$defs", "doc", "properties", "files", "items")),
    (data.RowData, ("$defs", "row")),
    (data.TestFileData, ("$defs", "row", "properties", "test_files", "items")),
    (data.GoalData, ("$defs", "goal")),
    (data.FindingData, ("$defs", "finding")),
    (data.SubjectData, ("$defs", "finding", "properties", "subject")),
    (data.WaiverData, ("$defs", "finding", "properties", "waiver")),
]


@pytest.mark.parametrize(("typed", "path"), OBJECTS, ids=[typed.__name__ for typed, _ in OBJECTS])
def test_typed_view_matches_the_schema(typed: Any, path: tuple[str, ...], report_schema: dict[str, Any]) -> None:
    schema_object = _object(report_schema, *path)
    assert set(typed.__annotations__) == set(schema_object["properties"])
    assert set(typed.__required_keys__) == set(schema_object.get("required", []))
