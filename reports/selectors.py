"""The "三率" as the cities publish them: one aggregate on the city's basis (口径).

The live query joins enrollment → activity → project (→ zone) and filters the join by the
caller's scope and parameters; it never asks ``activity IN (subquery) AND project IN
(subquery)``, which made PostgreSQL pair every project of a city with every round of it.

For the day the rollup was refreshed for (today, every ten minutes: ``services.rollups_refresh``),
the zones whose rows are still exact are summed from ``RateRollup`` instead, and only the others
are aggregated live; the two halves are added. Both are narrowed by one ``Narrowing``, said of a
zone and a round only, so they count the same enrollments.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Max, Q, QuerySet, Sum

from projects.models import City, Enrollment, Project, Zone
from reports.models import DEFAULT_TARGETS, RateBasis, RateRollup, RateTarget, RollupMark

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
# rate -> the ``RateRollup`` column that counts it
ROLLED_UP = {
    "start_rate": "started",
    "statistics_rate": "in_statistics",
    "production_rate": "producing",
    "target_rate": "at_target",
    "above_scale_rate": "above_scale",
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


class _Everything:
    def __repr__(self) -> str:
        return "EVERYTHING"


# A narrowing without a user's scope: for a command, or a city its caller sees whole.
EVERYTHING = _Everything()


@dataclass(frozen=True)
class Narrowing:
    """Which enrollments a report counts, said only of their zone and their round, so that
    the live aggregate (from enrollments) and the rollup (from its rows) narrow alike: ``user``
    is the scope (``restrict``, the one rule for every model), the rest the report's
    parameters."""

    user: object = EVERYTHING
    zone_id: int | None = None
    city_id: int | None = None
    province: str | None = None
    activity_ids: tuple[int, ...] | None = None
    held_from: datetime.date | None = None
    held_to: datetime.date | None = None

    def zones(self) -> QuerySet[Zone]:
        return self._narrowed(Zone.objects.all(), zone="", round_=None)

    def enrollments(self) -> QuerySet[Enrollment]:
        return self._narrowed(Enrollment.objects.all(), zone="project__zone", round_="activity")

    def rollups(self) -> QuerySet[RateRollup]:
        return self._narrowed(RateRollup.objects.all(), zone="zone", round_="activity")

    def _narrowed(self, rows, *, zone: str, round_: str | None):
        if self.user is not EVERYTHING:
            rows = rows.restrict(self.user)
        at = f"{zone}__" if zone else ""
        lookups: dict = {}
        if self.zone_id is not None:
            lookups[f"{at}pk"] = self.zone_id
        if self.city_id is not None:
            lookups[f"{at}city_id"] = self.city_id
        if self.province is not None:
            lookups[f"{at}city__province"] = self.province
        if round_ is not None:
            if self.activity_ids is not None:
                lookups[f"{round_}_id__in"] = self.activity_ids
            if self.held_from is not None:
                lookups[f"{round_}__held_on__gte"] = self.held_from
            if self.held_to is not None:
                lookups[f"{round_}__held_on__lte"] = self.held_to
        return rows.filter(**lookups)


def _rolled_up(basis: Basis) -> dict:
    """``_aggregates`` over the rollup's rows: each figure the sum of the rows the basis
    counts."""
    counted = Q() if basis.terminated_in_denominator else Q(terminated=False)
    above_scale_counted = counted & Q(industry=True) if basis.above_scale_industry_only else counted
    aggregates = {
        "count": Sum("count"),
        "total": Sum("total_investment"),
        "terminated": Sum("count", filter=Q(terminated=True)),
        "counted": Sum("count", filter=counted),
        "above_scale_counted": Sum("count", filter=above_scale_counted),
        # The rows hold the outputs of the projects having both.
        "output_actual": Sum("output_actual", filter=counted),
        "output_target": Sum("output_target", filter=counted),
    }
    for rate, column in ROLLED_UP.items():
        within = above_scale_counted if rate == "above_scale_rate" else counted
        aggregates[rate] = Sum(column, filter=within)
    return aggregates


# How a three-rates answer is grouped besides the batch: (live key, rollup key).
_GROUPS = {
    None: (None, None),
    "zone": ("project__zone_id", "zone_id"),
    "round": ("activity_id",) * 2,
}


def rollup_split(narrowing: Narrowing, as_of: datetime.date) -> tuple[list[int], list[int]]:
    """The narrowed zones whose rollup rows hold ``as_of`` exactly (fresh), and the others
    (stale): no mark for that day (never refreshed for it, or blanked by a change no date
    records), or a project stamped or an enrollment created since the rows were computed,
    less the margin of writes still uncommitted then. Two queries; one when no zone is marked
    for ``as_of`` (any day but the rollup's)."""
    marks = list(
        narrowing.zones()
        .order_by()
        .values_list("pk", "rollup_mark__as_of", "rollup_mark__computed_at")
    )
    computed = {zone: at for zone, day, at in marks if day == as_of and at is not None}
    if computed:
        margin = RollupMark.UNCOMMITTED_MARGIN
        for zone, last in _changed_since(min(computed.values()) - margin):
            if zone in computed and last >= computed[zone] - margin:
                del computed[zone]
    return sorted(computed), sorted({zone for zone, _day, _at in marks} - set(computed))


def _rows(narrowing: Narrowing, as_of: datetime.date, basis: Basis, group: str | None) -> dict:
    """``{(group key, kind): figures}`` of the narrowed enrollments as of ``as_of``: the fresh
    zones summed from the rollup, the stale ones aggregated live, the two added; all live
    when no zone is fresh."""
    live_key, rollup_key = _GROUPS[group]
    fresh, stale = rollup_split(narrowing, as_of)
    enrollments = narrowing.enrollments()
    if not fresh:
        return _live(enrollments, as_of, basis, live_key)
    rollups = narrowing.rollups()
    rollups = (
        rollups.filter(zone_id__in=fresh)
        if len(fresh) <= len(stale)
        else rollups.exclude(zone_id__in=stale)
    )
    keys = ["kind", rollup_key] if rollup_key else ["kind"]
    sums = {f"sum_{name}": aggregate for name, aggregate in _rolled_up(basis).items()}
    rows: dict = {}
    for row in rollups.order_by().values(*keys).annotate(**sums):
        # A sum over no row is null where the live count says 0.
        rows[(row.get(rollup_key), row["kind"])] = {
            name.removeprefix("sum_"): 0 if value is None else value for name, value in row.items()
        }
    if stale:
        live = _live(enrollments.filter(project__zone_id__in=stale), as_of, basis, live_key)
        for key, row in live.items():
            rows[key] = _added(rows[key], row) if key in rows else row
    return rows


def _live(enrollments: QuerySet[Enrollment], as_of, basis, key: str | None) -> dict:
    keys = ["kind", key] if key else ["kind"]
    rows = enrollments.order_by().values(*keys).annotate(**_aggregates(basis, as_of))
    return {(row.get(key), row["kind"]): row for row in rows}


def _changed_since(since) -> list[tuple[int, object]]:
    """Each zone with a project stamped, or an enrollment created, since ``since``, and the
    last such moment: both read through their timestamp's index."""
    projects = (
        Project.objects.filter(updated_at__gte=since)
        .order_by()
        .values("zone_id")
        .annotate(last=Max("updated_at"))
        .values_list("zone_id", "last")
    )
    enrollments = (
        Enrollment.objects.filter(created_at__gte=since)
        .order_by()
        .values("project__zone_id")
        .annotate(last=Max("created_at"))
        .values_list("project__zone_id", "last")
    )
    return list(projects.union(enrollments, all=True))


def _added(one: dict, other: dict) -> dict:
    return {
        name: (one.get(name) or 0) + (other.get(name) or 0) if name in _SUMMED else one[name]
        for name in one
    }


_SUMMED = {
    "count",
    "total",
    "terminated",
    "counted",
    "above_scale_counted",
    "output_actual",
    "output_target",
    *ROLLED_UP,
}


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
    *, narrowing: Narrowing, as_of: datetime.date, basis: Basis, by_zone: bool = False
) -> dict:
    """Counts, investment and rates of each batch of the enrollments ``narrowing`` keeps as of
    ``as_of`` (from the rollup where it holds that day, see ``_rows``).

    A rate is the share of the batch's counted projects whose date is on or before ``as_of``;
    ``None`` when nothing counts. With ``by_zone`` the answer is ``{zone id: batches}``.
    """
    grouped: dict = {}
    for (zone_id, kind), row in _rows(narrowing, as_of, basis, "zone" if by_zone else None).items():
        grouped.setdefault(zone_id, {})[kind] = row
    if not by_zone:
        return _batches(grouped.get(None, {}))
    return {zone_id: _batches(kinds) for zone_id, kinds in grouped.items()}


