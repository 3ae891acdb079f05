"""The ``designdoc`` command (also ``python -m pytest_designdoc``).

``lint``     the static checks, without a pytest run (for pre-commit);
``report``   render a saved JSON report in another format;
``baseline`` write today's findings as waivers;
``merge``    decide the goals once from sharded CI jobs' evidence;
``compare``  what a pull request's report changes against its base's;
``new``      start a design doc from a template.

Each reads the project's configuration as pytest would (``pytestconfig``);
a usage error, or a file that cannot be used, exits 4 as pytest's usage
errors do, with one line naming the file and the field.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from importlib import resources
from typing import TYPE_CHECKING, Optional, Sequence, TextIO

from . import __version__
from .report import FORMATS
from .settings import (
    DEFAULT_PATHS,
    DEFAULT_WAIVERS,
    GITHUB_MODES,
    BadSetting,
    ReportTarget,
    base_ref,
    choice,
    doc_globs,
    no_docs,
    paths_origin,
    report_target,
    shared_path,
    waiver_file,
)
from .static import PYTEST_NORECURSE, PYTEST_PYTHON_FILES, Layout

if TYPE_CHECKING:
    from datetime import date

    from . import shards
    from .finish import Finished
    from .model import Finding
    from .plan import Plan
    from .pytestconfig import ProjectConfig
    from .report.data import FindingData, ReportData, SummaryData
    from .settings import Settings
    from .waivers import Current, WaiverFile

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_MAX_KEY = 64


USAGE_ERROR = 4
"""The exit status of a mistake in the command line or the configuration, as pytest's ``ExitCode.USAGE_ERROR``."""
INCOMPLETE = 6
"""``designdoc merge``: the jobs do not prove the run complete (a shard missing, duplicated or stale, a test run in no
job or in two); apart from 1 (goals or findings failed) and 4 (usage), and from every ``pytest`` exit status."""


class _Usage(Exception):
    """A command that cannot go on (bad input or configuration); the message names the file and the field (exit 4)."""


