"""The design as JUnit XML: one test case per file check and per goal.

One flat ``<testsuite>`` (what every JUnit consumer reads): class name =
doc key, name = what is checked. Errors fail, warnings pass with the
finding in ``system-out``, manual and not-run goals are skipped. Suite
``<properties>`` carry each doc's path, line, status and sha256.
Valid against the Jenkins/Surefire ``junit-10.xsd`` that pytest tests with.
"""

from __future__ import annotations

import re
from typing import Optional
from xml.etree import ElementTree as ET

from .data import DocData, FindingData, GoalData, ReportData, SubjectData
from .view import goal_details, goal_reasons, waiver_text

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(data: ReportData) -> str:
    suite = ET.Element("testsuite", name="pytest-designdoc")
    properties = ET.SubElement(suite, "properties")
    cases: list[ET.Element] = []
    for doc in sorted(data["docs"], key=lambda d: d["path"]):
        for name, value in (("path", doc["path"]), ("line", str(doc.get("line", 1))), ("status", doc["status"]),
                            ("sha256", doc.get("sha256", ""))):
            ET.SubElement(properties, "property", name=f"{doc['key']}.{name}", value=value)
        cases.extend(_doc_cases(doc, data.get("coverage", {}).get("note", "")))
    orphans = data["findings"]
    if orphans:
        case = ET.Element("testcase", classname="pytest-designdoc", name="test markers and discovery")
        _attach(case, orphans)
        cases.append(case)
    suite.extend(cases)
    failures = sum(1 for c in cases if c.find("failure") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suite.set("time", "0")
    for element in suite.iter():
        _make_xml_safe(element)
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def _doc_cases(doc: DocData, note: str = "") -> list[ET.Element]:
    """One case per Files entry, per row test file and per goal; each finding on the case its subject names."""
    key, path = doc["key"], doc["path"]
    by_subject: dict[tuple[tuple[str, object], ...], list[int]] = {}
    for position, finding in enumerate(doc["findings"]):
        by_subject.setdefault(_subject_key(finding.get("subject", {})), []).append(position)
    taken_positions: set[int] = set()
    cases = []

    def take(wanted: SubjectData, line: Optional[int] = None) -> list[FindingData]:
        positions = by_subject.get(_subject_key(wanted), [])
        taken = [p for p in positions if p not in taken_positions and line in (None, doc["findings"][p]["line"])]
        taken_positions.update(taken)
        return [doc["findings"][p] for p in taken]

    for entry in doc["files"]:
        case = ET.Element("testcase", classname=key, name=f"{entry['section']}: {entry['path']}")
        _attach(case, take({"file": entry["path"]}, entry["line"]))
        cases.append(case)
    reasons = goal_reasons(doc, note)
    for index, row in enumerate(doc["rows"]):
        row_cases = []
        for test_file in row["test_files"]:
            case = ET.Element("testcase", classname=key, name=f"tests: {test_file['path']}")
            _attach(case, take({"test": test_file["path"], "row": index}))
            row_cases.append(case)
        if row_cases:
            _attach(row_cases[0], take({"row": index}))
        cases.extend(row_cases)
        cases.extend(_goal_case(key, path, goal, take({"row": index, "goal": number}), reasons.get((index, number), ""))
                     for number, goal in enumerate(row["goals"]))
    rest = [finding for position, finding in enumerate(doc["findings"]) if position not in taken_positions]
    if rest:
        case = ET.Element("testcase", classname=key, name="document")
        _attach(case, rest)
        cases.insert(0, case)
    return cases


def _subject_key(subject: SubjectData) -> tuple[tuple[str, object], ...]:
    return tuple(sorted(subject.items()))


def _goal_case(key: str, path: str, goal: GoalData, own: list[FindingData], reason: str) -> ET.Element:
    """A goal's case: its own findings; a failure when a draft's goal failed; skipped, saying why, when undecided."""
    case = ET.Element("testcase", classname=key, name=goal["text"])
    details = goal_details(goal)
    explained = any(f["severity"] in ("error", "waived") for f in own)  # an error fails the case, a waiver skips it
    if goal["status"] == "failed" and not explained:
        failure = ET.SubElement(case, "failure", message=f"goal failed: {details}".rstrip(": "))
        failure.text = f"{path}:{goal.get('line', 1)} {goal['text']}"
    _attach(case, own)
    if _undecided(goal, explained) and case.find("skipped") is None:
        ET.SubElement(case, "skipped", message=f"{goal['status'].replace('_', ' ')}: {reason}".rstrip(": "))
    if details:
        ET.SubElement(case, "system-out").text = f"{path}:{goal.get('line', 1)} {goal['status']}: {details}"
    return case


def _undecided(goal: GoalData, explained: bool) -> bool:
    """Manual and not-run goals are; an unmeasurable one too, unless an error or a waiver of its own explains it."""
    return goal["status"] in ("manual", "not_run") or (goal["status"] == "unmeasurable" and not explained)


def _xml_text(text: str) -> str:
    """Characters XML 1.0 cannot carry (control characters from a doc) written as ``\\xNN``."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _make_xml_safe(element: ET.Element) -> None:
    if element.text:
        element.text = _xml_text(element.text)
    for name, value in element.attrib.items():
        element.set(name, _xml_text(value))


def _attach(case: ET.Element, findings: list[FindingData]) -> None:
    """Errors become one ``<failure>``; waived findings a ``<skipped>`` with the waiver; the rest ``<system-out>``."""
    errors, waived, others = _by_severity(findings)
    if errors:
        failure = ET.SubElement(case, "failure", type=errors[0]["code"], message=errors[0]["message"])
        failure.text = "\n".join(_line(f) for f in errors)
    elif waived:
        ET.SubElement(case, "skipped", message=f"{waived[0]['code']} {waiver_text(waived[0])}")
    others += waived[1:] if not errors else waived
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)


def _by_severity(findings: list[FindingData]) -> tuple[list[FindingData], list[FindingData], list[FindingData]]:
    """The errors, the waived findings and the others, each in their order."""
    errors = [f for f in findings if f["severity"] == "error"]
    waived = [f for f in findings if f["severity"] == "waived"]
    others = [f for f in findings if f["severity"] not in ("error", "waived")]
    return errors, waived, others


def _line(finding: FindingData) -> str:
    hint = f"\n    hint: {finding['hint']}" if finding.get("hint") else ""
    return f"{finding['path']}:{finding['line']} {finding['code']} {finding['severity']}: {finding['message']}{hint}"
