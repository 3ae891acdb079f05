"""Books and their prices, in cents."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Book:
    isbn: str
    title: str
    price: int


class Catalog:
    def __init__(self, books: list[Book]) -> None:
        self._books = {book.isbn: book for book in books}

    def find(self, isbn: str) -> Book:
        try:
            return self._books[isbn]
        except KeyError:
            raise LookupError(f"no book with ISBN {isbn}") from None

    def __len__(self) -> int:
        return len(self._books)
