"""The parameters every report takes, read the same way by the API, the pages and the commands.

A zone, city or round that does not exist and one outside the caller's scope answer the same
400 naming the parameter: a report must not tell an outsider which foreign places exist.
Dates are refused outside 2000–2099 before any date arithmetic can overflow.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers

from projects.errors import Invalid
from projects.models import Activity, City, Membership, Zone

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# Ids a 64-bit column can hold; a larger one is no round rather than an overflow.
MAX_ID = 2**63 - 1


def plausible(day: datetime.date, parameter: str) -> datetime.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid.on(parameter, _("Give a date between 2000-01-01 and 2099-12-31."))
    return day


class ReportDateField(serializers.DateField):
    """A ``YYYY-MM-DD`` report date within 2000–2099."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise serializers.ValidationError(_("Give a date between 2000-01-01 and 2099-12-31."))
        return day


def month_of(text: str | None, parameter: str = "month") -> datetime.date:
    """``YYYY-MM`` → the month's first day, within 2000–2099; ``Invalid`` otherwise."""
    match = _MONTH.match(text or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise Invalid.on(parameter, _("Give the month as YYYY-MM, e.g. 2025-06."))
    return plausible(datetime.date(int(match[1]), int(match[2]), 1), parameter)


def month_end(first: datetime.date) -> datetime.date:
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _unreadable(text: str) -> bool:
    return "\x00" in text or len(text) > 200


def zone_in_scope(zones: QuerySet[Zone], code: str) -> Zone:
    zone = None if _unreadable(code) else zones.filter(code=code).select_related("city").first()
    if zone is None:
        raise Invalid.on("zone", _("No such zone."))
    return zone


def city_in_scope(
    cities: QuerySet[City], zones: QuerySet[Zone], name: str, *, whole: bool = False
) -> City:
    """The city named, if the caller sees it; with ``whole``, only if they see all its zones
    (a city's own workbook is for those who answer for the whole city)."""
    city = None if _unreadable(name) else cities.filter(name=name).first()
    if city is not None and whole:
        seen = zones.filter(city=city).count()
        if seen != Zone.objects.filter(city=city).count():
            city = None
    if city is None:
        raise Invalid.on("city", _("No such city."))
    return city


def rounds_in_scope(activities: QuerySet[Activity], ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(ids))
    if any(not 1 <= pk <= MAX_ID for pk in wanted):
        raise Invalid.on("activity", _("No such round."))
    if len(activities.filter(pk__in=wanted)) != len(wanted):
        raise Invalid.on("activity", _("No such round."))
    return wanted


def home_city_id(user) -> int | None:
    """The city a member belongs to, directly or through their zone; None for others."""
    membership = Membership.of(user)
    if membership is None:
        return None
    return membership.city_id or (membership.zone.city_id if membership.zone_id else None)
