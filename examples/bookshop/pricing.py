"""Discounts: percentage codes and a bulk discount."""

from __future__ import annotations

CODES = {"READMORE": 10, "STUDENT": 15}
BULK_THRESHOLD = 5
BULK_PERCENT = 5


def discount_percent(code: str | None, item_count: int) -> int:
    percent = CODES.get(code.upper(), 0) if code else 0
    if item_count >= BULK_THRESHOLD:
        percent += BULK_PERCENT
    return min(percent, 20)


def total(subtotal: int, code: str | None = None, item_count: int = 1) -> int:
    """The amount to pay, in cents, rounded down in the customer's favour."""
    if subtotal < 0:
        raise ValueError("subtotal cannot be negative")
    return subtotal * (100 - discount_percent(code, item_count)) // 100
