import pytest

from bookshop.cart import Cart


def test_add_and_subtotal(catalog):
    cart = Cart(catalog)
    cart.add("978-0", 2)
    cart.add("978-1")
    assert cart.subtotal() == 3200


def test_add_unknown_book(catalog):
    with pytest.raises(LookupError):
        Cart(catalog).add("nope")


def test_add_rejects_zero(catalog):
    with pytest.raises(ValueError):
        Cart(catalog).add("978-0", 0)


def test_remove(catalog):
    cart = Cart(catalog)
    cart.add("978-0")
    cart.remove("978-0")
    assert cart.lines() == []
