"""Which places a workbook covers, for the API, the pages and the commands alike.

Each export takes what its caller may read (``Reach``: the user's scope, or everything for a
command run on the server) and the parameters as given; a zone or city that is unknown or out of
reach is the same ``Invalid`` naming the parameter.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from projects.errors import Invalid
from projects.models import City, Project, Zone
from reports.monthly import Bulletin, monthly_bulletin, monthly_workbook
from reports.parameters import city_in_scope, month_of, zone_in_scope
from reports.selectors import Basis, Narrowing, targets_of
from reports.stall_ledger import stalls_workbook
from reports.weekly import Week, weekly_workbook


@dataclass(frozen=True)
class Reach:
    projects: QuerySet[Project]
    zones: QuerySet[Zone]
    cities: QuerySet[City]
    narrowing: Narrowing

    @classmethod
    def of(cls, user) -> Reach:
        return cls(
            Project.objects.restrict(user),
            Zone.objects.restrict(user),
            City.objects.restrict(user),
            Narrowing(user=user),
        )

    @classmethod
    def everything(cls) -> Reach:
        return cls(Project.objects.all(), Zone.objects.all(), City.objects.all(), Narrowing())


@dataclass(frozen=True)
class Place:
    """The zone or city a workbook is about, and its rows within reach."""

    city: City
    title: str
    slug: str
    projects: QuerySet[Project]
    zones: QuerySet[Zone]
    narrowing: Narrowing


def place_of(reach: Reach, *, zone: str | None, city: str | None) -> Place:
    """One zone, or one city seen whole (a city's workbook answers for all its zones)."""
    if bool(zone) == bool(city):
        raise Invalid.on("zone", _("Give exactly one of zone or city."))
    if zone:
        place = zone_in_scope(reach.zones, zone)
        return Place(
            place.city,
            place.name,
            place.code,
            reach.projects.filter(zone=place),
            reach.zones.filter(pk=place.pk),
            replace(reach.narrowing, zone_id=place.pk),
        )
    place = city_in_scope(reach.cities, reach.zones, city, whole=True)
    return Place(
        place,
        place.name,
        place.name,
        reach.projects.filter(zone__city=place),
        reach.zones.filter(city=place),
        replace(reach.narrowing, city_id=place.pk),
    )


def weekly_export(
    out: IO[bytes],
    reach: Reach,
    *,
    zone: str | None,
    city: str | None,
    week: str,
    today: datetime.date,
) -> str:
    """Write the weekly workbook of one zone or one city into ``out``; returns the file name."""
    try:
        parsed = Week.parse(week)
    except ValueError:
        raise Invalid.on("week", _("Give the week as YYYY-Www, e.g. 2025-W26.")) from None
    place = place_of(reach, zone=zone, city=city)
    as_of = min(parsed.sunday, today)
    weekly_workbook(
        out,
        projects=place.projects,
        narrowing=place.narrowing,
        basis=Basis.of(place.city),
        targets=targets_of(place.city, as_of.year),
        week=parsed,
        title=place.title,
        today=today,
    )
    return f"周调度表-{place.slug}-{parsed}.xlsx"


def stalls_export(
    out: IO[bytes],
    reach: Reach,
    *,
    zone: str | None,
    city: str | None,
    as_of: datetime.date,
) -> str:
    """Write the 三未 ledger of one zone or one city as of a date; returns the file name."""
    place = place_of(reach, zone=zone, city=city)
    stalls_workbook(out, projects=place.projects, zones=place.zones, as_of=as_of, title=place.title)
    return f"三未台账-{place.slug}-{as_of:%Y%m%d}.xlsx"


def bulletin_of(
    reach: Reach, *, city: str | None, month: str | None, today: datetime.date
) -> Bulletin:
    """The monthly bulletin of a city its caller sees whole."""
    first = month_of(month)
    if first > today:
        raise Invalid.on("month", _("That month has not begun yet."))
    if not city:
        raise Invalid.on("city", _("No such city."))
    place = city_in_scope(reach.cities, reach.zones, city, whole=True)
    return monthly_bulletin(city=place, month=first, today=today)


def monthly_export(
    out: IO[bytes], reach: Reach, *, city: str | None, month: str | None, today: datetime.date
) -> str:
    bulletin = bulletin_of(reach, city=city, month=month, today=today)
    monthly_workbook(out, bulletin)
    return f"月通报-{bulletin.city.name}-{bulletin.month:%Y-%m}.xlsx"
