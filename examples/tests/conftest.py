import pytest

from bookshop.catalog import Book, Catalog


@pytest.fixture
def catalog() -> Catalog:
    return Catalog([
        Book("978-0", "Dune", 1200),
        Book("978-1", "Emma", 800),
    ])
