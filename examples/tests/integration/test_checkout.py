import pytest

from bookshop.cart import Cart
from bookshop.checkout import checkout


@pytest.mark.designdoc("SHOP-3")
def test_checkout_with_code(catalog):
    cart = Cart(catalog)
    cart.add("978-0", 5)
    assert checkout(cart, "READMORE") == 5100


def test_empty_cart(catalog):
    with pytest.raises(ValueError):
        checkout(Cart(catalog))