def three_rates_by_round(*, user, as_of: datetime.date) -> list[dict]:
    """Each round in ``user``'s scope with its batches, grouped by round: the same figures, on
    the same basis, as ``three_rates_report(activities=[round])``."""
    from projects.models import Activity

    basis = Basis.of(_home(user))
    grouped: dict = {}
    for (round_id, kind), row in _rows(Narrowing(user=user), as_of, basis, "round").items():
        grouped.setdefault(round_id, {})[kind] = row
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
    narrowing: Narrowing,
    zones: QuerySet[Zone],
    as_of: datetime.date,
    basis: Basis,
) -> list[dict]:
    """Every zone of ``zones`` with its batches and ranks; a zone with no enrollment has empty
    batches and no rank."""
    by_zone = three_rates(narrowing=narrowing, as_of=as_of, basis=basis, by_zone=True)
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
    narrowing = Narrowing(user=user, held_from=held_from or None, held_to=held_to or None)
    city_id = None
    if zone:
        place = zone_in_scope(zones, zone)
        narrowing = replace(narrowing, zone_id=place.pk)
        zones, city_id = zones.filter(pk=place.pk), place.city_id
    if city:
        place = city_in_scope(City.objects.restrict(user), zones, city)
        narrowing = replace(narrowing, city_id=place.pk)
        zones, city_id = zones.filter(city_id=place.pk), place.pk
    if activities:
        rounds = rounds_in_scope(Activity.objects.restrict(user), activities)
        narrowing = replace(narrowing, activity_ids=tuple(rounds))
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
        answer["zones"] = zones_ranked(narrowing=narrowing, zones=zones, as_of=as_of, basis=basis)
    else:
        answer.update(without_exact(three_rates(narrowing=narrowing, as_of=as_of, basis=basis)))
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
