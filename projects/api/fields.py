import datetime
import re

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.models.dates import AsciiDigitsMixin, ascii_digits, not_before_2000


class SlugRelatedField(serializers.SlugRelatedField):
    """A slug lookup that answers "does not exist" for text no row can hold (a NUL byte),
    instead of letting PostgreSQL refuse the query."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class DateField(AsciiDigitsMixin, serializers.DateField):
    """A date; full-width digits and dashes read as ASCII."""


# Dates a query may ask about ("as of", "from", "to"): this century's, as the rounds are. Beyond
# them a year is mistyped, and near year 1 or 9999 the date arithmetic of a query overflows.
QUERY_DATES = (datetime.date(2000, 1, 1), datetime.date(2099, 12, 31))
_OUTSIDE = _("Give a date between 2000-01-01 and 2099-12-31.")


class QueryDateField(DateField):
    """A date parameter of a list or report, refused (400) outside ``QUERY_DATES``."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(QUERY_DATES[0], message=_OUTSIDE),
            MaxValueValidator(QUERY_DATES[1], message=_OUTSIDE),
        ]


class DecimalField(AsciiDigitsMixin, serializers.DecimalField):
    """A sum; full-width digits read as ASCII."""


_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


@extend_schema_field(
    {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2025-05"}
)
class MonthField(serializers.Field):
    """A month as ``YYYY-MM``, stored as its first day."""

    default_error_messages = {"invalid": _("Give the month as YYYY-MM, e.g. 2025-05.")}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("validators", [not_before_2000])
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> datetime.date:
        match = _MONTH.match(ascii_digits(data)) if isinstance(data, str) else None
        if match is None:
            self.fail("invalid")
        try:
            return datetime.date(int(match[1]), int(match[2]), 1)
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value: datetime.date) -> str:
        return f"{value:%Y-%m}"