def main(argv: Optional[Sequence[str]] = None, stdout: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="designdoc", description="Design docs as checks (pytest-designdoc).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lint = commands.add_parser("lint", help="check the design docs without running the tests; exit 1 on errors")
    lint.add_argument("paths", nargs="*", metavar="PATH",
                      help="docs, globs or directories (default: designdoc_paths of the pytest config)")
    _project_options(lint)
    _strict_option(lint)

    report = commands.add_parser("report", help="render a saved JSON report as html, md, junit or sarif")
    report.add_argument("report", metavar="REPORT.json")
    report.add_argument("--format", "-f", required=True, choices=FORMATS)
    report.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")

    baseline = commands.add_parser("baseline", help="write today's findings as waivers (the adoption ratchet)")
    baseline.add_argument("report", nargs="?", metavar="REPORT.json",
                          help="a saved JSON report (default: the findings of designdoc lint)")
    baseline.add_argument("--reason", required=True, help="why the findings are accepted for now")
    baseline.add_argument("--expires", required=True, metavar="YYYY-MM-DD", help="when the new waivers lapse")
    baseline.add_argument("--owner", default="", help="who fixes them")
    baseline.add_argument("--output", "-o", help="the waiver file (default: designdoc_baseline of the pytest "
                                                 f"config, else {DEFAULT_WAIVERS} in the rootdir)")
    _project_options(baseline)

    merge = commands.add_parser("merge", help="sharded CI: decide the goals once from every job's evidence")
    merge.add_argument("evidence", nargs="+", metavar="EVIDENCE",
                       help="files written by pytest --designdoc --designdoc-evidence PATH, one per job")
    merge.add_argument("--designdoc-report", "--report", dest="report", action="append", default=[],
                       metavar="FORMAT:PATH",
                       help="write the traceability report; repeatable (default: designdoc_report of the config)")
    merge.add_argument("--designdoc-base", dest="base", metavar="REF",
                       help="measure 'changed lines N%%' goals against the merge base with REF "
                            "(default: designdoc_base of the config, else none)")
    _project_options(merge)
    _strict_option(merge)

    compare = commands.add_parser("compare", help="pull requests: what head's report changes against base's, "
                                                  "as Markdown; exit 1 when a goal met on base fails on head")
    compare.add_argument("base", metavar="BASE.json", help="the report of the base branch's run")
    compare.add_argument("head", metavar="HEAD.json", help="the report of the pull request's run")
    compare.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")

    new = commands.add_parser("new", help="write a new design doc from the template")
    new.add_argument("key", help="the doc's key, e.g. AUTH-42")
    new.add_argument("title", help="the doc's title")
    new.add_argument("--dir", default="docs/design", help="where to write it (default: docs/design)")
    new.add_argument("--force", action="store_true", help="overwrite an existing file (never a symlink)")
    new.add_argument("--template", default="python", metavar="NAME|PATH",
                     help=f"a packaged template ({', '.join(TEMPLATES)}) or the path of a team's own "
                          "(default: python, a Python project's feature design)")

    options = parser.parse_args(argv)
    commands_by_name = {"lint": _lint, "report": _report, "baseline": _baseline, "merge": _merge,
                        "compare": _compare, "new": _new}
    from .pytestconfig import ConfigError
    from .report.view import printable

    try:
        return commands_by_name[options.command](options, stdout)
    except (_Usage, BadSetting, ConfigError) as exc:
        print(f"designdoc {options.command}: {printable(str(exc))}", file=sys.stderr)
        return USAGE_ERROR


def _project_options(parser: argparse.ArgumentParser) -> None:
    """``-c`` and ``--rootdir``, which mean what they mean to pytest, and ``--root``, a ``cd`` first."""
    parser.add_argument("-c", "--config-file", metavar="FILE",
                        help="the pytest configuration file to read, as pytest -c (default: the one pytest finds)")
    parser.add_argument("--rootdir", metavar="DIR",
                        help="the project's rootdir, as pytest --rootdir (default: where pytest puts it)")
    parser.add_argument("--root", metavar="DIR",
                        help="find the project as if started in DIR, like cd DIR (default: the current directory)")


def _strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--designdoc-strict", "--strict", dest="strict", action="store_true",
                        help="warnings fail too (default: designdoc_strict)")


# lint ---------------------------------------------------------------------


def _project(options: argparse.Namespace, args: Sequence[str] = ()) -> ProjectConfig:
    """What pytest would take for rootdir and configuration, given ``-c``, ``--rootdir``, ``--root`` and ``args``."""
    from .pytestconfig import locate

    start = getattr(options, "root", None) or os.getcwd()
    if not os.path.isdir(start):
        raise _Usage(f"--root {start}: not a directory")
    return locate(start, [os.path.abspath(arg) for arg in args], inifile=_from_here(options, "config_file"),
                  rootdir=_from_here(options, "rootdir"))


def _from_here(options: argparse.Namespace, name: str) -> Optional[str]:
    """A path option as given, made absolute against the current directory (not ``--root``)."""
    value: Optional[str] = getattr(options, name, None)
    return os.path.abspath(value) if value else None


def _lint(options: argparse.Namespace, out: TextIO) -> int:
    from . import safepath
    from .evaluate import static_findings

    config = _project(options, options.paths)
    baseline, github_mode, strict = _waiver_file(config), _github(config), _strict(options, config)
    if options.paths:
        checked = _checked_docs(config, _lint_patterns(options.paths, config.rootdir), "the PATHs given")
    else:
        checked = _checked_docs(config)
    findings = static_findings(checked)
    if baseline:
        from . import waivers

        keys = {doc_plan.doc.path: doc_plan.doc.key for doc_plan in checked.docs}
        findings = waivers.apply_to_lint(findings, keys, waivers.load(safepath.real_root(config.rootdir), baseline),
                                         waivers.today_utc())
    return _print_lint(findings, len(checked.docs), github_mode, strict, out)


