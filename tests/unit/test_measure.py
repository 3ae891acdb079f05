"""Context switching against a stand-in Coverage (starting a real tracer here would fight the run's own)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from coverage.exceptions import CoverageWarning

from pytest_designdoc.figures import context_label
from pytest_designdoc.measure import OWN, Measurement


class StandInCoverage:
    def __init__(self, message: str = "") -> None:
        self.message = message
        self.switched: list[str] = []

    def switch_context(self, label: str) -> None:
        self.switched.append(label)
        if self.message:
            warnings.warn(self.message, CoverageWarning, stacklevel=2)


def measuring(cov: Any) -> Measurement:
    measurement = Measurement(OWN, None, own=cov)
    measurement.own_started = True
    return measurement


def test_the_context_switches_once_per_test_file() -> None:
    cov = StandInCoverage()
    measurement = measuring(cov)
    for nodeid_file, keys in [("t/test_a.py", []), ("t/test_a.py", []), ("t/test_b.py", ["K-2", "K-1", "K-1"]),
                              ("t/test_b.py", ["K-1", "K-2"]), ("t/test_a.py", [])]:
        measurement.switch(context_label(nodeid_file, keys))
    assert cov.switched == ["t/test_a.py", "t/test_b.py::@designdoc[K-1,K-2]", "t/test_a.py"]
    assert measurement.problem == ""


@pytest.mark.parametrize(
    ("message", "why"),
    [
        ("Dynamic contexts aren't supported with core=sysmon; context data may be incomplete",
         "its core, sysmon, ignores them"),
        ("Conflicting dynamic contexts", "dynamic_context is configured"),
    ],
)
def test_a_coverage_that_ignores_context_switches_is_a_problem_not_wrong_figures(message: str, why: str) -> None:
    cov = StandInCoverage(message)
    measurement = measuring(cov)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        measurement.switch("t/test_a.py")
        measurement.switch("t/test_b.py")
    assert cov.switched == ["t/test_a.py"]
    assert f"({why})" in measurement.problem and "row-scoped figures are unavailable" in measurement.problem


def test_a_sysmon_core_is_detected_without_a_warning() -> None:
    cov = StandInCoverage()
    cov._core = type("Core", (), {"supports_dynamic_contexts": False})()  # type: ignore[attr-defined]
    measurement = measuring(cov)
    measurement.switch("t/test_a.py")
    assert "sysmon, ignores them" in measurement.problem and not measurement.switch_contexts


def test_nothing_is_switched_while_no_coverage_is_recording() -> None:
    cov = StandInCoverage()
    measurement = Measurement(OWN, None, own=cov)
    measurement.switch("t/test_a.py")
    measurement.own_started = True
    measurement.switch("t/test_a.py")
    assert cov.switched == ["t/test_a.py"]
