"""The ``designdoc`` command (also ``python -m pytest_designdoc``).

``lint``   the static checks, without a pytest run (for pre-commit);
``report`` render a saved JSON report in another format;
``new``    start a design doc from the template.
"""

from __future__ import annotations

import argparse
import configparser
import os
import re
import sys
from importlib import resources
from typing import TYPE_CHECKING, Any, Optional, Sequence, TextIO

from . import __version__
from .report import FORMATS
from .settings import DEFAULT_PATHS, ReportTarget, report_target, shared_path
from .static import PYTEST_NORECURSE, PYTEST_PYTHON_FILES, Layout

if TYPE_CHECKING:
    from .model import Finding, Report
    from .plan import Plan
    from .report.data import ReportData, SummaryData
    from .waivers import Current

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_MAX_KEY = 64


def main(argv: Optional[Sequence[str]] = None, stdout: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="designdoc", description="Design docs as checks (pytest-designdoc).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lint = commands.add_parser("lint", help="check the design docs without running the tests; exit 1 on errors")
    lint.add_argument("paths", nargs="*", metavar="PATH",
                      help="docs or globs relative to the root (default: designdoc_paths of the pytest config)")
    lint.add_argument("--root", help="project root (default: where the nearest pytest config file is, else .)")
    lint.add_argument("--strict", action="store_true", help="warnings fail too (default: designdoc_strict)")

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
                                                 "config, else designdoc-waivers.yaml in the root)")
    baseline.add_argument("--root", help="project root (default: where the nearest pytest config file is, else .)")

    merge = commands.add_parser("merge", help="sharded CI: decide the goals once from every job's evidence")
    merge.add_argument("evidence", nargs="+", metavar="EVIDENCE",
                       help="files written by pytest --designdoc --designdoc-evidence PATH, one per job")
    merge.add_argument("--report", action="append", default=[], metavar="FORMAT:PATH",
                       help="write the traceability report; repeatable (default: designdoc_report of the config)")
    merge.add_argument("--strict", action="store_true", help="warnings fail too (default: designdoc_strict)")
    merge.add_argument("--root", help="project root (default: where the nearest pytest config file is, else .)")

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
    new.add_argument("--template", help="a team's own template (default: the packaged feature design template)")

    options = parser.parse_args(argv)
    command = {"lint": _lint, "report": _report, "baseline": _baseline, "merge": _merge, "compare": _compare,
               "new": _new}[options.command]
    try:
        return command(options, stdout)
    except _Refused as exc:
        from .report.view import printable

        print(f"designdoc {options.command}: {printable(str(exc))}", file=sys.stderr)
        return USAGE_ERROR


USAGE_ERROR = 4
"""The exit status of a command that cannot go on (bad input or configuration), as pytest's ``ExitCode.USAGE_ERROR``."""


class _Refused(Exception):
    """A command that cannot go on; the message names the file and the field (exit 4)."""


# lint ---------------------------------------------------------------------


def find_root(start: str) -> tuple[str, dict[str, Any]]:
    """pytest's rootdir rule, simplified: the nearest directory with a pytest config, and its values."""
    directory = os.path.abspath(start)
    while True:
        values = _pytest_ini(directory)
        if values is not None:
            return directory, values
        parent = os.path.dirname(directory)
        if parent == directory:
            return os.path.abspath(start), {}
        directory = parent


def _pytest_ini(directory: str) -> Optional[dict[str, Any]]:
    for name, section in (("pytest.ini", "pytest"), (".pytest.ini", "pytest"), ("pyproject.toml", None),
                          ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            continue
        if section is None:
            table = _pyproject_pytest(path)
            if table is not None:
                return table
            continue
        config = configparser.ConfigParser(interpolation=None)
        try:
            config.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        if config.has_section(section):
            return dict(config.items(section))
        if name.startswith(("pytest", ".pytest")):
            return {}
    return None


def _pyproject_pytest(path: str) -> Optional[dict[str, Any]]:
    import tomllib

    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, ValueError):
        return None
    table = data.get("tool", {}).get("pytest", {}).get("ini_options")
    return dict(table) if isinstance(table, dict) else None


def _as_list(value: Any, default: Sequence[str]) -> list[str]:
    if value is None:
        return list(default)
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value]