def _checked_docs(config: ProjectConfig, patterns: Optional[Sequence[str]] = None, origin: str = "") -> Plan:
    """The static stage over ``patterns`` (default: the config's ``designdoc_paths``); no doc is a usage error."""
    from . import safepath
    from .static import static_stage

    if patterns is None:
        patterns, origin = _doc_patterns(config), _paths_origin(config)
    checked = static_stage(safepath.real_root(config.rootdir), patterns, _layout(config))
    if not checked.docs and not checked.findings:
        raise _Usage(no_docs(patterns, origin, config.rootdir))
    return checked


def _doc_patterns(config: ProjectConfig) -> list[str]:
    return doc_globs(config.linelist("designdoc_paths", DEFAULT_PATHS), _paths_origin(config))


def _paths_origin(config: ProjectConfig) -> str:
    return paths_origin(config.inifile if "designdoc_paths" in config.values else None)


def _waiver_file(config: ProjectConfig, *, default_exists: bool = False) -> str:
    """The waiver file runs apply ('': none); ``default_exists``: as if rootdir had the default one."""
    return waiver_file(config.string("designdoc_baseline"), f"designdoc_baseline in {config.inifile}", config.rootdir,
                       default_exists=default_exists)


def _github(config: ProjectConfig) -> str:
    return choice(config.string("designdoc_github", "auto"), GITHUB_MODES, f"designdoc_github in {config.inifile}")


def _print_lint(findings: Sequence[Finding], docs: int, github_mode: str, strict: bool, out: TextIO) -> int:
    """Each finding (hints of the unwaived), GitHub annotations, the closing line; the exit status."""
    from .report import github
    from .report.json import finding_dict
    from .report.view import finding_counts, plural

    found = [finding_dict(f) for f in findings]
    _print_findings(found, out)
    if github.enabled(github_mode, os.environ):
        for command in github.workflow_commands(found):
            print(command, file=out)
    summary = _lint_summary(found, docs)
    print(f"designdoc lint: {plural(docs, 'doc')}; {finding_counts(summary)}", file=out)
    return 1 if summary["errors"] or (strict and summary["warnings"]) else 0


def _print_findings(found: Sequence[FindingData], out: TextIO) -> None:
    """Each finding on its line, and below it the hint of one not waived."""
    from .report.terminal import finding_line
    from .report.view import printable

    for finding in found:
        print(finding_line(finding), file=out)
        if "hint" in finding and finding["severity"] != "waived":
            print(printable(f"    hint: {finding['hint']}"), file=out)


def _lint_summary(found: Sequence[FindingData], docs: int) -> SummaryData:
    """The findings counted by severity, for the closing line; ``designdoc lint`` decides no goal."""
    counts = {severity: sum(1 for f in found if f["severity"] == severity)
              for severity in ("error", "warning", "waived")}
    return {"docs": docs, "errors": counts["error"], "warnings": counts["warning"], "waived": counts["waived"],
            "goals": {}}


def _strict(options: argparse.Namespace, config: ProjectConfig) -> bool:
    """``--designdoc-strict``, else the config's ``designdoc_strict``."""
    return bool(options.strict) or config.boolean("designdoc_strict")


def _layout(config: ProjectConfig) -> Layout:
    """pytest's python_files and norecursedirs from the config, or pytest's defaults."""
    return Layout(tuple(config.args("python_files", PYTEST_PYTHON_FILES)),
                  tuple(config.args("norecursedirs", PYTEST_NORECURSE)))


def _lint_patterns(paths: list[str], root: str) -> list[str]:
    """The doc globs for the PATHs given to ``designdoc lint``."""
    from . import safepath

    patterns = []
    for raw in paths:
        relative = os.path.relpath(os.path.abspath(raw), root).replace(os.sep, "/")
        if relative.startswith("../") or relative == "..":
            raise _Usage(f"{raw} is outside the rootdir {root}")
        if os.path.isdir(raw):
            relative = "**/*.md" if relative == "." else f"{relative}/**/*.md"
        elif not os.path.exists(raw) and not safepath.has_magic(raw):
            raise _Usage(f"{raw} does not exist")
        patterns.append(relative)
    return patterns


