"""What the run produced: which test files pytest looked at, collected,
deselected and ran, with what outcome.

The recorder is fed plain strings by the pytest hooks; under xdist each
worker sends :meth:`RunRecorder.payload` to the controller, which
merges it; a shard job writes it into its evidence file
(``evidence_file.py``). Coverage is measured apart (``measure.py``) and
joins the run record in ``evaluate``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Sequence

if TYPE_CHECKING:
    from .evidence_file import RunData

OUTCOMES = ("passed", "skipped", "failed")
"""A test's outcomes, best first: a test's outcome is its worst phase's."""
_OUTCOME_RANK = {outcome: rank for rank, outcome in enumerate(OUTCOMES)}


def file_of(nodeid: str) -> str:
    """The rootdir-relative file part of a pytest node id."""
    return nodeid.split("::", 1)[0]


_SELECTING = ("-k", "-m", "--deselect", "--lf", "--last-failed", "--sw", "--stepwise", "--stepwise-skip",
              "--sw-skip", "--lfnf", "--last-failed-no-failures")
_VALUES_WITH_SEPARATORS = ("--deselect", "--pythonwarnings", "--override-ini")
_SKIPS_FILES = ("--lf", "--last-failed", "--sw", "--stepwise", "--stepwise-skip", "--sw-skip")


@dataclass(frozen=True)
class Selection:
    """What the command line, as opposed to the project's configuration, selected (SPEC §2, Rows not run)."""

    options: tuple[str, ...] = ()
    """Selecting options given on the command line (``-k``, ``-m``, ``--lf`` …)."""
    nodeid_files: frozenset[str] = frozenset()
    """Test files named by node ids on the command line (``tests/a.py::test_x``)."""

    @property
    def skips_files(self) -> bool:
        """``--lf`` and ``--sw`` leave whole files uncollected."""
        return any(option in _SKIPS_FILES for option in self.options)

    def partial(self, path: str, seen: FileRecord) -> str:
        """Why the command line ran only part of ``path``'s tests, or ''."""
        if path in self.nodeid_files:
            return "node ids on the command line"
        if self.options and (seen.deselected or (self.skips_files and seen.considered and not seen.collected)):
            return " ".join(self.options)
        return ""


def command_line_selection(args: Sequence[str], relative: Callable[[str], Optional[str]]) -> Selection:
    """The selection made by ``args`` (the invocation's arguments and ``PYTEST_ADDOPTS``).

    ``relative`` maps a path argument to its rootdir-relative form.
    """
    options: list[str] = []
    files = set()
    value_next = False
    for arg in args:
        if value_next:
            value_next = False
        elif arg.startswith("--"):
            value_next = _long_option(arg, options)
        elif arg.startswith("-") and len(arg) > 1:
            value_next = _short_options(arg, options)
        elif "::" in arg:
            path = relative(file_of(arg))
            if path is not None:
                files.add(path)
    return Selection(tuple(options), frozenset(files))


def _long_option(arg: str, options: list[str]) -> bool:
    """Note ``arg`` in ``options`` if it selects tests; whether the next argument is its value."""
    name = arg.split("=", 1)[0]
    if name in _SELECTING and name not in options:
        options.append(name)
    return "=" not in arg and name in _VALUES_WITH_SEPARATORS


def _short_options(arg: str, options: list[str]) -> bool:
    """Note ``-k`` or ``-m`` among the letters of ``arg`` in ``options``; whether the next argument is a value."""
    for letter in arg[1:]:
        if letter in "km" and f"-{letter}" not in options:
            options.append(f"-{letter}")
        if letter not in "vqxslh":
            break
    return arg in ("-W", "-p", "-o")


@dataclass(frozen=True)
class FileRecord:
    considered: bool = False
    collected: int = 0
    deselected: int = 0
    collect_error: bool = False
    collect_skipped: bool = False
    """The whole module was skipped at collection (``pytest.skip(allow_module_level=True)``, ``importorskip``)."""
    passed: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class RunRecord:
    files: dict[str, FileRecord] = field(default_factory=dict)
    marker_keys: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Each ``designdoc("KEY")`` marker key → where it is first used (path, line)."""
    ran_tests: bool = False
    marked_nodeids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each marker key → the node ids of the tests marked with it."""
    selection: Selection = Selection()

    def file(self, path: str) -> FileRecord:
        return self.files.get(path, FileRecord())


