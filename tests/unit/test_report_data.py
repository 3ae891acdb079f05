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


@pytest.mark.parametrize(("typed", "path"), OBJECTS, ids=[typed.__name__ for typed, _ in OBJECTS])
def test_enumerations_and_closed_objects_are_the_schemas(typed: Any, path: tuple[str, ...],
                                                         report_schema: dict[str, Any]) -> None:
    import typing

    from pytest_designdoc.shape import OneOf

    schema_object = _object(report_schema, *path)
    enums = {}
    for name, hint in typing.get_type_hints(typed, include_extras=True).items():
        if typing.get_origin(hint) is typing.NotRequired:
            hint = typing.get_args(hint)[0]
        enums[name] = next((extra.values for extra in getattr(hint, "__metadata__", ()) if isinstance(extra, OneOf)),
                           None)
    schema_enums = {name: tuple(spec["enum"]) if "enum" in spec else None
                    for name, spec in schema_object["properties"].items()}
    assert enums == schema_enums
    closed = schema_object.get("additionalProperties") is False
    assert (typed in (data.SubjectData, data.WaiverData)) is closed, "problem() refuses unknown keys of these"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["docs"][0]["findings"][0].update(subject={"evil": 1}),
     "docs[0].findings[0].subject has unknown keys ('evil')"),
    (lambda d: d["docs"][0]["findings"][0].update(subject={"row": -1}),
     "docs[0].findings[0].subject names row -1; its doc has 2"),
    (lambda d: d["docs"][0]["findings"][0].update(subject={"row": 0, "goal": 9}),
     "docs[0].findings[0].subject names goal 9 of row 0; the row has 4"),
    (lambda d: d["docs"][0]["findings"][0].update(subject={"goal": 0}),
     "docs[0].findings[0].subject names a goal without its row"),
    (lambda d: d["docs"][0]["rows"][0]["goals"][0].update(status="weird"),
     "docs[0].rows[0].goals[0].status is not one of met, failed, manual, not_run, unmeasurable ('weird')"),
    (lambda d: d["docs"][0].update(title=None), "docs[0].title is not str (NoneType)"),
    (lambda d: d["docs"][0]["rows"][0].update(columns={"a": 1}), "docs[0].rows[0].columns['a'] is not str (int)"),
], ids=["unknown subject key", "negative row", "goal out of range", "goal without row", "status", "title",
        "column"])
def test_a_saved_report_is_checked_field_by_field(change: Any, message: str) -> None:
    import json
    from pathlib import Path

    sample = json.loads((Path(__file__).parent / "data" / "report-sample.json").read_text(encoding="utf-8"))
    assert data.problem(sample) == ""
    change(sample)
    assert data.problem(sample) == message
