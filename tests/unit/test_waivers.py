"""The waiver file and how waivers judge findings: pure, the clock passed in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pytest_designdoc.model import (
    DesignDoc,
    DocResult,
    Finding,
    Goal,
    GoalKind,
    GoalResult,
    GoalStatus,
    Report,
    RowResult,
    Severity,
    Subject,
    TestFileOutcome,
    TestRow,
)
from pytest_designdoc.waivers import Current, WaiverJudge, apply_to_lint, apply_to_report, baseline, dump, load, parse

TODAY = date(2027, 1, 15)

GOOD = """\
waivers:
  - code: DD010
    doc: AUTH-42
    match: src/auth.py
    reason: rewrite of the throttle tests in flight
    owner: auth-team
    expires: 2027-03-31
  - code: DD003
    doc: AUTH-42
    reason: file lands next sprint
    expires: "2027-01-14"
"""


def _finding(code: str = "DD010", message: str = "63.64% < 90% (line) of src/auth.py",
             severity: Severity = Severity.ERROR, subject: Subject = Subject()) -> Finding:
    return Finding(code, severity, "docs/auth.md", 12, message, "hint", subject)


def test_a_good_file_gives_its_waivers_with_their_lines() -> None:
    loaded = parse("waivers.yaml", GOOD)
    assert loaded.findings == ()
    live, expired = loaded.waivers
    assert (live.code, live.doc, live.match, live.owner, live.expires, live.line) == (
        "DD010", "AUTH-42", "src/auth.py", "auth-team", "2027-03-31", 2)
    assert (expired.expires, expired.line, expired.match, expired.owner) == ("2027-01-14", 8, "", "")


def test_a_live_waiver_waives_and_keeps_the_severity_it_had() -> None:
    judge = WaiverJudge(parse("waivers.yaml", GOOD).waivers, TODAY)
    waived = judge.judge("AUTH-42", _finding())
    assert waived.severity is Severity.WAIVED
    assert waived.waived is not None and waived.waived.severity is Severity.ERROR
    assert waived.waived.waiver.reason == "rewrite of the throttle tests in flight"


def test_a_waiver_is_live_through_its_expiry_day_and_fails_closed_the_day_after() -> None:
    waivers = parse("waivers.yaml", GOOD).waivers
    assert WaiverJudge(waivers, date(2027, 3, 31)).judge("AUTH-42", _finding()).severity is Severity.WAIVED
    expired = WaiverJudge(waivers, date(2027, 4, 1)).judge("AUTH-42", _finding(severity=Severity.WARNING))
    assert expired.severity is Severity.ERROR, "an expired waiver fails closed, even for a warning"
    assert "waiver waivers.yaml:2 expired on 2027-03-31" in expired.message
    assert "renew the waiver at waivers.yaml:2" in expired.hint


@pytest.mark.parametrize(("key", "finding", "waived"), [
    ("AUTH-42", _finding(), True),
    ("AUTH-7", _finding(), False),
    ("AUTH-42", _finding("DD012"), False),
    ("AUTH-42", _finding(message="50% < 90% of src/other.py"), False),
    ("AUTH-42", _finding(message="50% < 90% of the row", subject=Subject(test="src/auth.py")), True),
    ("AUTH-42", _finding(severity=Severity.INFO), False),
], ids=["matches", "other doc", "other code", "match not in message", "match in subject", "info is never waived"])
def test_a_waiver_needs_its_code_its_doc_and_its_match(key: str, finding: Finding, waived: bool) -> None:
    judge = WaiverJudge(parse("waivers.yaml", GOOD).waivers, TODAY)
    assert (judge.judge(key, finding).severity is Severity.WAIVED) is waived


def test_a_waiver_matching_nothing_is_stale_unless_the_run_cannot_tell() -> None:
    judge = WaiverJudge(parse("waivers.yaml", GOOD).waivers, TODAY)
    judge.judge("AUTH-42", _finding())
    (stale,) = judge.stale(lambda waiver: "")
    assert (stale.code, stale.severity, stale.path, stale.line) == ("DD024", Severity.WARNING, "waivers.yaml", 8)
    assert stale.message == "stale waiver: DD003 in AUTH-42 matches no finding"
    assert judge.stale(lambda waiver: None) == []


@pytest.mark.parametrize(("text", "line", "message"), [
    ("waivers: [", 1, "not valid YAML"),
    ("- a\n- b\n", 1, "must be a mapping with a 'waivers:' list"),
    ("waivers: {code: DD010}\n", 1, "must be a mapping with a 'waivers:' list"),
    ("waivers:\n  - code: DD010\n    doc: A\n    expires: 2027-01-01\n", 2, "waiver without reason"),
    ("waivers:\n  - code: DD010\n    doc: A\n    reason: r\n", 2, "waiver without expires"),
    ("waivers:\n  - code: DD010\n    doc: A\n    reason: r\n    expires: next week\n", 5, "is not a date"),
    ("waivers:\n  - code: DD010\n    doc: A\n    reason: r\n    expires: 2027-02-30\n", 5, "is not a date"),
    ("waivers:\n  - code: DD010\n    doc: A\n    reason: r\n    expires: 20990331\n", 5, "is not a date"),
    ("waivers:\n  - code: DD010\n    doc: A\n    reason: r\n    expires: 2099-W01-1\n", 5, "is not a date"),
    ("waivers:\n  - code: coverage\n    doc: A\n    reason: r\n    expires: 2027-01-01\n", 2, "is not a finding code"),
    ("waivers:\n  - just text\n", 2, "not a mapping"),
    ("waivers:\n  - code: DD010\n    doc: [A, B]\n    reason: r\n    expires: 2027-01-01\n", 2, "must be text"),
], ids=["yaml", "list", "waivers not a list", "no reason", "no expires", "words", "no such day", "basic format",
        "week date", "code",
        "entry", "doc list"])
def test_every_bad_waiver_is_an_error_at_its_line_and_waives_nothing(text: str, line: int, message: str) -> None:
    loaded = parse("waivers.yaml", text)
    assert loaded.waivers == ()
    (problem,) = loaded.findings
    assert (problem.code, problem.severity, problem.path, problem.line) == ("DD024", Severity.ERROR, "waivers.yaml",
                                                                            line)
    assert message in problem.message


def test_unknown_keys_are_warnings_and_the_waiver_still_counts() -> None:
    loaded = parse("waivers.yaml", "version: 2\nwaivers:\n  - code: DD010\n    doc: A\n    reason: r\n"
                                   "    expires: 2027-01-01\n    until: 2028-01-01\n")
    assert len(loaded.waivers) == 1
    assert [(f.severity, f.line, f.message) for f in loaded.findings] == [
        (Severity.WARNING, 1, "unknown top-level key 'version' ignored"),
        (Severity.WARNING, 7, "unknown waiver key 'until' ignored"),
    ]


def test_an_empty_file_waives_nothing_and_says_nothing() -> None:
    assert parse("waivers.yaml", "").findings == ()
    assert parse("waivers.yaml", "waivers:\n").waivers == ()


def test_lint_applies_waivers_and_cannot_call_a_runtime_waiver_stale() -> None:
    loaded = parse("waivers.yaml", GOOD)
    missing = Finding("DD003", Severity.ERROR, "docs/auth.md", 9, "Files to Create entry 'src/x.py' is missing")
    (judged, stale_doc) = apply_to_lint([missing], {"docs/auth.md": "AUTH-42"},
                                        parse("waivers.yaml", GOOD + "  - {code: DD003, doc: GONE-1, reason: r, "
                                                                     "expires: 2099-01-01}\n"), TODAY)
    assert judged.severity is Severity.ERROR and "expired on 2027-01-14" in judged.message
    assert stale_doc.message == "stale waiver: DD003 in GONE-1 matches no finding (no doc has the key 'GONE-1')"
    assert apply_to_lint([], {"docs/auth.md": "AUTH-42"}, loaded, TODAY)[0].message.startswith(
        "stale waiver: DD003 in AUTH-42"), "the DD010 waiver is not stale: a lint measures nothing"


def _report(status: GoalStatus, *findings: Finding) -> Report:
    goal = Goal(text="90% of `src/auth.py`", line=12, kind=GoalKind.PERCENT, required=90.0)
    row = TestRow(12, "Unit", ("tests/test_auth.py",), (goal,))
    doc = DesignDoc(path="docs/auth.md", key="AUTH-42", title="Auth", line=1, rows=(row,))
    outcome = TestFileOutcome("tests/test_auth.py", exists=True, selected=status is not GoalStatus.NOT_RUN)
    result = DocResult(doc, rows=(RowResult(row, (outcome,), (GoalResult(goal, status),)),), findings=findings)
    return Report(rootdir="/r", created="", docs=(result,))


def test_a_report_gets_its_waivers_by_goal_text_and_stale_ones_only_where_the_run_could_tell() -> None:
    by_goal = parse("waivers.yaml", "waivers:\n  - {code: DD010, doc: AUTH-42, match: '90% of `src/auth.py`', "
                                    "reason: r, expires: 2099-01-01}\n")
    shortfall = _finding(message="63.64% < 90% (line)", subject=Subject(row=0, goal=0))
    (waived,) = apply_to_report(_report(GoalStatus.FAILED, shortfall), by_goal, TODAY).docs[0].findings
    assert waived.severity is Severity.WAIVED, "match found in the goal's text"
    met = apply_to_report(_report(GoalStatus.MET), by_goal, TODAY)
    assert [f.message for f in met.findings] == [
        "stale waiver: DD010 in AUTH-42 matching '90% of `src/auth.py`' matches no finding"]
    assert apply_to_report(_report(GoalStatus.NOT_RUN), by_goal, TODAY).findings == (), "a row not run cannot tell"
    assert apply_to_report(Report("/r", "", ()), by_goal, TODAY, frozenset({"AUTH-42"})).findings == (), (
        "a doc left out by --designdoc-select cannot tell")


def test_baseline_keeps_what_still_matches_adds_the_new_and_drops_the_gone() -> None:
    existing = parse("waivers.yaml", GOOD).waivers
    current = [
        Current("AUTH-42", _finding()),
        Current("AUTH-42", _finding("DD012", "Stack not executed", subject=Subject(row=0, goal=1)), "`Stack`"),
        Current("AUTH-42", _finding("DD002", "no test", Severity.WARNING, Subject(test="tests/test_a.py", row=0))),
        Current("AUTH-42", _finding("DD002", "no test again", Severity.WARNING, Subject(test="tests/test_a.py"))),
        Current("AUTH-42", _finding("DD022", "template leftover 'path/to/'", Severity.INFO)),
    ]
    result = baseline(current, existing, reason="adopting", expires=date(2027, 6, 30), owner="", path="w.yaml")
    assert (result.kept, result.added, result.removed) == (1, 2, 1)
    assert [(w.code, w.match, w.reason, w.expires) for w in result.waivers] == [
        ("DD002", "tests/test_a.py", "adopting", "2027-06-30"),
        ("DD010", "src/auth.py", "rewrite of the throttle tests in flight", "2027-03-31"),
        ("DD012", "`Stack`", "adopting", "2027-06-30"),
    ]
    again = parse("w.yaml", dump(result.waivers))
    assert again.findings == ()
    assert [(w.code, w.doc, w.match, w.owner, w.expires) for w in again.waivers] == [
        (w.code, w.doc, w.match, w.owner, w.expires) for w in result.waivers]
    kept = baseline([], existing, reason="r", expires=date(2027, 6, 30), owner="", path="w.yaml",
                    undecidable=lambda waiver: waiver.code == "DD010")
    assert [w.code for w in kept.waivers] == ["DD010"], "a source that cannot tell keeps the waiver"


def test_load_refuses_a_missing_file_and_a_link_out_of_rootdir(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside.yaml").write_text(GOOD, encoding="utf-8")
    (root / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    (root / "waivers.yaml").write_text(GOOD, encoding="utf-8")
    (root / "latin1.yaml").write_bytes(b"waivers:\n  - reason: caf\xe9\n")
    assert len(load(str(root), "waivers.yaml").waivers) == 2
    assert [f.code for f in load(str(root), "link.yaml").findings] == ["DD030"]
    assert "does not exist" in load(str(root), "gone.yaml").findings[0].message
    assert "cannot read the waiver file" in load(str(root), "latin1.yaml").findings[0].message


def test_a_baseline_waives_one_files_shortfall_of_an_each_file_goal_not_the_goal() -> None:
    """Found on boltons: `match: each file ≥ 70%` waived every later shortfall of that goal, on any file."""
    goal = Subject(row=0, goal=0)
    cacheutils = _finding("DD010", "17.67% < 70% (total) of boltons/cacheutils.py", subject=goal)
    result = baseline([Current("AUTH-42", cacheutils, "each file ≥ 70%", each_file=True)], [], reason="adopting",
                      expires=date(2027, 6, 30), owner="", path="w.yaml")
    assert [w.match for w in result.waivers] == ["of boltons/cacheutils.py"]
    judge = WaiverJudge(result.waivers, TODAY)
    assert judge.judge("AUTH-42", cacheutils, "each file ≥ 70%").severity is Severity.WAIVED
    dictutils = _finding("DD010", "61.01% < 70% (total) of boltons/dictutils.py", subject=goal)
    assert judge.judge("AUTH-42", dictutils, "each file ≥ 70%") is dictutils, "a new shortfall is not waived"