class RunRecorder:
    """Accumulates the run record during a session; :meth:`freeze` snapshots it."""

    def __init__(self) -> None:
        self.considered: set[str] = set()
        self.selected: set[str] = set()
        """Node ids of the tests collected and kept for the run."""
        self.deselected: set[str] = set()
        self._produced: set[str] = set()
        """Node ids of the tests collection yielded, until the session's items are known."""
        self.collect_errors: set[str] = set()
        self.collect_skips: set[str] = set()
        self.outcomes: dict[str, str] = {}
        self.marker_keys: dict[str, tuple[str, int]] = {}
        self.marked: dict[str, set[str]] = {}
        self.selection = Selection()

    def file_considered(self, path: str) -> None:
        self.considered.add(path)

    def collect_error(self, path: str) -> None:
        self.collect_errors.add(path)

    def collect_skipped(self, path: str) -> None:
        self.collect_skips.add(path)

    def produced(self, nodeids: Iterable[str]) -> None:
        """Tests a collector yielded; those the session does not keep were left out (deselected)."""
        self._produced.update(nodeids)

    def collected_items(self, nodeids: Iterable[str]) -> None:
        """The session's items once collection is over: a test collection yielded and no item kept is deselected,
        whether or not its plugin said so through ``pytest_deselected`` (``--lf`` does not)."""
        self.selected.update(nodeids)
        self.deselected.update(self._produced - self.selected)
        self._produced.clear()

    def deselected_items(self, nodeids: Iterable[str]) -> None:
        self.deselected.update(nodeids)

    def marker(self, key: str, path: str, line: int, nodeid: Optional[str] = None) -> None:
        self.marker_keys.setdefault(key, (path, line))
        if nodeid is not None:
            self.marked.setdefault(key, set()).add(nodeid)

    def test_report(self, nodeid: str, outcome: str) -> None:
        """One phase's outcome; a test's outcome is its worst phase."""
        previous = self.outcomes.get(nodeid)
        if previous is None or _OUTCOME_RANK.get(outcome, 2) > _OUTCOME_RANK[previous]:
            self.outcomes[nodeid] = outcome if outcome in _OUTCOME_RANK else "failed"

    def payload(self, *, outcomes: bool = False) -> RunData:
        """The run record as plain data: for xdist's ``workeroutput``, or with ``outcomes`` for a shard's evidence file."""
        data: RunData = {
            "considered": sorted(self.considered),
            "selected": sorted(self.selected),
            "deselected": sorted(self.deselected),
            "collect_errors": sorted(self.collect_errors),
            "collect_skips": sorted(self.collect_skips),
            "marker_keys": dict(self.marker_keys),
            "marked": {k: sorted(v) for k, v in self.marked.items()},
        }
        if outcomes:
            data["outcomes"] = dict(sorted(self.outcomes.items()))
            data["selected"] = sorted(self.selected - self.outcomes.keys())  # the outcomes' tests are selected too
            data["selection"] = {"options": list(self.selection.options),
                                 "nodeid_files": sorted(self.selection.nodeid_files)}
        return data

    def merge_payload(self, payload: Optional[RunData]) -> None:
        """Merge another process's run record: an xdist worker's, or a shard's.

        A test selected anywhere is selected; an outcome is the worst any
        process saw; command-line selections add up.
        """
        if not payload:
            return
        self.considered.update(payload["considered"])
        self.selected.update(payload["selected"])
        self.deselected.update(payload["deselected"])
        self.collect_errors.update(payload["collect_errors"])
        self.collect_skips.update(payload.get("collect_skips", ()))
        for key, (path, line) in payload["marker_keys"].items():
            self.marker(key, path, line)
        for key, nodeids in payload.get("marked", {}).items():
            self.marked.setdefault(key, set()).update(nodeids)
        for nodeid, outcome in payload.get("outcomes", {}).items():
            self.selected.add(nodeid)
            self.test_report(nodeid, outcome)
        selection = payload.get("selection")
        if selection:
            options = tuple(dict.fromkeys((*self.selection.options, *selection["options"])))
            self.selection = Selection(options, self.selection.nodeid_files | frozenset(selection["nodeid_files"]))

    def freeze(self) -> RunRecord:
        per_file: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for nodeid, outcome in self.outcomes.items():
            per_file[file_of(nodeid)][outcome] += 1
        selected = Counter(file_of(nodeid) for nodeid in self.selected)
        deselected = Counter(file_of(nodeid) for nodeid in self.deselected - self.selected)
        paths = self.considered | set(selected) | set(deselected) | set(per_file) | self.collect_errors
        files = {
            path: FileRecord(
                considered=path in self.considered or path in selected,
                collected=selected[path] + deselected[path],
                deselected=deselected[path],
                collect_error=path in self.collect_errors,
                collect_skipped=path in self.collect_skips,
                passed=per_file.get(path, Counter())["passed"],
                failed=per_file.get(path, Counter())["failed"],
                skipped=per_file.get(path, Counter())["skipped"],
            )
            for path in paths
        }
        marked = {key: tuple(sorted(nodeids)) for key, nodeids in self.marked.items()}
        return RunRecord(files, dict(self.marker_keys), ran_tests=bool(self.outcomes), marked_nodeids=marked,
                        selection=self.selection)
