"""Euro amounts: the French way to write them and the cent rounding the CPAM applies.

Users read "27,40 €", not "27.4"; and the official worked examples round to the nearest
cent (54,427 → 54,43), so every amount shown goes through here.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_ROUNDING_MODES = {"half_up": ROUND_HALF_UP}


def round_amount(value: Decimal, decimals: int = 2, mode: str = "half_up") -> Decimal:
    """Round like the CPAM does (nearest cent, halves up); ``mode`` comes from rules.yml."""
    quantum = Decimal(1).scaleb(-decimals)
    return value.quantize(quantum, rounding=_ROUNDING_MODES[mode])


def format_number(value: Decimal, decimals: int = 2, drop_zero_cents: bool = False) -> str:
    """``1234.5`` → ``"1 234,50"``: space between thousands, comma before decimals."""
    rounded = round_amount(Decimal(value), decimals)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{decimals}f}"
    whole, _, cents = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + " ".join(groups)
    if cents and not (drop_zero_cents and set(cents) == {"0"}):
        result += "," + cents
    return result


def format_euros(value: Decimal, drop_zero_cents: bool = False) -> str:
    """``Decimal("27.4")`` → ``"27,40 €"``; incomes read better as ``"30 000 €"``."""
    return format_number(value, 2, drop_zero_cents) + " €"


def format_percent(fraction: Decimal) -> str:
    """``Decimal("0.71")`` → ``"71 %"``; ``Decimal("0.062")`` → ``"6,2 %"``."""
    percent = (Decimal(fraction) * 100).normalize()
    return format(percent, "f").replace(".", ",") + " %"
