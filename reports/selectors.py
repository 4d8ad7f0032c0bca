"""The "三率" as the cities publish them: one aggregate query on the city's basis (口径).

The query joins enrollment → activity → project (→ zone) and filters the join by the caller's
scope and parameters; it never asks ``activity IN (subquery) AND project IN (subquery)``, which
made PostgreSQL pair every project of a city with every round of it.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, QuerySet, Sum

from projects.models import City, Enrollment, Project, Zone
from reports.models import DEFAULT_TARGETS, RateBasis, RateTarget

# batch kind -> {rate name: the project date that counts it}
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
# The three rates the cities set targets for and rank zones by.
RANKED_RATES = ("start_rate", "production_rate", "target_rate")
# Published figures are read to two decimals of a percent; six decimals of the share keep
# that reading free of double rounding.
RATE_DIGITS = 6


@dataclass(frozen=True)
class Basis:
    """What the denominators leave out (口径); named in every answer."""

    terminated_in_denominator: bool = True
    above_scale_industry_only: bool = False

    @classmethod
    def of(cls, city: City | None, **overrides: bool | None) -> Basis:
        """The city's basis (defaults when it has none), with the request's overrides."""
        stored = RateBasis.objects.filter(city=city).first() if city else None
        basis = (
            cls(stored.terminated_in_denominator, stored.above_scale_industry_only)
            if stored
            else cls()
        )
        chosen = {name: value for name, value in overrides.items() if value is not None}
        return cls(**{**asdict(basis), **chosen})

    def as_dict(self) -> dict:
        return asdict(self)


def targets_of(city: City | None, year: int) -> dict[str, float]:
    """The city's targets for the year as shares, or the campaign's defaults."""
    stored = RateTarget.objects.filter(city=city, year=year).first() if city else None
    percents = (
        {rate: getattr(stored, rate) for rate in DEFAULT_TARGETS} if stored else DEFAULT_TARGETS
    )
    return {rate: float(value / 100) for rate, value in percents.items()}


def _counted(basis: Basis, as_of: datetime.date) -> Q:
    """The enrollments that count in a rate's denominator under ``basis``."""
    if basis.terminated_in_denominator:
        return Q()
    return Q(project__terminated_on__isnull=True) | Q(project__terminated_on__gt=as_of)


def _aggregates(basis: Basis, as_of: datetime.date) -> dict:
    counted = _counted(basis, as_of)
    industry = Q(project__category=Project.Category.INDUSTRY)
    above_scale_counted = counted & industry if basis.above_scale_industry_only else counted
    with_output = (
        counted
        & Q(project__actual_annual_output__isnull=False)
        & Q(project__target_annual_output__isnull=False)
    )
    aggregates = {
        "count": Count("id"),
        "total": Sum("project__total_investment"),
        "terminated": Count("id", filter=Q(project__terminated_on__lte=as_of)),
        "counted": Count("id", filter=counted),
        "above_scale_counted": Count("id", filter=above_scale_counted),
        "output_actual": Sum("project__actual_annual_output", filter=with_output),
        "output_target": Sum("project__target_annual_output", filter=with_output),
    }
    for rates in RATES.values():
        for rate, field in rates.items():
            within = above_scale_counted if rate == "above_scale_rate" else counted
            aggregates[rate] = Count("id", filter=within & Q(**{f"project__{field}__lte": as_of}))
    return aggregates


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _batch(kind: str, row: dict | None) -> dict:
    """One batch as the API answers it, with exact fractions kept under ``_exact`` for ranks."""
    row = row or {}
    batch: dict = {
        "count": row.get("count", 0),
        "total_investment": money(row.get("total")),
        "terminated": row.get("terminated", 0),
    }
    exact: dict[str, Fraction | None] = {}
    for rate in RATES[kind]:
        whole = row.get("above_scale_counted" if rate == "above_scale_rate" else "counted", 0)
        exact[rate] = _share(row.get(rate, 0), whole)
        batch[rate] = None if exact[rate] is None else round(float(exact[rate]), RATE_DIGITS)
    if kind == Enrollment.Kind.PRODUCING:
        target = row.get("output_target")
        batch["output_rate"] = (
            round(float(Decimal(row["output_actual"]) / Decimal(target)), RATE_DIGITS)
            if target
            else None
        )
    batch["_exact"] = exact
    return batch


def three_rates(
    *, enrollments: QuerySet[Enrollment], as_of: datetime.date, basis: Basis, by_zone: bool = False
) -> dict:
    """Counts, investment and rates of each batch of ``enrollments`` (scoped and narrowed by the
    caller) as of ``as_of``, in one aggregate query.

    A rate is the share of the batch's counted projects whose date is on or before ``as_of``;
    ``None`` when nothing counts. With ``by_zone`` the answer is ``{zone id: batches}``.
    """
    keys = ["kind", "project__zone_id"] if by_zone else ["kind"]
    rows = enrollments.order_by().values(*keys).annotate(**_aggregates(basis, as_of))
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row.get("project__zone_id"), {})[row["kind"]] = row
    if not by_zone:
        return _batches(grouped.get(None, {}))
    return {zone_id: _batches(kinds) for zone_id, kinds in grouped.items()}