# report ---------------------------------------------------------------------


def _report(options: argparse.Namespace, out: TextIO) -> int:
    from .report import render
    from .report.json import load_report
    from .report.view import printable

    try:
        saved = load_report(options.report)
    except ValueError as exc:
        raise _Usage(str(exc)) from None
    text = render(options.format, saved)
    for path in changed_docs(saved):
        print(f"designdoc report: {printable(path)} changed after this report was made (its sha256 differs)",
              file=sys.stderr)
    if options.output == "-":
        out.write(text)
        return 0
    _write(options.output, text)
    print(f"designdoc report: wrote {options.output}", file=out)
    return 0


def _write(path: str, text: str) -> None:
    """``text`` written to ``path`` whole or not at all; a failure is a usage error naming the file."""
    from .fileio import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        raise _Usage(f"cannot write {path}: {exc.strerror or exc}") from None


def changed_docs(data: ReportData) -> list[str]:
    """Docs of a saved report whose file in its rootdir no longer has the recorded sha256."""
    import hashlib

    from . import safepath
    from .discover import MAX_DOC_BYTES
    from .pytestconfig import ConfigError, locate

    root = data.get("rootdir")
    try:
        here = locate(os.getcwd()).rootdir
    except ConfigError:
        return []  # no project here to compare with
    if not isinstance(root, str) or safepath.real_root(root) != safepath.real_root(here):
        return []  # only a report of this project may make us read files, and only inside it
    real = safepath.real_root(root)
    changed = []
    for doc in data.get("docs", []):
        relative = safepath.normalize(str(doc.get("path", "")))
        if not relative or not doc.get("sha256"):
            continue
        try:
            content = safepath.read_inside(real, relative, MAX_DOC_BYTES)
        except safepath.Unreadable:
            content = b""
        if hashlib.sha256(content).hexdigest() != doc["sha256"]:
            changed.append(relative)
    return changed


# baseline ----------------------------------------------------------------------


def _baseline(options: argparse.Namespace, out: TextIO) -> int:
    from . import waivers
    from .report.view import plural

    expires = _expiry(options.expires)
    reason = " ".join(options.reason.split())
    if not reason:
        raise _Usage("--reason is empty: say why the findings are accepted")
    config = _project(options)
    read_by_runs = _read_by_runs(config, output_given=bool(options.output))
    output, relative = _baseline_output(options.output, config.rootdir, read_by_runs)
    current = _saved_findings(options.report) if options.report else _lint_findings(config)
    existing = _existing_waivers(output, relative, config.rootdir, output_given=bool(options.output))
    result = waivers.baseline(current, existing.waivers, reason=reason, expires=expires, owner=options.owner,
                              path=relative, undecidable=lambda w: not options.report and w.code in
                              waivers.RUNTIME_CODES)
    _write(output, waivers.dump(result.waivers))
    print(f"designdoc baseline: wrote {plural(len(result.waivers), 'waiver')} to {output} ({result.kept} kept, "
          f"{result.added} added, {result.removed} removed)", file=out)
    print(_who_reads(config, relative, read_by_runs), file=out)
    return 0


def _expiry(text: str) -> date:
    """``--expires`` as a date; a usage error unless it is one, today or later."""
    from . import waivers

    expires = waivers.iso_date(text)
    if expires is None:
        raise _Usage(f"--expires {text!r} is not a date (YYYY-MM-DD)")
    if expires < waivers.today_utc():
        raise _Usage(f"--expires {expires} is in the past: the waivers would fail the run at once")
    return expires


def _read_by_runs(config: ProjectConfig, *, output_given: bool) -> str:
    """The waiver file runs read, as if rootdir had the default one; '' when the configured one is refused but the
    file to write was given on the command line: that file is the user's."""
    try:
        return _waiver_file(config, default_exists=True)
    except BadSetting:
        if not output_given:
            raise
        return ""


