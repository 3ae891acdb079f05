"""``python -m pytest_designdoc`` is the ``designdoc`` command."""

from .cli import main

raise SystemExit(main())
