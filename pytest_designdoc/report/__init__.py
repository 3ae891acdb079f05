"""Renderers of a :class:`~pytest_designdoc.model.Report`."""