def three_rates_by_round(*, user, as_of: datetime.date) -> list[dict]:
    """Each round in ``user``'s scope with its batches, in one aggregate query grouped by round:
    the same figures, on the same basis, as ``three_rates_report(activities=[round])``."""
    from projects.models import Activity

    basis = Basis.of(_home(user))
    rows = (
        Enrollment.objects.restrict(user)
        .order_by()
        .values("activity_id", "kind")
        .annotate(**_aggregates(basis, as_of))
    )
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row["activity_id"], {})[row["kind"]] = row
    return [
        {
            "id": round_.pk,
            "name": round_.name,
            "held_on": round_.held_on,
            **without_exact(_batches(grouped.get(round_.pk, {}))),
        }
        for round_ in Activity.objects.restrict(user).order_by("-held_on", "-pk")
    ]


def _home(user) -> City | None:
    from reports.parameters import home_city_id

    city_id = home_city_id(user)
    return City(pk=city_id) if city_id else None


def _batches(kinds: dict) -> dict:
    return {str(kind): _batch(kind, kinds.get(kind)) for kind in RATES}


def ranks(zones: list[dict]) -> None:
    """Give each zone its rank by each of the three rates, best first, in place.

    Ties share a rank (1, 2, 2, 4); a zone whose batch is empty has no rank (``None``).
    """
    for zone in zones:
        zone["rank"] = {}
    for rate in RANKED_RATES:
        kind = next(kind for kind, rates in RATES.items() if rate in rates)
        values = [z[str(kind)]["_exact"][rate] for z in zones]
        for zone, value in zip(zones, values, strict=True):
            zone["rank"][rate] = (
                None if value is None else 1 + sum(1 for v in values if v is not None and v > value)
            )


def without_exact(batches: dict) -> dict:
    """The batches as answered: the exact fractions dropped."""
    return {
        kind: {key: value for key, value in batch.items() if key != "_exact"}
        for kind, batch in batches.items()
    }


def money(value) -> str:
    return str((value or Decimal("0")).quantize(Decimal("0.01")))


def zones_ranked(
    *,
    enrollments: QuerySet[Enrollment],
    zones: QuerySet[Zone],
    as_of: datetime.date,
    basis: Basis,
) -> list[dict]:
    """Every zone of ``zones`` with its batches and ranks; a zone with no enrollment has empty
    batches and no rank."""
    by_zone = three_rates(enrollments=enrollments, as_of=as_of, basis=basis, by_zone=True)
    empty = _batches({})
    answer = [
        {"zone": zone.code, "name": zone.name, **by_zone.get(zone.pk, empty)}
        for zone in zones.order_by("code")
    ]
    ranks(answer)
    for zone in answer:
        for kind in RATES:
            zone[str(kind)] = {k: v for k, v in zone[str(kind)].items() if k != "_exact"}
    return answer


def three_rates_report(
    *,
    user,
    as_of: datetime.date,
    activities: list[int] | None = None,
    held_from: datetime.date | None = None,
    held_to: datetime.date | None = None,
    zone: str | None = None,
    city: str | None = None,
    by_zone: bool = False,
    terminated_in_denominator: bool | None = None,
    above_scale_industry_only: bool | None = None,
) -> dict:
    """The three-rates answer of the API and the pages, within ``user``'s scope.

    Unknown and foreign zones, cities and rounds are ``Invalid`` naming the parameter. The
    basis and targets are those of the report's city: the one named, the zone's, the rounds',
    or the caller's own.
    """
    from projects.models import Activity
    from reports.parameters import city_in_scope, home_city_id, rounds_in_scope, zone_in_scope

    zones = Zone.objects.restrict(user)
    enrollments = Enrollment.objects.restrict(user)
    city_id = None
    if zone:
        place = zone_in_scope(zones, zone)
        enrollments, zones, city_id = (
            enrollments.filter(project__zone_id=place.pk),
            zones.filter(pk=place.pk),
            place.city_id,
        )
    if city:
        place = city_in_scope(City.objects.restrict(user), zones, city)
        enrollments, zones, city_id = (
            enrollments.filter(project__zone__city_id=place.pk),
            zones.filter(city_id=place.pk),
            place.pk,
        )
    if activities:
        rounds = rounds_in_scope(Activity.objects.restrict(user), activities)
        enrollments = enrollments.filter(activity_id__in=rounds)
    if held_from:
        enrollments = enrollments.filter(activity__held_on__gte=held_from)
    if held_to:
        enrollments = enrollments.filter(activity__held_on__lte=held_to)
    if city_id is None:
        city_id = home_city_id(user)
    home = City(pk=city_id) if city_id else None
    basis = Basis.of(
        home,
        terminated_in_denominator=terminated_in_denominator,
        above_scale_industry_only=above_scale_industry_only,
    )
    answer: dict = {"as_of": as_of, "basis": basis.as_dict()}
    if by_zone:
        answer["zones"] = zones_ranked(
            enrollments=enrollments, zones=zones, as_of=as_of, basis=basis
        )
    else:
        answer.update(without_exact(three_rates(enrollments=enrollments, as_of=as_of, basis=basis)))
    answer["targets"] = targets_of(home, as_of.year)
    return answer


@dataclass(frozen=True)
class StallRow:
    project: Project
    kind: str
    days_over: int
    since: datetime.date


def stall_rows(projects: QuerySet[Project], *, as_of: datetime.date, kind: str | None = None):
    """The 三未 ledger of ``projects`` as rows, whichever shape ``projects.selectors.stalls``
    answers in: ``Stall(project, kind, …)`` records or projects annotated ``stall_kind``."""
    from projects.selectors import stalls

    for row in stalls(projects, as_of=as_of, kind=kind):
        yield StallRow(
            project=getattr(row, "project", row),
            kind=getattr(row, "stall_kind", None) or row.kind,
            days_over=row.days_over,
            since=row.since,
        )
