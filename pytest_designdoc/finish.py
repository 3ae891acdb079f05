"""The end of a run, once for the plugin and for ``designdoc merge``: evaluate → waivers → publish → exit rule.

The plugin and the CLI only wire it: they hand over the plan, what the run
(or the merged jobs) produced and the settings, and show what comes back.
A shard job (``--designdoc-evidence``) ends in :func:`finish_job` instead:
its report holds its static findings, and the merge publishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, Optional, Sequence

if TYPE_CHECKING:
    from .evaluate import RunCoverage
    from .model import Finding, Report
    from .plan import Plan
    from .record import RunRecord
    from .report.data import ReportData
    from .settings import Settings


def now() -> str:
    """The report's ``created`` time: UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Run:
    """Where the run happened and what it was asked."""

    root: str
    """The real rootdir (files are read under it)."""
    rootdir: str
    """The rootdir as the report names it."""
    created: str = field(default_factory=now)
    collect_only: bool = False
    selection: tuple[str, ...] = ()
    """What chose the docs checked (``--designdoc-select`` globs, ``--designdoc-affected``'s keys), if anything."""
    unselected_keys: frozenset[str] = frozenset()
    """Keys of the docs the selection left out (their waivers are not stale)."""


@dataclass(frozen=True)
class Finished:
    report: Report
    data: ReportData
    """The JSON v1 view every renderer (the terminal's too) works from."""
    errors: tuple[str, ...] = ()
    """Reports that could not be written: they fail the run."""
    annotations: tuple[str, ...] = ()
    """GitHub workflow commands, to print."""
    strict: bool = False
    notes: tuple[str, ...] = ()
    """What the per-doc coverage files hold and leave out, to show."""

    @property
    def failing(self) -> bool:
        """The exit rule: an error finding, a warning under ``--designdoc-strict``, or a report not written."""
        from .model import Severity

        return bool(self.report.count(Severity.ERROR) or (self.strict and self.report.count(Severity.WARNING))
                    or self.errors)


def finish(plan: Plan, record: RunRecord, coverage: RunCoverage, settings: Settings, run: Run, *,
           extra_findings: Sequence[Finding] = (),
           announce: Optional[Callable[[Report], None]] = None) -> Finished:
    """Evaluate, add ``extra_findings`` (a merge's DD025), apply the waivers, tell ``announce``, publish."""
    from .evaluate import evaluate

    report = evaluate(plan, record, coverage, rootdir=run.rootdir, created=run.created,
                      collect_only=run.collect_only)
    if extra_findings:
        report = replace(report, findings=tuple(sorted(report.findings + tuple(extra_findings),
                                                       key=lambda f: f.sort_key)))
    if run.selection or run.unselected_keys:
        report = replace(report, selection=run.selection, not_selected=len(run.unselected_keys))
    report = _waived(report, settings, run, stale=True)
    if announce is not None:
        announce(report)
    return _published(report, settings, plan, coverage)


def finish_job(plan: Plan, settings: Settings, run: Run) -> Finished:
    """A shard job: its static findings, waivers applied (none is stale: the merge sees every job), nothing
    published, and only errors fail it (the merge judges warnings)."""
    from .evaluate import static_report
    from .report.json import to_dict

    report = _waived(static_report(plan, rootdir=run.rootdir, created=run.created), settings, run, stale=False)
    return Finished(report, to_dict(report))


def _waived(report: Report, settings: Settings, run: Run, *, stale: bool) -> Report:
    if not settings.baseline:
        return report
    from . import waivers

    return waivers.applied(report, run.root, settings.baseline, unchecked_keys=run.unselected_keys, stale=stale)


def _published(report: Report, settings: Settings, plan: Plan, coverage: RunCoverage) -> Finished:
    from .report import DOC_COVERAGE_FORMATS
    from .report.json import to_dict
    from .report.publish import publish

    data = to_dict(report)
    published = publish(data, [(target.format, target.path) for target in settings.reports
                               if target.format not in DOC_COVERAGE_FORMATS], settings.github)
    errors, notes = list(published.errors), list[str]()
    for target in settings.reports:
        if target.format in DOC_COVERAGE_FORMATS:
            from .report import doc_coverage

            written = doc_coverage.write(target.format, target.path, plan, report, coverage)
            errors.extend(written.errors)
            notes.extend(written.notes)
    return Finished(report, data, tuple(errors), tuple(published.annotations), settings.strict, tuple(notes))