def _baseline_output(given: Optional[str], root: str, read_by_runs: str) -> tuple[str, str]:
    """The waiver file to write and its path relative to ``root``: the one given, which may lie anywhere, else the
    one runs read, which settings.waiver_file confined to ``root``."""
    if given:
        return given, os.path.relpath(os.path.abspath(given), root).replace(os.sep, "/")
    return os.path.join(root, read_by_runs), read_by_runs


def _existing_waivers(output: str, relative: str, root: str, *, output_given: bool) -> WaiverFile:
    """The waivers ``output`` holds (none when it does not exist); a usage error when it cannot be read or has errors.

    A file given on the command line is read where it is, the configured one only inside ``root``.
    """
    from . import safepath, waivers

    try:
        raw = safepath.read_file(output, waivers.MAX_BYTES) if output_given else safepath.read_inside(
            safepath.real_root(root), relative, waivers.MAX_BYTES)
        existing = waivers.parse(relative, raw.decode("utf-8"))
    except safepath.Missing:
        existing = waivers.WaiverFile(relative)
    except (safepath.Unreadable, UnicodeDecodeError) as exc:
        raise _Usage(f"cannot read the waiver file {output}: {exc}") from None
    if any(f.severity.value == "error" for f in existing.findings):
        raise _Usage(f"{output} has errors; fix them first (designdoc lint shows them)")
    return existing


def _who_reads(config: ProjectConfig, relative: str, read_by_runs: str) -> str:
    """Whether runs apply the waiver file written; if not, what they read and the setting that makes them apply it."""
    if relative == read_by_runs:
        return ("designdoc baseline: pytest --designdoc and designdoc lint apply it"
                + ("" if config.string("designdoc_baseline").strip() else
                   f" (rootdir's {DEFAULT_WAIVERS}, read when designdoc_baseline is not set)"))
    read = f"read {read_by_runs}" if read_by_runs else "refuse the configured designdoc_baseline"
    return (f"designdoc baseline: pytest --designdoc and designdoc lint {read}, not this file: add "
            f"{config.setting('designdoc_baseline', relative)}")


def _saved_findings(path: str) -> list[Current]:
    """The doc findings of a saved JSON report (every field checked first), with their original severity."""
    from .model import Finding, Severity, Subject
    from .report.json import load_report
    from .waivers import Current

    try:
        data = load_report(path)
    except ValueError as exc:
        raise _Usage(str(exc)) from None
    current: list[Current] = []
    for doc in data["docs"]:
        for item in doc["findings"]:
            waiver = item.get("waiver")
            subject = Subject(**item.get("subject", {}))
            goal_text, each_file = "", False
            if subject.row is not None and subject.goal is not None:
                goal = doc["rows"][subject.row]["goals"][subject.goal]
                goal_text, each_file = goal["text"], bool(goal.get("each_file"))
            finding = Finding(item["code"], Severity(waiver["severity"] if waiver else item["severity"]),
                              item["path"], item["line"], item["message"], item.get("hint", ""), subject)
            current.append(Current(doc["key"], finding, goal_text, each_file))
    return current


def _lint_findings(config: ProjectConfig) -> list[Current]:
    from .evaluate import static_findings
    from .waivers import Current

    checked = _checked_docs(config)
    keys = {doc_plan.doc.path: doc_plan.doc.key for doc_plan in checked.docs}
    return [Current(keys[f.path], f) for f in static_findings(checked) if f.path in keys]


# merge -------------------------------------------------------------------------


def _merge(options: argparse.Namespace, out: TextIO) -> int:
    from .report.terminal import render
    from .report.view import printable
    from .settings import Settings

    config = _project(options)
    base = base_ref(options.base or config.string("designdoc_base"),
                    "--designdoc-base" if options.base else f"designdoc_base in {config.inifile}")
    settings = Settings(strict=_strict(options, config), reports=tuple(_merge_targets(options.report, config)),
                        github=_github(config), baseline=_waiver_file(config), base=base)
    finished, completeness = _merged(options.evidence, config, settings)
    for line in render(finished.data, strict=settings.strict):
        print(line.text, file=out)
    for note in finished.notes:
        print(printable(f"designdoc merge: {note}"), file=out)
    for error in finished.errors:
        print(f"designdoc merge: {error}", file=sys.stderr)
    for annotation in finished.annotations:
        print(annotation, file=out)
    return _completeness(completeness, finished, settings.github, out)


