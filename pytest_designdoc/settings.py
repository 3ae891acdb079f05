"""Command line + ini → one frozen :class:`Settings`; UsageError on bad values."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional, Sequence

from .report import DOC_COVERAGE_FORMATS
from .report import FORMATS as REPORT_FORMATS

if TYPE_CHECKING:
    import pytest

DEFAULT_PATHS = ("docs/**/*.md",)
DEFAULT_WAIVERS = "designdoc-waivers.yaml"
"""The waiver file read when ``designdoc_baseline`` is not set and rootdir has it (``designdoc baseline`` writes it)."""
COVERAGE_SCOPES = ("row", "suite")
GITHUB_MODES = ("auto", "true", "false")
_FILE_SUFFIXES = (".xml", ".info", ".lcov", ".json", ".txt")
"""What a per-doc format's directory must not look like: ``cobertura:coverage.xml`` means a file."""


class BadSetting(ValueError):
    """A bad option or ini value: ``pytest.UsageError`` in a pytest run, exit status 4 of the designdoc command."""


@dataclass(frozen=True)
class ReportTarget:
    format: str
    path: str
    """Absolute path of the file to write."""


@dataclass(frozen=True)
class Settings:
    paths: tuple[str, ...] = DEFAULT_PATHS
    strict: bool = False
    coverage_scope: str = "row"
    reports: tuple[ReportTarget, ...] = ()
    github: str = "auto"
    baseline: str = ""
    """The waiver file, rootdir-relative (ini ``designdoc_baseline``, else rootdir's ``designdoc-waivers.yaml``)."""
    paths_from_command_line: bool = False
    evidence: Optional[str] = None
    """``--designdoc-evidence``: the absolute path of this job's shard evidence; goals are left to the merge."""
    select: tuple[str, ...] = ()
    """``--designdoc-select`` globs of doc keys: only those docs are checked, only their tests run."""
    base: str = ""
    """``--designdoc-base`` / ini ``designdoc_base``: the git ref changed-lines goals measure against ('': none)."""
    affected: str = ""
    """``--designdoc-affected REF``: check only the docs the changes since REF touch ('': every doc)."""
    shard: Optional[tuple[int, int]] = None
    """``--designdoc-shard K/N``: this job is shard K of N, as its evidence records (the merge checks them all)."""

    @classmethod
    def from_config(cls, config: pytest.Config, options: Any = None) -> Settings:
        """Settings of ``config``; ``options`` is the namespace to read before pytest has parsed all options."""
        import pytest

        try:
            return cls._from_config(config, options)
        except BadSetting as exc:
            raise pytest.UsageError(str(exc)) from None

    @classmethod
    def _from_config(cls, config: pytest.Config, options: Any) -> Settings:
        read = _Reader(config, options if options is not None else config.option)
        cli_paths: Optional[list[str]] = read.option("designdoc_path")
        if cli_paths:
            paths = doc_globs(cli_paths, "--designdoc-path")
        else:
            paths = doc_globs(config.getini("designdoc_paths") or list(DEFAULT_PATHS), read.ini("designdoc_paths"))
        strict = bool(read.option("designdoc_strict")) or _ini_bool(config, "designdoc_strict", read.ini_source)
        scope, scope_origin = read.option_or_ini("designdoc_coverage_scope", "--designdoc-coverage-scope")
        scope = choice(scope, COVERAGE_SCOPES, scope_origin)
        reports = read.reports()
        github = choice(str(config.getini("designdoc_github")), GITHUB_MODES, read.ini("designdoc_github"))
        baseline = waiver_file(str(config.getini("designdoc_baseline")), read.ini("designdoc_baseline"), read.rootdir)
        select = read.select()
        evidence = read.evidence()
        base = base_ref(*read.option_or_ini("designdoc_base", "--designdoc-base"))
        affected = base_ref(str(read.option("designdoc_affected") or ""), "--designdoc-affected")
        if affected and select:
            raise BadSetting("--designdoc-affected and --designdoc-select both choose the docs: give one")
        shard = read.shard(evidence)
        return cls(tuple(paths), strict, scope, tuple(reports), github, baseline, bool(cli_paths), evidence,
                   select, base, affected, shard)


