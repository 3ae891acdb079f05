import pytest

from bookshop.pricing import discount_percent, total


@pytest.mark.parametrize(
    ("code", "count", "expected"),
    [(None, 1, 0), ("readmore", 1, 10), ("STUDENT", 5, 20), ("BOGUS", 6, 5)],
)
def test_discount_percent(code, count, expected):
    assert discount_percent(code, count) == expected


def test_total_rounds_down():
    assert total(999, "READMORE") == 899


def test_negative_subtotal():
    with pytest.raises(ValueError):
        total(-1)
