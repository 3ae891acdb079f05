"""The reaches into coverage.py's internals, against the coverage.py installed (CI: the floor and the newest)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from coverage import CoverageData

from pytest_designdoc.compat import close_data


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[sqlite3.Connection]:
    """Every SQLite connection coverage.py opens while the test runs."""
    import coverage.sqlitedb

    opened: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def recording(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        opened.append(connection)
        return connection

    monkeypatch.setattr(coverage.sqlitedb.sqlite3, "connect", recording)
    return opened


def _is_closed(connection: sqlite3.Connection) -> bool:
    try:
        connection.execute("select 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def test_in_memory_data_is_closed_for_real(connections: list[sqlite3.Connection]) -> None:
    """Python 3.13 warns about an open connection at garbage collection: filterwarnings = error fails the run."""
    data = CoverageData(no_disk=True)
    data.set_context("tests/test_a.py")
    data.add_lines({"/src/a.py": {1, 2}})
    assert data.lines("/src/a.py") == [1, 2]
    assert connections and not any(_is_closed(c) for c in connections)
    close_data(data)
    assert all(_is_closed(c) for c in connections)
    close_data(data)  # twice is harmless


def test_data_never_opened_closes_quietly(connections: list[sqlite3.Connection]) -> None:
    close_data(CoverageData(no_disk=True))
    assert connections == []


class _OldDatabase:
    """coverage.py 7.7's SqliteDb: ``close()`` leaves an in-memory connection open, so it is not called."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.con: sqlite3.Connection | None = connection


class _OldData:
    """coverage.py 7.7's CoverageData: no ``close`` at all, one database per thread in ``_dbs``."""

    def __init__(self, *databases: _OldDatabase) -> None:
        self._dbs = {number: database for number, database in enumerate(databases)}


def test_data_of_a_coverage_py_without_close_is_closed_too() -> None:
    connections = [sqlite3.connect(":memory:"), sqlite3.connect(":memory:")]
    databases = [_OldDatabase(connection) for connection in connections]
    data = _OldData(*databases, _OldDatabase(connections[0]))
    close_data(data)  # type: ignore[arg-type]
    assert all(_is_closed(c) for c in connections)
    assert data._dbs == {} and all(database.con is None for database in databases)
    close_data(type("Unknown", (), {})())  # type: ignore[arg-type]  # neither: nothing to close


def test_data_that_closes_itself_is_asked_to_close_in_memory_databases_too() -> None:
    asked: list[bool] = []

    class _NewData:
        """coverage.py 7.11+'s CoverageData: ``close(force=True)`` closes in-memory databases as well."""

        def close(self, force: bool = False) -> None:
            asked.append(force)

    close_data(_NewData())  # type: ignore[arg-type]
    assert asked == [True], "on every coverage.py version the suite runs on, floor included"
