from __future__ import annotations

import pytest

from .helpers import Project


@pytest.fixture
def project(pytester: pytest.Pytester) -> Project:
    return Project(pytester)
