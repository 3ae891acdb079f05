"""Every report format, rendered from one fixed JSON report (tests/unit/data/report-sample.json).

Golden files hold the exact output; the formats are also checked against
their own standards: JUnit against junit-10.xsd, SARIF against the SARIF
2.1.0 schema, Markdown by parsing its tables with mistune.
"""

from __future__ import annotations

import ast
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pytest_designdoc.report import FORMATS, github, render, terminal
from pytest_designdoc.report.view import all_findings, printable

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "golden"
SUFFIX = {"json": "json", "md": "md", "html": "html", "junit": "junit.xml", "sarif": "sarif.json"}


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "report-sample.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_matches_its_golden_file(sample: dict[str, Any], fmt: str) -> None:
    golden = GOLDEN / f"report.{SUFFIX[fmt]}"
    text = render(fmt, sample)
    if os.environ.get("DESIGNDOC_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert render(fmt, sample) == text, "rendering is deterministic"


def test_the_sample_is_a_valid_v1_report(sample: dict[str, Any], validate_report: Callable[[Path], Any]) -> None:
    assert validate_report(DATA / "report-sample.json") == sample


def test_junit_is_valid_against_the_junit_xsd(sample: dict[str, Any], tmp_path: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))
    report = tmp_path / "designdoc.xml"
    report.write_text(render("junit", sample), encoding="utf-8")
    schema.validate(str(report))
    suite = ElementTree.parse(report).getroot()
    cases = suite.findall("testcase")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == (str(len(cases)), "8", "3")
    failed = {case.get("name"): case.find("failure").get("type") for case in cases  # type: ignore[union-attr]
              if case.find("failure") is not None}
    assert failed == {
        "create: src/missing.py": "DD003",
        "100% line coverage of `calc.py`": "DD010",
        "tests: tests/test_gone.py": "DD001",
        "`divide()` 100%": "DD010",
        "`Calc.mul`": "DD011",
        "each file ≥ 60%": "DD010",
        "`Calc.div`": "DD013",
        "test markers and discovery": "DD031",
    }
    assert "document" not in {case.get("name") for case in cases}, "every finding sits on its own file or goal case"
    (stack,) = [case for case in cases if case.get("name") == "`Stack`"]
    assert stack.find("skipped").get("message") == (  # type: ignore[union-attr]
        "DD012 waived until 2027-03-31 by calc-team (designdoc-waivers.yaml:3): Stack tests move to the integration suite")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["CALC-1.path"] == "docs/design/CALC-1-calculator.md"
    assert properties["CALC-1.sha256"] == sample["docs"][0]["sha256"]


def test_sarif_is_valid_sarif_2_1_0(sample: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(render("sarif", sample))
    jsonschema.Draft4Validator(schema).validate(log)
    (run,) = log["runs"]
    results = run["results"]
    assert len(results) == sample["summary"]["errors"] + sample["summary"]["warnings"] + sample["summary"]["waived"]
    (waived,) = [result for result in results if "suppressions" in result]
    assert waived["ruleId"] == "DD012" and waived["level"] == "error"
    assert waived["suppressions"] == [{"kind": "external", "status": "accepted", "justification":
                                       "waived until 2027-03-31 by calc-team (designdoc-waivers.yaml:3): "
                                       "Stack tests move to the integration suite"}]
    first = results[0]
    assert first["ruleId"] == "DD003" and first["level"] == "error"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 8}
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "DD003"
    assert run["originalUriBaseIds"]["ROOTDIR"]["uri"] == "file:///home/ci/project/"
    assert [a["hashes"]["sha-256"] for a in run["artifacts"]] == [d["sha256"] for d in sample["docs"]]


def test_markdown_tables_parse_with_mistune(sample: dict[str, Any]) -> None:
    import mistune

    markdown = mistune.create_markdown(renderer=None, plugins=["table"])
    tokens = markdown(render("md", sample))
    tables = [t for t in tokens if isinstance(t, dict) and t["type"] == "table"]
    assert len(tables) == 1 + 2 + 1, "overview, CALC-1 files and rows, CALC-2 rows"

    def cells(row: dict[str, Any]) -> list[dict[str, Any]]:
        return [c for c in row["children"] if c["type"] == "table_cell"]

    for table in tables:
        head, body = table["children"]
        width = len(cells(head))
        assert all(len(cells(row)) == width for row in body["children"]), "escaped pipes keep the columns"
    overview_body = tables[0]["children"][1]["children"]
    assert len(overview_body) == len(sample["docs"])


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            target = values.get(name)
            if target and target.startswith("#"):
                self.links.append(target[1:])
            elif target:
                self.external.append(target)


