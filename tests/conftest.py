from __future__ import annotations

pytest_plugins = ["pytester"]

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def report_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((ROOT / "docs" / "report-schema.json").read_text(encoding="utf-8"))
    return schema


@pytest.fixture
def validate_report(report_schema: dict[str, Any]) -> Any:
    jsonschema = pytest.importorskip("jsonschema")

    def validate(path: Path) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, report_schema)
        return data

    return validate
