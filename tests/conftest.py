from __future__ import annotations

pytest_plugins = ["pytester"]

import json
from pathlib import Path
from typing import Any

import pytest

# The plugin imports these lazily, inside whichever test first needs them. Import
# them here, at collection, so that their import-time lines count for every row
# of our own design docs (row scope counts what runs inside a test for its row only).
import pytest_designdoc.cli  # noqa: F401
import pytest_designdoc.report.github  # noqa: F401
import pytest_designdoc.report.html  # noqa: F401
import pytest_designdoc.report.json  # noqa: F401
import pytest_designdoc.report.junit  # noqa: F401
import pytest_designdoc.report.markdown  # noqa: F401
import pytest_designdoc.report.sarif  # noqa: F401
import pytest_designdoc.report.terminal  # noqa: F401

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