def _scalar(value: Any) -> str:
    """An ini value as one lower-case word (TOML may give a bool)."""
    return str(value).strip().lower()


def _lint(options: argparse.Namespace, out: TextIO) -> int:
    from . import safepath
    from .evaluate import static_findings
    from .static import static_stage

    root, ini = _root_and_ini(options.root)
    patterns = _lint_patterns(options.paths, root) if options.paths else _doc_patterns(ini, root)
    if isinstance(patterns, str):
        raise _Refused(patterns)
    real = safepath.real_root(root)
    baseline = _baseline_path(ini, root)
    checked = static_stage(real, patterns, _layout(ini))
    findings = static_findings(checked)
    if baseline:
        from . import waivers

        keys = {doc_plan.doc.path: doc_plan.doc.key for doc_plan in checked.docs}
        findings = waivers.apply_to_lint(findings, keys, waivers.load(real, baseline), waivers.today_utc())
    strict = _strict(options, ini)
    return _print_lint(findings, len(checked.docs), _scalar(ini.get("designdoc_github", "auto")), strict, out)


def _print_lint(findings: Sequence[Finding], docs: int, github_mode: str, strict: bool, out: TextIO) -> int:
    """Each finding (hints of the unwaived), GitHub annotations, the closing line; the exit status."""
    from .report import github
    from .report.json import finding_dict
    from .report.terminal import finding_line
    from .report.view import finding_counts, plural, printable

    found = [finding_dict(f) for f in findings]
    for finding in found:
        print(finding_line(finding), file=out)
        if "hint" in finding and finding["severity"] != "waived":
            print(printable(f"    hint: {finding['hint']}"), file=out)
    if github.enabled(github_mode, os.environ):
        for command in github.workflow_commands(found):
            print(command, file=out)
    counts = {severity: sum(1 for f in found if f["severity"] == severity) for severity in ("error", "warning", "waived")}
    summary: SummaryData = {"docs": docs, "errors": counts["error"], "warnings": counts["warning"],
                            "waived": counts["waived"], "goals": {}}
    print(f"designdoc lint: {plural(docs, 'doc')}; {finding_counts(summary)}", file=out)
    return 1 if counts["error"] or (strict and counts["warning"]) else 0


def _strict(options: argparse.Namespace, ini: dict[str, Any]) -> bool:
    """``--strict``, else the config's ``designdoc_strict``."""
    return bool(options.strict) or _scalar(ini.get("designdoc_strict", "false")) in ("1", "true", "yes", "on")


def _doc_patterns(ini: dict[str, Any], root: str) -> list[str]:
    """The config's ``designdoc_paths``, each inside the root (the rule the plugin applies)."""
    from .settings import doc_globs

    try:
        return doc_globs(_as_list(ini.get("designdoc_paths"), DEFAULT_PATHS))
    except ValueError as exc:
        raise _Refused(f"designdoc_paths in the pytest config of {root}: {exc}") from None


def _baseline_path(ini: dict[str, Any], root: str) -> str:
    """The config's ``designdoc_baseline``, rootdir-relative and inside the root, or '' when there is none."""
    value = str(ini.get("designdoc_baseline") or "")
    if not value.strip():
        return ""
    from . import safepath

    try:
        return safepath.configured(safepath.real_root(root), value)
    except ValueError as exc:
        raise _Refused(f"designdoc_baseline in the pytest config of {root}: {exc}") from None


def _root_and_ini(root: Optional[str]) -> tuple[str, dict[str, Any]]:
    """``--root`` and its pytest ini, or the nearest project's."""
    return (os.path.abspath(root), _pytest_ini(root) or {}) if root else find_root(".")


def _layout(ini: dict[str, Any]) -> Layout:
    """pytest's python_files and norecursedirs from the ini, or pytest's defaults."""
    return Layout(tuple(_as_list(ini.get("python_files"), PYTEST_PYTHON_FILES)),
                  tuple(_as_list(ini.get("norecursedirs"), PYTEST_NORECURSE)))


