"""A shard job's evidence file (``--designdoc-evidence``) and the run-record payload an xdist worker sends, as TypedDicts.

Like ``report/data.py`` this module has no ``from __future__ import
annotations``: on Python 3.11 a TypedDict's ``NotRequired`` keys count as
optional only when its annotations are evaluated where it is defined, and
:func:`pytest_designdoc.shape.problem` checks an evidence file against
these types before anything reads it.
"""

from typing import Annotated, NotRequired, Optional, TypedDict

from .measure import COVERAGE_RUN, OWN, PYTEST_COV
from .record import OUTCOMES
from .shape import OneOf


class SelectionData(TypedDict):
    options: list[str]
    nodeid_files: list[str]


class RunData(TypedDict):
    """:meth:`RunRecorder.payload`: an xdist worker's evidence, or with its outcomes a shard job's."""

    considered: list[str]
    selected: list[str]
    deselected: list[str]
    collect_errors: list[str]
    collect_skips: NotRequired[list[str]]
    marker_keys: dict[str, tuple[str, int]]
    """Marker key → (path, line) of its first use."""
    marked: NotRequired[dict[str, list[str]]]
    outcomes: NotRequired[dict[str, Annotated[str, OneOf(*OUTCOMES)]]]
    selection: NotRequired[SelectionData]


class ImportGraphData(TypedDict):
    """:meth:`contexts.ImportGraph.payload`."""

    loaded_in: dict[str, str]
    imports: dict[str, list[str]]


class CoverageEvidenceData(TypedDict):
    """A job's coverage outcome; ``data`` is ``CoverageData.dumps()`` in base64."""

    source: Annotated[str, OneOf(OWN, PYTEST_COV, COVERAGE_RUN)]
    problem: str
    hint: str
    count_branches: bool
    per_test_contexts: bool
    tainted: list[str]
    preimported: list[str]
    imports: NotRequired[ImportGraphData]
    """Row scope's import graph (older evidence has none: its first imports ran in the outside context)."""
    unmeasurable: dict[str, tuple[str, str]]
    """Target → (message, hint) of why the job could not measure it."""
    data: Optional[str]


class ShardNumberData(TypedDict):
    """``--designdoc-shard K/N``: shard ``index`` (K) of ``count`` (N)."""

    index: int
    count: int


class CollectionData(TypedDict):
    """What the job collected, before any deselection (``-k``, pytest-split, ``--designdoc-select``)."""

    fingerprint: str
    """sha256 of the sorted collected test ids, one a line: the same in every job of one suite."""
    tests: int
    """How many tests that is."""
    args: list[str]
    """The paths and node ids the job collected from, rootdir-relative, sorted ([] for the default)."""


class EvidenceFileData(TypedDict):
    """What ``--designdoc-evidence PATH`` writes; ``commit``, ``shard`` and ``collection`` are absent from
    evidence older than the completeness checks."""

    schema: str
    created: str
    rootdir: str
    coverage_scope: Annotated[str, OneOf("row", "suite")]
    docs: dict[str, str]
    """Doc path → sha256 of the doc the job read."""
    run: RunData
    coverage: Optional[CoverageEvidenceData]
    commit: NotRequired[Optional[str]]
    """The git commit (HEAD) the job ran on; null without git."""
    shard: NotRequired[Optional[ShardNumberData]]
    collection: NotRequired[CollectionData]