class _Reader:
    """One setting at a time from the parsed options and the ini file, each error naming where the value came from."""

    def __init__(self, config: pytest.Config, namespace: Any) -> None:
        self.config = config
        self.namespace = namespace
        self.rootdir = str(config.rootpath)
        self.ini_source = f"in {config.inipath}" if config.inipath else "in the ini file"

    def option(self, name: str) -> Any:
        return getattr(self.namespace, name, None)

    def ini(self, name: str) -> str:
        """Where the ini setting ``name`` comes from, for an error message."""
        return f"{name} {self.ini_source}"

    def option_or_ini(self, name: str, flag: str) -> tuple[str, str]:
        """The command-line value of ``name`` if given, else the ini's; with its origin."""
        if self.option(name):
            return str(self.option(name)), flag
        return str(self.config.getini(name)), self.ini(name)

    def reports(self) -> list[ReportTarget]:
        cli_reports: Optional[list[str]] = self.option("designdoc_report")
        if cli_reports:
            invoked_in = str(self.config.invocation_params.dir)
            reports = [_report_target(value, invoked_in, "--designdoc-report") for value in cli_reports]
        else:
            reports = [_report_target(value, self.rootdir, self.ini("designdoc_report"), configured=True)
                       for value in self.config.getini("designdoc_report")]
        clash = shared_path(reports)
        if clash:
            raise BadSetting(clash)
        return reports

    def select(self) -> tuple[str, ...]:
        select = tuple(pattern.strip() for pattern in self.option("designdoc_select") or ())
        if "" in select:
            raise BadSetting("--designdoc-select: give a doc key or a glob of keys (an empty one would select every "
                             "doc, silently)")
        return select

    def evidence(self) -> Optional[str]:
        evidence = self.option("designdoc_evidence")
        if evidence is None:
            return None
        if not str(evidence).strip():
            raise BadSetting("--designdoc-evidence: give the path of the evidence file to write")
        return os.path.normpath(os.path.join(str(self.config.invocation_params.dir), str(evidence).strip()))

    def shard(self, evidence: Optional[str]) -> Optional[tuple[int, int]]:
        if self.option("designdoc_shard") is None:
            return None
        shard = shard_number(str(self.option("designdoc_shard")), "--designdoc-shard")
        if evidence is None:
            raise BadSetting("--designdoc-shard labels the evidence a job writes: give --designdoc-evidence PATH too")
        return shard


MAX_SHARDS = 10_000
"""The most shards a suite may be split into (``--designdoc-shard K/N``)."""


def shard_number(value: str, origin: str) -> tuple[int, int]:
    """``K/N`` (shard K of N, 1 <= K <= N) as ``(K, N)``."""
    import re

    match = re.fullmatch(r"\s*([0-9]{1,6})\s*/\s*([0-9]{1,6})\s*", value)
    if not match:
        raise BadSetting(f"{origin}: {value[:40]!r} is not K/N (this job's shard number and the number of shards, "
                         "e.g. 3/50)")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= count <= MAX_SHARDS:
        raise BadSetting(f"{origin}: {value.strip()!r}: the number of shards N must be 1 to {MAX_SHARDS:,}")
    if not 1 <= index <= count:
        raise BadSetting(f"{origin}: {value.strip()!r}: the shard number K must be 1 to N ({count}); shards count "
                         "from 1")
    return index, count


def base_ref(value: str, origin: str) -> str:
    """A git ref to diff against ('' for none); one that git would read as an option is refused."""
    value = value.strip()
    if value.startswith("-") or any(char.isspace() or ord(char) < 32 for char in value):
        raise BadSetting(f"{origin}: {value!r} is not a git ref (e.g. origin/main)")
    return value


def doc_globs(values: Sequence[str], origin: str) -> list[str]:
    from .safepath import normalize

    globs = []
    for value in values:
        path = normalize(value)
        if path is None or not path:
            raise BadSetting(
                f"{origin}: {value!r} is not a glob relative to rootdir (no absolute paths, '~' or '..')"
            )
        globs.append(path)
    return globs


