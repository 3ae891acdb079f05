"""A tiny bookshop: the example project pytest-designdoc checks."""
