"""The "三率" as the cities publish them, one aggregate query over the chosen rounds."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from projects.models import Activity, Enrollment, Project

# batch kind -> (rate name, the project date that counts it)
RATES = {
    Enrollment.Kind.SIGNED: {"start_rate": "started_on"},
    Enrollment.Kind.STARTED: {
        "statistics_rate": "in_statistics_on",
        "production_rate": "producing_on",
    },
    Enrollment.Kind.PRODUCING: {
        "target_rate": "at_target_on",
        "above_scale_rate": "above_scale_on",
    },
}


def chosen_rounds(
    rounds: QuerySet[Activity],
    *,
    activities: list[int] | None = None,
    held_from: datetime.date | None = None,
    held_to: datetime.date | None = None,
) -> QuerySet[Activity]:
    if activities:
        rounds = rounds.filter(pk__in=activities)
    if held_from:
        rounds = rounds.filter(held_on__gte=held_from)
    if held_to:
        rounds = rounds.filter(held_on__lte=held_to)
    return rounds


def chosen_projects(
    projects: QuerySet[Project], *, zone: str | None = None, city: str | None = None
) -> QuerySet[Project]:
    if zone:
        projects = projects.filter(zone__code=zone)
    if city:
        projects = projects.filter(zone__city__name=city)
    return projects


def three_rates(
    *, projects: QuerySet[Project], rounds: QuerySet[Activity], as_of: datetime.date
) -> dict:
    """Counts, investment and rates of each batch as of ``as_of``; terminated projects stay in.

    ``projects`` and ``rounds`` come scoped by the caller. A rate is the share of the batch
    whose date is on or before ``as_of``; ``None`` for an empty batch.
    """
    aggregates = {
        f"{rate}_{kind}": Count("id", filter=Q(**{f"project__{field}__lte": as_of}))
        for kind, rates in RATES.items()
        for rate, field in rates.items()
    }
    rows = (
        Enrollment.objects.filter(activity__in=rounds, project__in=projects)
        .values("kind")
        .annotate(count=Count("id"), total=Sum("project__total_investment"), **aggregates)
    )
    by_kind = {row["kind"]: row for row in rows}
    result: dict = {"as_of": as_of}
    for kind, rates in RATES.items():
        row = by_kind.get(kind, {})
        count = row.get("count", 0)
        batch = {"count": count, "total_investment": _money(row.get("total"))}
        for rate in rates:
            batch[rate] = round(row[f"{rate}_{kind}"] / count, 4) if count else None
        result[str(kind)] = batch
    result["targets"] = dict(settings.THREE_RATE_TARGETS)
    return result


def _money(value) -> str:
    return str((value or Decimal("0")).quantize(Decimal("0.01")))
