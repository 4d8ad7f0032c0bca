"""Validators shared by every model's dates and money."""

import datetime
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0")
# Every project of these rounds is of this century: an earlier date is a mistyped year.
not_before_2000 = MinValueValidator(
    datetime.date(2000, 1, 1), message=_("Dates before 2000 are not accepted; check the year.")
)
