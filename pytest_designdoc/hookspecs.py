"""Extension hooks of pytest-designdoc (added with ``pytest_addhooks``).

Implement them in a ``conftest.py`` or a plugin. They are called only when
``--designdoc`` is given, on the controller process under xdist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import pytest

if TYPE_CHECKING:
    from .model import Goal, Report


@pytest.hookspec(firstresult=True)
def pytest_designdoc_parse_goal(text: str, line: int) -> Optional[Goal]:
    """Parse one goal of a Coverage Goals cell.

    :param text: the goal's text, already split from its cell.
    :param line: the 1-based line of the goal's row in its design doc.

    Return a :class:`pytest_designdoc.model.Goal` to take over, or None to
    leave it to the next implementation; the built-in grammar runs last.
    Stops at the first non-None result.
    """


@pytest.hookspec
def pytest_designdoc_report(report: Report, config: pytest.Config) -> None:
    """Called once with the finished report, before report files are written.

    :param report: the evaluated :class:`pytest_designdoc.model.Report`.
    :param config: the pytest config.

    Every implementation is called; use it to publish the results elsewhere.
    """
