"""Findings as SARIF 2.1.0, so code scanning shows them on the doc lines of a PR."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .. import __version__
from ..codes import CODES
from .data import FindingData, ReportData
from .view import all_findings, waiver_text

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}

RULES = {entry.code: entry.title for entry in CODES}


def render(data: ReportData) -> str:
    findings = all_findings(data)
    codes = sorted({f["code"] for f in findings} | set(RULES))
    index = {code: i for i, code in enumerate(codes)}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "pytest-designdoc",
            "version": __version__,
            "informationUri": "https://pypi.org/project/pytest-designdoc/",
            "rules": [{"id": code, "name": code, "shortDescription": {"text": RULES.get(code, code)}}
                      for code in codes],
        }},
        "originalUriBaseIds": {"ROOTDIR": {"uri": _dir_uri(data["rootdir"])}},
        "artifacts": [
            {"location": {"uri": doc["path"], "uriBaseId": "ROOTDIR"}, "hashes": {"sha-256": doc["sha256"]}}
            for doc in sorted(data["docs"], key=lambda d: d["path"]) if doc.get("sha256")
        ],
        "results": [_result(f, index[f["code"]]) for f in findings],
    }
    if data.get("created"):
        run["invocations"] = [{"executionSuccessful": True, "startTimeUtc": data["created"]}]
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _result(finding: FindingData, rule_index: int) -> dict[str, Any]:
    text = finding["message"] + (f" (hint: {finding['hint']})" if finding.get("hint") else "")
    identity = "\0".join((finding["code"], finding["path"], finding["message"]))
    waiver = finding.get("waiver")
    result: dict[str, Any] = {
        "ruleId": finding["code"],
        "ruleIndex": rule_index,
        "level": _LEVEL.get(waiver["severity"] if waiver else finding["severity"], "note"),
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": finding["path"], "uriBaseId": "ROOTDIR"},
            "region": {"startLine": max(1, int(finding["line"]))},
        }}],
        "partialFingerprints": {"designdocFinding/v1": hashlib.sha256(identity.encode()).hexdigest()},
    }
    if waiver:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": waiver_text(finding)}]
    return result


def _dir_uri(rootdir: str) -> str:
    from pathlib import PurePosixPath, PureWindowsPath

    path = PureWindowsPath(rootdir) if ":" in rootdir[:3] else PurePosixPath(rootdir)
    uri = path.as_uri() if path.is_absolute() else rootdir
    return uri if uri.endswith("/") else uri + "/"
