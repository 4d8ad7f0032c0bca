"""The fields and validators every model's dates and money share.

Every date of every model is a ``PlausibleDateField`` (refuses years before 2000) and every sum of
money a ``MoneyField`` (not negative, not above ``settings.MAX_MONEY_WAN``). Both read text given
with full-width digits (２０２５－０３－０１, １２０.５) as their ASCII forms (NFKC), wherever the
text comes from: the admin's forms (``formfield``), the API (``projects.api.serializers`` maps
these model fields to the normalising serializer fields below) and the model itself
(``to_python``, run by ``full_clean`` in the services and the import).
"""

import datetime
import unicodedata
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0")
# Every project of these rounds is of this century: an earlier date is a mistyped year.
not_before_2000 = MinValueValidator(
    datetime.date(2000, 1, 1), message=_("Dates before 2000 are not accepted; check the year.")
)


@deconstructible(path="projects.models.dates.MoneyCeilingValidator")
class MoneyCeilingValidator:
    """No sum above ``settings.MAX_MONEY_WAN`` 万元: read when validating, so the setting
    (``MAX_MONEY_WAN`` in the environment) changes it without a migration."""

    def __call__(self, value) -> None:
        ceiling = Decimal(settings.MAX_MONEY_WAN)
        if value is not None and value > ceiling:
            raise ValidationError(
                _("This sum is implausibly large; the most accepted is %(ceiling)s (10k yuan)."),
                code="max_value",
                params={"ceiling": f"{ceiling:,}"},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, MoneyCeilingValidator)


not_above_money_ceiling = MoneyCeilingValidator()
not_negative = MinValueValidator(ZERO)


def ascii_digits(value):
    """Text with full-width digits, signs and separators in their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


class AsciiDigitsMixin:
    """For a form or serializer field: normalise the text before parsing it."""

    def to_python(self, value):
        return super().to_python(ascii_digits(value))

    def to_internal_value(self, data):
        return super().to_internal_value(ascii_digits(data))


class DateFormField(AsciiDigitsMixin, forms.DateField):
    pass


class DecimalFormField(AsciiDigitsMixin, forms.DecimalField):
    pass


class PlausibleDateField(models.DateField):
    """A date of this century, full-width digits accepted."""

    default_validators = [not_before_2000]

    def to_python(self, value):
        return super().to_python(ascii_digits(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": DateFormField, **kwargs})


class MoneyField(models.DecimalField):
    """A sum in 万元: two decimals, not negative, not above the ceiling."""

    default_validators = [not_negative, not_above_money_ceiling]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return super().to_python(ascii_digits(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": DecimalFormField, **kwargs})