def _completeness(completeness: shards.Completeness, finished: Finished, github_mode: str, out: TextIO) -> int:
    """What the jobs prove (each problem, then the verdict line) and the exit status: incomplete, failed or 0."""
    from .report import github
    from .report.view import plural, printable

    for warning in completeness.warnings:
        print(printable(f"designdoc merge: warning: {warning}"), file=out)
    for problem in completeness.problems:
        print(printable(f"designdoc merge: incomplete: {problem}"), file=out)
    if github.enabled(github_mode, os.environ):
        for line in github.merge_commands(completeness.problems, completeness.warnings):
            print(line, file=out)
    if completeness.incomplete:
        failed = "; the goals failed too" if finished.failing else ""
        print(f"designdoc merge: incomplete ({len(completeness.problems)} of the checks above): the verdict covers "
              f"only what the jobs ran{failed}; exit {INCOMPLETE}", file=out)
        return INCOMPLETE
    if completeness.tests:
        tests = f"{completeness.tests:,} test{'' if completeness.tests == 1 else 's'}"
        print(f"designdoc merge: complete: {plural(completeness.jobs, 'job')}; each of the {tests} collected ran in "
              "exactly one", file=out)
    return 1 if finished.failing else 0


def _merge_targets(values: list[str], config: ProjectConfig) -> list[ReportTarget]:
    try:
        targets = [report_target(value, os.getcwd()) for value in values]
    except ValueError as exc:
        raise _Usage(f"--designdoc-report {exc}") from None
    try:
        targets = targets or [report_target(value, config.rootdir, configured=True)
                              for value in config.linelist("designdoc_report")]
    except ValueError as exc:
        raise _Usage(f"designdoc_report in {config.inifile}: {exc}") from None
    if shared_path(targets):
        raise _Usage(shared_path(targets))
    return targets


def _merged(paths: list[str], config: ProjectConfig, settings: Settings) -> tuple[Finished, shards.Completeness]:
    """The jobs' evidence evaluated once against the docs under the rootdir, as the plugin ends a run; and what the
    jobs prove about their completeness."""
    import contextlib

    from . import safepath, shards
    from .evaluate import RunCoverage
    from .finish import Run, finish

    try:
        jobs, record, completeness = shards.read_jobs(paths)
    except shards.EvidenceError as exc:
        raise _Usage(str(exc)) from None
    scopes = {job.scope for job in jobs}
    if len(scopes) > 1:
        raise _Usage(f"the jobs measured with different coverage scopes ({', '.join(sorted(scopes))})")
    root = config.rootdir
    real = safepath.real_root(root)
    plan = _checked_docs(config)
    coverage = RunCoverage(row_scope=scopes == {"row"})
    changed = shards.changed_docs(jobs, {doc_plan.doc.path: doc_plan.doc.sha256 for doc_plan in plan.docs})
    with contextlib.ExitStack() as opened:
        if plan.coverage_targets():
            from .compat import close_data
            from .figures import run_coverage
            from .history import with_changed_lines

            with contextlib.chdir(root):
                outcome = shards.merged_outcome(jobs, real, plan.coverage_targets(),
                                                needs_branches=plan.needs_branches())
            if outcome.data is not None:
                opened.callback(close_data, outcome.data)
            coverage = run_coverage(outcome, real, row_scope=scopes == {"row"}, marked=record.marked_nodeids)
            coverage = with_changed_lines(coverage, plan, real, settings.base)
        return finish(plan, record, coverage, settings, Run(real, root), extra_findings=changed), completeness


# new ---------------------------------------------------------------------------


_MAX_TEMPLATE_BYTES = 1024 * 1024
TEMPLATES = ("python", "web")
"""The packaged templates ``designdoc new --template`` names; anything else is the path of a team's own."""