def _lint_patterns(paths: list[str], root: str) -> list[str] | str:
    """The doc globs for the PATHs given to ``designdoc lint``, or why one of them cannot be linted."""
    from . import safepath

    patterns = []
    for raw in paths:
        relative = os.path.relpath(os.path.abspath(raw), root).replace(os.sep, "/")
        if relative.startswith("../"):
            return f"{raw} is outside the root {root}"
        if os.path.isdir(raw):
            relative = "**/*.md" if relative == "." else f"{relative}/**/*.md"
        elif not os.path.exists(raw) and not safepath.has_magic(raw):
            return f"{raw} does not exist"
        patterns.append(relative)
    return patterns


# report ---------------------------------------------------------------------


def _report(options: argparse.Namespace, out: TextIO) -> int:
    from .report import render
    from .report.json import load_report, write_atomic
    from .report.view import printable

    try:
        saved = load_report(options.report)
    except ValueError as exc:
        raise _Refused(str(exc)) from None
    text = render(options.format, saved)
    for path in changed_docs(saved):
        print(f"designdoc report: {printable(path)} changed after this report was made (its sha256 differs)",
              file=sys.stderr)
    if options.output == "-":
        out.write(text)
        return 0
    try:
        write_atomic(options.output, text)
    except OSError as exc:
        raise _Refused(f"cannot write {options.output}: {exc.strerror or exc}") from None
    print(f"designdoc report: wrote {options.output}", file=out)
    return 0


def changed_docs(data: ReportData) -> list[str]:
    """Docs of a saved report whose file in its rootdir no longer has the recorded sha256."""
    import hashlib

    from . import safepath
    from .discover import MAX_DOC_BYTES

    root = data.get("rootdir")
    here, _ = find_root(".")
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
    from . import safepath, waivers
    from .report.json import write_atomic

    expires = waivers.iso_date(options.expires)
    if expires is None:
        raise _Refused(f"--expires {options.expires!r} is not a date (YYYY-MM-DD)")
    if expires < waivers.today_utc():
        raise _Refused(f"--expires {expires} is in the past: the waivers would fail the run at once")
    reason = " ".join(options.reason.split())
    if not reason:
        raise _Refused("--reason is empty: say why the findings are accepted")
    root, ini = _root_and_ini(options.root)
    real = safepath.real_root(root)
    if options.output:  # the user's choice: it may lie anywhere
        output = options.output
        relative = os.path.relpath(os.path.abspath(output), root).replace(os.sep, "/")
    else:
        relative = _baseline_path(ini, root) or "designdoc-waivers.yaml"
        output = os.path.join(root, relative)
    current = _saved_findings(options.report) if options.report else _lint_findings(root, ini)
    try:
        raw = safepath.read_file(output, waivers.MAX_BYTES) if options.output else safepath.read_inside(
            real, relative, waivers.MAX_BYTES)
        existing = waivers.parse(relative, raw.decode("utf-8"))
    except safepath.Missing:
        existing = waivers.WaiverFile(relative)
    except (safepath.Unreadable, UnicodeDecodeError) as exc:
        raise _Refused(f"cannot read the waiver file {output}: {exc}") from None
    if any(f.severity.value == "error" for f in existing.findings):
        raise _Refused(f"{output} has errors; fix them first (designdoc lint shows them)")
    result = waivers.baseline(current, existing.waivers, reason=reason, expires=expires, owner=options.owner,
                              path=relative, undecidable=lambda w: not options.report and w.code in
                              waivers.RUNTIME_CODES)
    try:
        write_atomic(output, waivers.dump(result.waivers))
    except OSError as exc:
        raise _Refused(f"cannot write {output}: {exc.strerror or exc}") from None
    from .report.view import plural

    print(f"designdoc baseline: wrote {plural(len(result.waivers), 'waiver')} to {output} ({result.kept} kept, "
          f"{result.added} added, {result.removed} removed)", file=out)
    return 0


def _saved_findings(path: str) -> list[Current]:
    """The doc findings of a saved JSON report (every field checked first), with their original severity."""
    from .model import Finding, Severity, Subject
    from .report.json import load_report
    from .waivers import Current

    try:
        data = load_report(path)
    except ValueError as exc:
        raise _Refused(str(exc)) from None
    current: list[Current] = []
    for doc in data["docs"]:
        for item in doc["findings"]:
            waiver = item.get("waiver")
            subject = Subject(**item.get("subject", {}))
            goal_text = ""
            if subject.row is not None and subject.goal is not None:
                goal_text = doc["rows"][subject.row]["goals"][subject.goal]["text"]
            finding = Finding(item["code"], Severity(waiver["severity"] if waiver else item["severity"]),
                              item["path"], item["line"], item["message"], item.get("hint", ""), subject)
            current.append(Current(doc["key"], finding, goal_text))
    return current


