"""pytest-designdoc: feature design docs as executable checks.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

__version__ = "0.2.0"
__all__ = ["__version__"]
