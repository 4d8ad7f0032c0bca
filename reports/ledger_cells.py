"""Reading one cell of an officer's ledger: dates and money as people type them in Excel.

Each parser returns the value, ``None`` for a blank cell, or raises ``CellError`` with a sentence
an officer can act on; nothing else escapes, whatever the cell holds.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

EARLIEST = datetime.date(2000, 1, 1)
# Excel's serial numbers of 2000-01-01 and 2099-12-31: a bare number in that range is a date.
_SERIAL_RANGE = (36526, 73050)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DASHED = re.compile(
    r"^(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?:T?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_CHINESE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
# 14 digits with 2 decimals: the model's DecimalField(max_digits=14, decimal_places=2).
MONEY_MAX = Decimal("999999999999.99")
CENT = Decimal("0.01")


class CellError(ValueError):
    """A cell that cannot be read; ``message`` is the officer's sentence."""

    def __init__(self, message: str) -> None:
        self.message = str(message)
        super().__init__(self.message)


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), outer and inner spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def parse_text(value: object, *, max_length: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("Expected text, found a true/false value."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"\s+", " ", text)
    if len(text) > max_length:
        raise CellError(
            _("Too long: at most %(limit)s characters, found %(count)s.")
            % {"limit": max_length, "count": len(text)}
        )
    return text


def parse_date(value: object) -> datetime.date | None:
    """An Excel date, its serial number, or text such as 2024-3-5, 2024.3.5, 2024/03/05 or
    2024年3月5日."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, bool):
        raise CellError(_("Expected a date, found a true/false value."))
    elif isinstance(value, int | float):
        day = _from_serial(value)
    elif isinstance(value, str):
        day = _from_text(value)
    else:
        raise CellError(_("Expected a date such as 2024-03-05."))
    if day < EARLIEST:
        raise CellError(_("Dates before 2000 are not accepted; check the year."))
    return day


def _from_serial(number: float) -> datetime.date:
    if not math.isfinite(number) or not (_SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]):
        raise CellError(_("“%(value)s” is not a date; write it as 2024-03-05.") % {"value": number})
    return _EXCEL_EPOCH + datetime.timedelta(days=int(number))


def _from_text(text: str) -> datetime.date:
    cleaned = normalise(text)
    match = _DASHED.match(cleaned)
    if match:
        parts = (match[1], match[3], match[4])
    else:
        match = _CHINESE.match(cleaned)
        if not match:
            raise CellError(
                _("“%(value)s” is not a date; write it as 2024-03-05.") % {"value": text[:40]}
            )
        parts = (match[1], match[2], match[3])
    try:
        return datetime.date(*(int(part) for part in parts))
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a day of the calendar.") % {"value": text[:40]}
        ) from None


def parse_money(value: object) -> Decimal | None:
    """An amount in 万元: a number, or text such as 1,234.5, 1234.5万元, 0.5亿元 or
    full-width １２３４．５; at most two decimals, not negative."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("Expected an amount in 10k yuan, found a true/false value."))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = _from_float(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError(_("Expected an amount in 10k yuan, such as 1234.5."))
        amount = value
    elif isinstance(value, str):
        amount = _money_from_text(value)
    else:
        raise CellError(_("Expected an amount in 10k yuan, such as 1234.5."))
    if amount < 0:
        raise CellError(_("An amount cannot be negative."))
    if amount > MONEY_MAX:
        raise CellError(_("The amount is too large; give it in 10k yuan (万元)."))
    if amount != amount.quantize(CENT, rounding="ROUND_HALF_UP"):
        raise CellError(_("Give the amount with at most two decimals (in 10k yuan)."))
    return amount.quantize(CENT)


def _from_float(number: float) -> Decimal:
    if not math.isfinite(number):
        raise CellError(_("Expected an amount in 10k yuan, such as 1234.5."))
    if abs(number) > float(MONEY_MAX) * 10:
        raise CellError(_("The amount is too large; give it in 10k yuan (万元)."))
    exact = Decimal(repr(number))
    # A sum computed by Excel carries binary noise (0.1 + 0.2): within a millionth of a cent is
    # the cent.
    rounded = exact.quantize(CENT, rounding="ROUND_HALF_UP")
    return rounded if abs(exact - rounded) < Decimal("1e-6") else exact


def _money_from_text(text: str) -> Decimal:
    cleaned = normalise(text).lstrip("¥")
    factor = Decimal(1)
    for suffix, multiplier in (("亿元", 10000), ("亿", 10000), ("万元", 1), ("万", 1)):
        if cleaned.endswith(suffix):
            cleaned, factor = cleaned[: -len(suffix)], Decimal(multiplier)
            break
    negative = cleaned.startswith("-")
    digits = cleaned[1:] if negative else cleaned
    if _GROUPED.match(digits):
        digits = digits.replace(",", "")
    elif not _PLAIN.match(digits) or len(digits) > 30:
        raise CellError(
            _("“%(value)s” is not an amount; write it as 1234.5 (in 10k yuan).")
            % {"value": text[:40]}
        )
    try:
        amount = Decimal(digits) * factor
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        raise CellError(_("Expected an amount in 10k yuan, such as 1234.5.")) from None
    return -amount if negative else amount
