"""A shopping cart of books."""

from __future__ import annotations

from collections import Counter

from .catalog import Book, Catalog


class Cart:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._quantities: Counter[str] = Counter()

    def add(self, isbn: str, quantity: int = 1) -> None:
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        self._catalog.find(isbn)
        self._quantities[isbn] += quantity

    def remove(self, isbn: str) -> None:
        self._quantities.pop(isbn, None)

    def lines(self) -> list[tuple[Book, int]]:
        return [(self._catalog.find(isbn), qty) for isbn, qty in sorted(self._quantities.items())]

    def subtotal(self) -> int:
        return sum(book.price * qty for book, qty in self.lines())