def _template(name: str) -> str:
    if name in TEMPLATES:
        return resources.files("pytest_designdoc").joinpath(f"templates/{name}.md").read_text("utf-8")
    from . import safepath

    return safepath.read_file(name, _MAX_TEMPLATE_BYTES).decode("utf-8")


def _doc_with_key(key: str) -> str:
    """The path of the project's doc that has ``key`` already, or ''."""
    from . import safepath
    from .discover import discover
    from .parse import DocParser

    config = _project(argparse.Namespace())
    found = discover(safepath.real_root(config.rootdir), _doc_patterns(config), DocParser(), _layout(config).skip_dir)
    return next((os.path.join(config.rootdir, doc.path) for doc in found.docs if doc.key == key), "")


def _new(options: argparse.Namespace, out: TextIO) -> int:
    from .fileio import write_atomic
    from .report.view import printable

    key, title = _new_key(options.key), _new_title(options.title)
    if os.path.exists(options.dir) and not os.path.isdir(options.dir):
        raise _Usage(f"--dir {options.dir} is not a directory")
    path = os.path.join(options.dir, _new_name(key, title))
    refusal = _new_refusal(path, key, force=options.force)
    if refusal:
        print(f"designdoc new: {printable(refusal)}", file=sys.stderr)
        return 1
    try:
        template = _template(options.template)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Usage(f"cannot read the template {options.template} (packaged: {', '.join(TEMPLATES)}): "
                     f"{exc}") from None
    _title_line, _, rest = template.partition("\n")
    text = f"---\nstatus: draft\nowners: []\n---\n# {key} - {title}\n{rest.rstrip()}\n"
    try:
        os.makedirs(options.dir, exist_ok=True)
        write_atomic(path, text)
    except OSError as exc:
        raise _Usage(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"designdoc new: wrote {path} (status: draft; fill in the tables, then set status: accepted)", file=out)
    return 0


def _new_key(given: str) -> str:
    """The key given, without surrounding space; a usage error unless it is one."""
    key = given.strip()
    if not _KEY.match(key) or len(key) > _MAX_KEY:
        raise _Usage(f"{key[:80]!r} is not a key (up to {_MAX_KEY} letters, digits, '-', '_', '.'; e.g. AUTH-42)")
    return key


def _new_title(given: str) -> str:
    """The title given, its runs of space made one; a usage error when nothing is left."""
    title = " ".join(given.split())
    if not title:
        raise _Usage("the title is empty")
    return title


def _new_name(key: str, title: str) -> str:
    """``KEY-title-slug.md``, the slug up to 60 characters, or ``KEY.md`` for a title without letters or digits."""
    slug = "-".join(re.findall(r"[a-z0-9]+", title.lower()))[:60].strip("-")
    return f"{key}-{slug}.md" if slug else f"{key}.md"


def _new_refusal(path: str, key: str, *, force: bool) -> str:
    """Why ``designdoc new`` does not write the doc at ``path`` ('' when it may)."""
    if os.path.islink(path):
        return f"{path} is a symlink: not written through"
    if os.path.lexists(path) and not force:
        return f"{path} exists (use --force to overwrite)"
    other = _doc_with_key(key)
    if other and os.path.abspath(other) != os.path.abspath(path):
        return f"the key {key} is taken by {other}: choose another"
    return ""


# compare -------------------------------------------------------------------------


def _compare(options: argparse.Namespace, out: TextIO) -> int:
    from .report.compare import compare, markdown
    from .report.json import load_report
    from .report.view import plural

    try:
        base, head = load_report(options.base), load_report(options.head)
    except ValueError as exc:
        raise _Usage(str(exc)) from None
    comparison = compare(base, head)
    text = markdown(comparison)
    if options.output == "-":
        out.write(text)
    else:
        _write(options.output, text)
        print(f"designdoc compare: wrote {options.output}", file=out)
    if comparison.regressions:
        print(f"designdoc compare: {plural(comparison.regressions, 'goal')} met on base and not on head",
              file=sys.stderr)
        return 1
    return 0