def _lint_findings(root: str, ini: dict[str, Any]) -> list[Current]:
    from . import safepath
    from .evaluate import static_findings
    from .static import static_stage
    from .waivers import Current

    checked = static_stage(safepath.real_root(root), _doc_patterns(ini, root), _layout(ini))
    keys = {doc_plan.doc.path: doc_plan.doc.key for doc_plan in checked.docs}
    return [Current(keys[f.path], f) for f in static_findings(checked) if f.path in keys]


# merge -------------------------------------------------------------------------


def _merge(options: argparse.Namespace, out: TextIO) -> int:
    from .model import Severity
    from .report.json import to_dict
    from .report.publish import publish
    from .report.terminal import render

    root, ini = _root_and_ini(options.root)
    targets = _merge_targets(options.report, root, ini)
    report = _merged_report(options.evidence, root, ini)
    data = to_dict(report)
    published = publish(data, [(target.format, target.path) for target in targets],
                        _scalar(ini.get("designdoc_github", "auto")))
    strict = _strict(options, ini)
    for line in render(data, strict=strict):
        print(line.text, file=out)
    for error in published.errors:
        print(f"designdoc merge: {error}", file=sys.stderr)
    for annotation in published.annotations:
        print(annotation, file=out)
    failing = report.count(Severity.ERROR) or (strict and report.count(Severity.WARNING)) or published.errors
    return 1 if failing else 0


def _merge_targets(values: list[str], root: str, ini: dict[str, Any]) -> list[ReportTarget]:
    try:
        targets = [report_target(value, os.getcwd()) for value in values]
    except ValueError as exc:
        raise _Refused(f"--report {exc}") from None
    try:
        targets = targets or [report_target(value, root, configured=True)
                              for value in _as_list(ini.get("designdoc_report"), ())]
    except ValueError as exc:
        raise _Refused(f"designdoc_report in the pytest config of {root}: {exc}") from None
    if shared_path(targets):
        raise _Refused(shared_path(targets))
    return targets


def _merged_report(paths: list[str], root: str, ini: dict[str, Any]) -> Report:
    """The jobs' evidence evaluated once against the docs under ``root``, waivers applied."""
    import contextlib
    from dataclasses import replace
    from datetime import datetime, timezone

    from . import safepath, shards
    from .evaluate import CoverageEvidence, evaluate

    try:
        jobs = [shards.read(path) for path in paths]
        evidence = shards.merged_evidence(jobs)
    except shards.EvidenceError as exc:
        raise _Refused(str(exc)) from None
    scopes = {job.scope for job in jobs}
    if len(scopes) > 1:
        raise _Refused(f"the jobs measured with different coverage scopes ({', '.join(sorted(scopes))})")
    real = safepath.real_root(root)
    plan = _project_plan(real, root, ini)
    coverage = CoverageEvidence(row_scope=scopes == {"row"})
    created = datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    with contextlib.ExitStack() as opened:
        if plan.coverage_targets():
            from .compat import close_data
            from .figures import coverage_evidence

            with contextlib.chdir(root):
                outcome = shards.merged_outcome(jobs, real, plan.coverage_targets(),
                                                needs_branches=plan.needs_branches())
            if outcome.data is not None:
                opened.callback(close_data, outcome.data)
            coverage = coverage_evidence(outcome, real, row_scope=scopes == {"row"}, marked=evidence.marked_nodeids)
        report = evaluate(plan, evidence, coverage, rootdir=root, created=created)
    changed = shards.changed_docs(jobs, {doc_plan.doc.path: doc_plan.doc.sha256 for doc_plan in plan.docs})
    report = replace(report, findings=tuple(sorted(report.findings + tuple(changed), key=lambda f: f.sort_key)))
    baseline = _baseline_path(ini, root)
    if baseline:
        from . import waivers

        report = waivers.applied(report, real, baseline)
    return report