def test_html_is_self_contained_and_every_finding_links_to_its_doc_line(sample: dict[str, Any]) -> None:
    text = render("html", sample)
    page = _Page()
    page.feed(text)
    assert page.external == [], "no network: no external href or src"
    assert not re.search(r"https?://", text)
    findings = sum(len(d["findings"]) for d in sample["docs"])
    assert len(page.links) == findings and set(page.links) <= page.ids
    assert "<script" in text and 'id="filters" hidden' in text, "filters appear only when scripts run"
    assert "&lt;&amp;&gt; &quot;pipes|ticks`&quot;" in text, "titles are escaped"


def test_github_workflow_commands_escape_their_data(sample: dict[str, Any]) -> None:
    commands = github.workflow_commands(all_findings(sample))
    assert len(commands) == sample["summary"]["errors"] + sample["summary"]["warnings"]
    assert commands[0].startswith(
        "::error file=docs/design/CALC-1-calculator.md,line=8,title=DD003::Files to Create entry 'src/missing.py' "
        "is missing%0Acreate the file"
    )
    assert any(c.startswith("::warning file=docs/design/CALC-2-draft.md,line=10,title=DD001::") for c in commands)
    assert all("\n" not in c for c in commands)


@pytest.mark.parametrize(
    ("mode", "environ", "on"),
    [("auto", {"GITHUB_ACTIONS": "true"}, True), ("auto", {}, False), ("true", {}, True),
     ("false", {"GITHUB_ACTIONS": "true"}, False)],
)
def test_github_mode(mode: str, environ: dict[str, str], on: bool) -> None:
    assert github.enabled(mode, environ) is on


def test_junit_keeps_doc_level_findings_and_failed_goals_without_a_finding(sample: dict[str, Any]) -> None:
    data = json.loads(json.dumps(sample))
    doc = data["docs"][0]
    doc["findings"].append({"code": "DD022", "severity": "warning", "path": doc["path"], "line": 3,
                            "message": "template leftover 'Component 1'"})
    doc["findings"] = [f for f in doc["findings"] if f["code"] != "DD011"]
    suite = ElementTree.fromstring(render("junit", data).split("\n", 1)[1])
    cases = {case.get("name"): case for case in suite.findall("testcase") if case.get("classname") == "CALC-1"}
    assert list(cases)[0] == "document"
    assert "DD022 warning: template leftover" in (cases["document"].findtext("system-out") or "")
    fallback = cases["`Calc.mul`"].find("failure")
    assert fallback is not None and fallback.get("message") == "goal failed"
    assert fallback.text == "docs/design/CALC-1-calculator.md:15 `Calc.mul`"


HOSTILE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["a|b", "`x`", "<script>alert(1)</script>", "]]>", "\x00\x01\x1b", "line\nbreak", "**b**", "&amp;", "%0A::x"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=HOSTILE, message=HOSTILE, goal=HOSTILE, path=HOSTILE)
@example(title="", message="", goal="", path="\\|")  # found on 3.13: a backslash before a pipe ended the cell
def test_any_text_from_a_doc_keeps_every_format_well_formed(
    sample: dict[str, Any], title: str, message: str, goal: str, path: str
) -> None:
    import mistune

    data = json.loads(json.dumps(sample))
    doc = data["docs"][0]
    doc["title"], doc["findings"][0]["message"] = title, message
    doc["rows"][0]["goals"][0]["text"] = goal
    doc["rows"][0]["test_files"][0]["path"] = path
    ElementTree.fromstring(render("junit", data).split("\n", 1)[1])
    json.loads(render("sarif", data))
    page = _Page()
    page.feed(render("html", data))
    assert page.external == []
    tokens = mistune.create_markdown(renderer=None, plugins=["table"])(render("md", data))
    tables = [t for t in tokens if isinstance(t, dict) and t["type"] == "table"]
    assert len(tables) == 4
    for table in tables:
        head, body = table["children"]
        width = len(head["children"])
        assert all(len(row["children"]) == width for row in body["children"])
    for command in github.workflow_commands(all_findings(data)):
        assert "\n" not in command and "\r" not in command
        assert printable(command) == command, "no control or invisible character reaches the log"
    for line in terminal.render(data, verbosity=1):
        assert printable(line.text) == line.text, "no control or invisible character reaches the terminal"


def test_terminal_and_github_output_escape_control_and_invisible_characters(sample: dict[str, Any]) -> None:
    data = json.loads(json.dumps(sample))
    finding = data["docs"][0]["findings"][0]
    finding["message"] = "entry 'src/a\u200b.py\x1b[2J' is missing\u202e"
    finding["hint"] = "line one\nline two"
    expected = "entry 'src/a\\u200b.py\\x1b[2J' is missing\\u202e"
    assert terminal.finding_line(finding).endswith(expected)
    assert any(line.text.endswith(expected) for line in terminal.render(data))
    (command,) = [c for c in github.workflow_commands(all_findings(data)) if "missing" in c and "u202e" in c]
    assert command.endswith(f"::{expected}%0Aline one%0Aline two"), "the hint's line break stays the runner's"
    assert printable("naïve — café\u00a0ok") == "naïve — café\u00a0ok", "printable text and spaces stay as they are"