def waiver_file(value: str, origin: str, rootdir: str, *, default_exists: bool = False) -> str:
    """The waiver file to apply, rootdir-relative: ``designdoc_baseline``, else :data:`DEFAULT_WAIVERS` if it exists.

    '' when there is none; ``default_exists``: answer as if rootdir had :data:`DEFAULT_WAIVERS`.
    """
    from .safepath import configured, real_root

    value = value.strip()
    if not value:
        exists = default_exists or os.path.lexists(os.path.join(rootdir, DEFAULT_WAIVERS))
        return DEFAULT_WAIVERS if exists else ""
    try:
        return configured(real_root(rootdir), value)
    except ValueError as exc:
        raise BadSetting(f"{origin}: {exc}") from None


def choice(value: str, choices: Sequence[str], origin: str) -> str:
    """``value`` (any case, surrounding blanks ignored) if it is one of ``choices``."""
    value = value.strip().lower()
    if value not in choices:
        raise BadSetting(f"{origin}: {value!r} is not one of {', '.join(choices)}")
    return value


def paths_origin(inifile: Optional[str]) -> str:
    """Where the ini's ``designdoc_paths`` come from."""
    return f"designdoc_paths in {inifile}" if inifile else "the default designdoc_paths"


def no_docs(patterns: Sequence[str], origin: str, rootdir: str) -> str:
    """What a run that found no design doc says: a typo in a glob must not pass green."""
    return (f"found no design doc: {', '.join(patterns)} ({origin}) matches none under {rootdir}. "
            "Check the globs, or write the first doc: designdoc new KEY 'Title'")


def _ini_bool(config: pytest.Config, name: str, origin: str) -> bool:
    value: Any = config.getini(name)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise BadSetting(f"{name} {origin}: {value!r} is not a boolean")


def _report_target(value: str, base: str, origin: str, *, configured: bool = False) -> ReportTarget:
    try:
        return report_target(value, base, configured=configured)
    except ValueError as exc:
        raise BadSetting(f"{origin}: {exc}") from None


def shared_path(targets: Sequence[ReportTarget]) -> str:
    """What is wrong when two reports would be written to one file, or ''.

    The per-doc formats may share a directory: their files' suffixes differ.
    """
    seen: dict[str, str] = {}
    for target in targets:
        other = seen.get(target.path)
        if other is not None and not (other != target.format and {other, target.format} <= set(DOC_COVERAGE_FORMATS)):
            return (f"{target.path} is the path of both the {seen[target.path]} and the {target.format} report: "
                    "give each report its own file")
        seen[target.path] = target.format
    return ""


def report_target(value: str, base: str, *, configured: bool = False) -> ReportTarget:
    """``FORMAT:PATH`` with PATH relative to ``base``; ValueError says what is wrong with it.

    ``configured``: the value comes from the project's configuration, so PATH
    must stay inside ``base`` (rootdir), like every configured path; a path
    typed on the command line may point anywhere.
    """
    fmt, sep, path = value.partition(":")
    fmt = fmt.strip().lower()
    if not sep or not path.strip():
        raise ValueError(f"{value!r} must be FORMAT:PATH, e.g. json:designdoc-report.json")
    if fmt not in REPORT_FORMATS + DOC_COVERAGE_FORMATS:
        raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(REPORT_FORMATS + DOC_COVERAGE_FORMATS)})")
    if fmt in DOC_COVERAGE_FORMATS and os.path.splitext(path.strip().rstrip("/"))[1].lower() in _FILE_SUFFIXES:
        raise ValueError(f"{value!r}: {fmt} writes one file per doc into a directory; give the directory, "
                         f"e.g. {fmt}:designdoc-coverage")
    if configured:
        from . import safepath

        return ReportTarget(fmt, os.path.join(base, *safepath.configured(safepath.real_root(base), path).split("/")))
    return ReportTarget(fmt, os.path.normpath(os.path.join(base, os.path.expanduser(path.strip()))))