def _project_plan(real: str, root: str, ini: dict[str, Any]) -> Plan:
    from .static import static_stage

    patterns = _doc_patterns(ini, root)
    plan = static_stage(real, patterns, _layout(ini))
    if not plan.docs and not plan.findings:
        raise _Refused(f"found no design doc: {', '.join(patterns)} matches none under {root} (run it in the "
                       "project, or give --root)")
    return plan


# new ---------------------------------------------------------------------------


_MAX_TEMPLATE_BYTES = 1024 * 1024
_PYTHON_PATHS = (("tests/unit/path/to/test.ts", "tests/unit/path/to/test_module.py"),
                 ("tests/integration/path/to/test.ts", "tests/integration/path/to/test_module.py"),
                 ("path/to/file.ts", "src/path/to/module.py"))
"""The packaged template's example paths, Python-flavoured for ``designdoc new`` (still ``path/to/``: DD022)."""


def _template(path: Optional[str]) -> str:
    if path:
        from . import safepath

        return safepath.read_file(path, _MAX_TEMPLATE_BYTES).decode("utf-8")
    text = resources.files("pytest_designdoc").joinpath("templates/feature-design-template.md").read_text("utf-8")
    for general, python in _PYTHON_PATHS:
        text = text.replace(general, python)
    return text


def _doc_with_key(key: str) -> str:
    """The path of the project's doc that has ``key`` already, or ''."""
    from . import safepath
    from .discover import discover
    from .parse import DocParser

    root, ini = find_root(".")
    found = discover(safepath.real_root(root), _doc_patterns(ini, root), DocParser(), _layout(ini).skip_dir)
    return next((os.path.join(root, doc.path) for doc in found.docs if doc.key == key), "")


def _new(options: argparse.Namespace, out: TextIO) -> int:
    from .report.json import write_atomic
    from .report.view import printable

    def taken(message: str) -> int:
        print(f"designdoc new: {printable(message)}", file=sys.stderr)
        return 1

    key, title = options.key.strip(), " ".join(options.title.split())
    if not _KEY.match(key) or len(key) > _MAX_KEY:
        raise _Refused(f"{key[:80]!r} is not a key (up to {_MAX_KEY} letters, digits, '-', '_', '.'; e.g. AUTH-42)")
    if not title:
        raise _Refused("the title is empty")
    if os.path.exists(options.dir) and not os.path.isdir(options.dir):
        raise _Refused(f"--dir {options.dir} is not a directory")
    slug = "-".join(re.findall(r"[a-z0-9]+", title.lower()))[:60].strip("-")
    path = os.path.join(options.dir, f"{key}-{slug}.md" if slug else f"{key}.md")
    if os.path.islink(path):
        return taken(f"{path} is a symlink: not written through")
    if os.path.lexists(path) and not options.force:
        return taken(f"{path} exists (use --force to overwrite)")
    other = _doc_with_key(key)
    if other and os.path.abspath(other) != os.path.abspath(path):
        return taken(f"the key {key} is taken by {other}: choose another")
    try:
        template = _template(options.template)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Refused(f"cannot read the template {options.template}: {exc}") from None
    _title_line, _, rest = template.partition("\n")
    text = f"---\nstatus: draft\nowners: []\n---\n# {key} - {title}\n{rest.rstrip()}\n"
    try:
        os.makedirs(options.dir, exist_ok=True)
        write_atomic(path, text)
    except OSError as exc:
        raise _Refused(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"designdoc new: wrote {path} (status: draft; fill in the tables, then set status: accepted)", file=out)
    return 0


# compare -------------------------------------------------------------------------


def _compare(options: argparse.Namespace, out: TextIO) -> int:
    from .report.compare import compare, markdown
    from .report.json import load_report, write_atomic
    from .report.view import plural

    try:
        base, head = load_report(options.base), load_report(options.head)
    except ValueError as exc:
        raise _Refused(str(exc)) from None
    comparison = compare(base, head)
    text = markdown(comparison)
    if options.output == "-":
        out.write(text)
    else:
        try:
            write_atomic(options.output, text)
        except OSError as exc:
            raise _Refused(f"cannot write {options.output}: {exc.strerror or exc}") from None
        print(f"designdoc compare: wrote {options.output}", file=out)
    if comparison.regressions:
        print(f"designdoc compare: {plural(comparison.regressions, 'goal')} met on base and not on head",
              file=sys.stderr)
        return 1
    return 0