def test_long_missing_lists_fold_in_html_and_shorten_in_markdown(sample: dict[str, Any]) -> None:
    data = json.loads(json.dumps(sample))
    goal = data["docs"][0]["rows"][0]["goals"][0]
    goal["missing"] = "src/calc.py: " + ", ".join(f"{n}-{n + 1}" for n in range(10, 400, 3))
    page = render("html", data)
    assert page.count("<details") == 1 and "src/calc.py: 10-11, 13-14" in page
    assert "67-68, … (110 more)" in render("md", data), "a step summary stays short"


def test_every_line_boundary_in_a_cell_becomes_a_break() -> None:
    from pytest_designdoc.report.markdown import cell

    assert cell("a\x1eb\u2028c\r\nd|e") == "a <br>b <br>c <br>d\\|e"  # mistune 3.0 splits lines on \x1e too


def test_the_catalogue_is_the_readme_and_what_the_package_emits() -> None:
    from pytest_designdoc.codes import BY_CODE, markdown_table

    root = Path(__file__).resolve().parents[2]
    assert markdown_table() in (root / "README.md").read_text(encoding="utf-8")
    emitted, literals = set(), []
    for source in (root / "pytest_designdoc").rglob("*.py"):
        if source.name != "codes.py":
            tree = ast.parse(source.read_text(encoding="utf-8"))
            emitted.update(node.id for node in ast.walk(tree) if isinstance(node, ast.Name)
                           and re.fullmatch(r"DD\d{3}", node.id))
            literals.extend(f"{source.name}:{call.lineno}" for call in ast.walk(tree) if isinstance(call, ast.Call)
                            and isinstance(call.func, ast.Name) and call.func.id == "Finding"
                            and call.args and isinstance(call.args[0], ast.Constant))
    assert emitted == set(BY_CODE), "every code the package emits is catalogued, and no other"
    assert literals == [], "findings are made through the catalogue (codes.DD010.finding), not from a string"


def test_html_says_beside_each_undecided_or_failed_goal_why(sample: dict[str, Any]) -> None:
    page = render("html", sample)
    assert "why: a person checks it: no coverage figure decides it" in page
    assert "why: goal &#x27;90%&#x27; has no measurable target" in page
    assert "why: symbol &#x27;Calc.mul&#x27; not found in src/calc.py" in page
    assert page.count("why: ") == 8, "every goal but the two met ones says why"


def test_a_goal_figure_says_what_it_is() -> None:
    from pytest_designdoc.report.data import GoalData
    from pytest_designdoc.report.view import goal_figure

    function: GoalData = {"text": "`f`", "kind": "symbol", "status": "met", "actual": 50.0}
    public: GoalData = {"text": "public API of a.py", "kind": "symbol", "status": "met", "actual": 50.0, "public": True}
    unmeasured: GoalData = {"text": "public API", "kind": "symbol", "status": "not_run", "public": True}
    percent: GoalData = {"text": "90%", "kind": "percent", "status": "failed", "actual": 89.999, "required": 90.0,
                         "metric": "total"}
    saved_before_symbol_metrics: GoalData = {"text": "`f` 90%", "kind": "symbol", "status": "met", "actual": 95.0,
                                             "required": 90.0}
    assert [goal_figure(goal) for goal in (function, public, unmeasured, percent, saved_before_symbol_metrics)] == [
        "50.00% of its body's statements ran", "50.00% of their bodies' statements ran", "", "89.99% < 90% (total)",
        "95.00% ≥ 90% (line)"]


def test_the_usage_guide_states_each_goal_status_as_the_reports_do() -> None:
    from pathlib import Path

    from pytest_designdoc.model import GoalStatus
    from pytest_designdoc.report.view import GOAL_STATUS_MEANINGS

    guide = (Path(__file__).parents[2] / "docs" / "usage.md").read_text(encoding="utf-8")
    assert set(GOAL_STATUS_MEANINGS) == {status.value for status in GoalStatus}
    for status, meaning in GOAL_STATUS_MEANINGS.items():
        assert f"* `{status}`: {meaning}\n" in guide



def test_a_code_whose_severity_depends_on_the_case_needs_one_and_the_others_default() -> None:
    from pytest_designdoc import codes
    from pytest_designdoc.model import Finding, Severity, Subject

    assert codes.DD010.finding("d.md", 3, "m", "h", Subject(row=1)) == Finding(
        "DD010", Severity.ERROR, "d.md", 3, "m", "h", Subject(row=1))
    assert codes.DD014.finding("d.md", 3, "m").severity is Severity.WARNING
    assert codes.DD013.finding("d.md", 3, "m", severity=Severity.WARNING).severity is Severity.WARNING
    with pytest.raises(ValueError, match="DD013 is error / warning: the caller chooses the severity"):
        codes.DD013.finding("d.md", 3, "m")
