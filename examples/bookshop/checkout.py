"""Checkout: cart → order total."""

from __future__ import annotations

from .cart import Cart
from .pricing import total


def checkout(cart: Cart, code: str | None = None) -> int:
    lines = cart.lines()
    if not lines:
        raise ValueError("cart is empty")
    item_count = sum(qty for _, qty in lines)
    return total(cart.subtotal(), code, item_count)
