"""Which projects and rounds a weekly export covers, for the API and the command alike."""

from __future__ import annotations

import datetime
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from projects.errors import Invalid, NotFound
from projects.models import Activity, City, Project, Zone
from reports.weekly import Week, weekly_workbook


def weekly_export(
    out: IO[bytes],
    *,
    projects: QuerySet[Project],
    zones: QuerySet[Zone],
    zone: str | None,
    city: str | None,
    week: str,
    today: datetime.date,
) -> str:
    """Write the weekly workbook of one zone or one city (within ``zones``) into ``out``.

    Returns the file name to offer. Out of scope is ``NotFound``, bad parameters ``Invalid``.
    """
    if bool(zone) == bool(city):
        raise Invalid.on("zone", _("Give exactly one of zone or city."))
    try:
        parsed = Week.parse(week)
    except ValueError:
        raise Invalid.on("week", _("Give the week as YYYY-Www, e.g. 2025-W26.")) from None
    if zone:
        place = zones.filter(code=zone).select_related("city").first()
        if place is None:
            raise NotFound(_("No such zone."))
        projects, city_id, title, slug = (
            projects.filter(zone=place),
            place.city_id,
            place.name,
            zone,
        )
    else:
        place = City.objects.filter(name=city, zones__in=zones).distinct().first()
        # A city's workbook is for those who see the whole city, not one of its zones.
        if place is None or zones.filter(city=place).count() != place.zones.count():
            raise NotFound(_("No such city."))
        projects, city_id, title, slug = projects.filter(zone__city=place), place.pk, city, city
    weekly_workbook(
        out,
        projects=projects,
        rounds=Activity.objects.filter(city_id=city_id),
        week=parsed,
        title=title,
        today=today,
    )
    return f"周调度表-{slug}-{parsed}.xlsx"
