"""Reads shared by the API, the pages, the reports and the scan: the "三未" stall rule.

One rule, in SQL: as of any date, a live project's days in its stage beyond the stage's
threshold (the ``StallThreshold`` rows, read once per query into it, most specific first), or its
days past the planned date of the next stage, whichever is larger. ``with_stall`` annotates a
queryset with ``stall_kind``, ``since`` and ``days_over``; everything else filters, counts and
orders on those annotations, so a past week's ledger reads as it did that week and an edited
threshold changes the endpoint, the filter, the workbook and the scan alike.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Problem, Project, Stage, StallThreshold


@dataclass(frozen=True)
class StallKind:
    name: str
    stage: str  # the stage the project is stuck in
    entered: str  # the stage-entry date
    left: str  # the next stage's date, empty while the project is stalled
    planned: str  # the planned date of the next stage


STALL_KINDS = (
    StallKind("signed_not_started", Stage.SIGNED, "signed_on", "started_on", "planned_start_on"),
    StallKind(
        "started_not_producing",
        Stage.STARTED,
        "started_on",
        "producing_on",
        "planned_production_on",
    ),
    StallKind(
        "producing_not_at_target",
        Stage.PRODUCING,
        "producing_on",
        "at_target_on",
        "planned_target_on",
    ),
)
STALL_KIND_NAMES = [kind.name for kind in STALL_KINDS]


class DaysBetween(Func):
    """Whole days from ``earlier`` to ``later``, two dates, as an integer in SQL."""

    output_field = IntegerField()
    arity = 2

    def _compiled(self, compiler):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return later, earlier, (*later_params, *earlier_params)

    def as_sql(self, compiler, connection, **extra):
        later, earlier, params = self._compiled(compiler)
        return f"(CAST({later} AS date) - CAST({earlier} AS date))", params

    def as_sqlite(self, compiler, connection, **extra):
        later, earlier, params = self._compiled(compiler)
        return f"CAST(JULIANDAY({later}) - JULIANDAY({earlier}) AS INTEGER)", params


def _in_stage_q(kind: StallKind, as_of: datetime.date) -> Q:
    """In the kind's stage on ``as_of``: entered by then, not left, not terminated."""
    return (
        Q(**{f"{kind.entered}__lte": as_of})
        & (Q(**{f"{kind.left}__isnull": True}) | Q(**{f"{kind.left}__gt": as_of}))
        & (Q(terminated_on__isnull=True) | Q(terminated_on__gt=as_of))
    )


def _threshold(kind: StallKind, rows: list[dict]) -> Case | Value:
    """The most specific threshold row for the project's stage, zone category and tier.

    The few rule rows, read once per query, become a CASE of literals (zone category and tier,
    then zone category alone, then tier alone, then the stage's default row): PostgreSQL then
    evaluates no subquery per project.
    """
    mine = sorted(
        (row for row in rows if row["stage"] == kind.stage),
        key=lambda row: (row["zone_category"] == "", row["tier"] == "", row["pk"]),
    )
    default = Value(StallThreshold.DEFAULT_DAYS[kind.stage])
    whens = []
    for row in mine:
        condition = Q()
        if row["zone_category"]:
            condition &= Q(zone__category=row["zone_category"])
        if row["tier"]:
            condition &= Q(tier=row["tier"])
        if not condition:
            default = Value(row["days"])
            break
        whens.append(When(condition, then=Value(row["days"])))
    if not whens:
        return default
    return Case(*whens, default=default, output_field=IntegerField())


def _per_kind(as_of: datetime.date, value, output_field) -> Case:
    return Case(
        *(When(_in_stage_q(kind, as_of), then=value(kind)) for kind in STALL_KINDS),
        default=None,
        output_field=output_field,
    )


def _threshold_rows() -> list[dict]:
    return list(StallThreshold.objects.values("pk", "stage", "zone_category", "tier", "days"))


def with_stall(
    projects: QuerySet, *, as_of: datetime.date, rows: list[dict] | None = None
) -> QuerySet:
    """``projects`` annotated with ``stall_kind``, ``since`` and ``days_over`` as of a date.

    ``stall_kind`` is set for every live project (the stage it is in on that date); the project
    is stalled when ``days_over`` is above zero. Filter with ``stalled_q()``. ``rows``: the
    threshold rows, when the caller has read them already.
    """
    day = Value(as_of, output_field=DateField())
    rows = rows if rows is not None else _threshold_rows()
    over_threshold = _per_kind(
        as_of,
        lambda kind: DaysBetween(day, F(kind.entered)) - _threshold(kind, rows),
        IntegerField(),
    )
    over_plan = _per_kind(as_of, lambda kind: DaysBetween(day, F(kind.planned)), IntegerField())
    return projects.annotate(
        stall_kind=_per_kind(as_of, lambda kind: Value(kind.name), CharField()),
        since=_per_kind(as_of, lambda kind: F(kind.entered), DateField()),
        days_over=Greatest(
            Coalesce(over_threshold, over_plan), Coalesce(over_plan, over_threshold)
        ),
    )


def stalled_q(kind: str | None = None) -> Q:
    """On a queryset from ``with_stall``: the stalled rows (of one kind)."""
    condition = Q(days_over__gt=0)
    return condition & Q(stall_kind=kind) if kind else condition


def not_stalled_q() -> Q:
    return Q(days_over__lte=0) | Q(days_over__isnull=True)


def _stalled_now(as_of: datetime.date, rows: list[dict]) -> Case:
    """``days_over > 0`` said the cheap way, for the WHERE clause: in a stage, and past its
    threshold or past the next stage's planned date.

    The same rule as ``days_over`` (first stage that holds, threshold rows most specific
    first), but plain comparisons instead of ``GREATEST`` over two ``CASE``s of date arithmetic,
    so the scan's detection costs about what a hand-written query does.
    """
    day = Value(as_of, output_field=DateField())
    return Case(
        *(
            When(
                _in_stage_q(kind, as_of),
                then=ExpressionWrapper(
                    Q(GreaterThan(DaysBetween(day, F(kind.entered)), _threshold(kind, rows)))
                    | Q(**{f"{kind.planned}__lt": as_of}),
                    output_field=BooleanField(),
                ),
            )
            for kind in STALL_KINDS
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def stalls(projects: QuerySet, *, as_of: datetime.date, kind: str | None = None) -> QuerySet:
    """The 三未 ledger of ``projects`` (already scoped): Project rows annotated with
    ``stall_kind``, ``days_over`` and ``since``, most overdue first, then by id."""
    thresholds = _threshold_rows()
    rows = with_stall(projects, as_of=as_of, rows=thresholds).filter(
        _stalled_now(as_of, thresholds)
    )
    if kind:
        rows = rows.filter(stall_kind=kind)
    return rows.order_by("-days_over", "pk")


def stall_page_rows(
    projects: QuerySet, *, as_of: datetime.date, kind: str | None = None
) -> QuerySet:
    """``stalls`` as the 三未 endpoint and page list it: with the zone and the leader, and only
    the columns they show. The database sorts a city's every stalled row to find a page, and
    a project's thirty-odd columns made that sort spill to disk."""
    return (
        stalls(projects, as_of=as_of, kind=kind)
        .select_related("zone", "leader")
        .only(
            "name",
            "stage",
            "zone__code",
            "zone__name",
            "leader__username",
            "leader__first_name",
            "leader__last_name",
        )
    )


def problem_overdue_q(*, as_of: datetime.date) -> Q:
    """A problem still open after its deadline (限时解决) as of a date."""
    return Q(status="open", deadline__lt=as_of)


# The traffic light (红/黄/绿) of the weekly workbook's project ledger and of the project list.
# A planned next-stage date this close makes a project yellow.
YELLOW_WITHIN_DAYS = 30
_NEXT_PLAN = {
    Stage.SIGNED: ("planned_start_on", gettext_lazy("planned start")),
    Stage.STARTED: ("planned_production_on", gettext_lazy("planned production")),
    Stage.PRODUCING: ("planned_target_on", gettext_lazy("planned target output")),
}
STALL_LABEL = {
    "signed_not_started": gettext_lazy("signed, not started"),
    "started_not_producing": gettext_lazy("started, not producing"),
    "producing_not_at_target": gettext_lazy("producing, not at target"),
}


@dataclass(frozen=True)
class Light:
    colour: str  # "red", "yellow" or "green"
    reason: str

    @property
    def label(self) -> str:
        """红, 黄 or 绿, whatever the language: the name the meetings use."""
        return LIGHT_LABELS[self.colour]


def overdue_problem_exists(as_of: datetime.date) -> Exists:
    """Annotation for ``traffic_light``: the project has an open problem past its deadline."""
    return Exists(Problem.objects.filter(problem_overdue_q(as_of=as_of), project=OuterRef("pk")))


def projects_with_overdue_problem(project_ids: list[int], *, as_of: datetime.date) -> set[int]:
    """Those of ``project_ids`` with an open problem past its deadline, for ``traffic_light``
    on a page of rows. ``overdue_problem_exists`` in the page's query is planned, once a scope
    holds a few hundred projects, as a hash of every such problem in the country."""
    return set(
        Problem.objects.filter(
            problem_overdue_q(as_of=as_of), project_id__in=project_ids
        ).values_list("project_id", flat=True)
    )


def traffic_light(
    project: Project, *, as_of: datetime.date, has_overdue_problem: bool, stall=None
) -> Light:
    """红: stalled (三未); 黄: the next stage's planned date is within 30 days, or an open
    problem is past its deadline; 绿: on track, and every project at target or terminated.

    The stall is the one SQL rule: ``stall`` (a row with ``kind`` and ``days_over``) when the
    caller has it, otherwise the ``stall_kind`` and ``days_over`` of a ``with_stall`` queryset.
    """
    if stall is not None:
        kind, days_over = stall.kind, stall.days_over
    else:
        kind, days_over = getattr(project, "stall_kind", None), getattr(project, "days_over", None)
    colour, planned = _light_of(project, as_of, has_overdue_problem, days_over)
    if colour == "red":
        return Light(
            "red",
            _("%(kind)s, %(days)s days over") % {"kind": STALL_LABEL[kind], "days": days_over},
        )
    if colour == "yellow" and planned:
        label = _NEXT_PLAN[project.stage][1]
        return Light("yellow", _("%(plan)s on %(date)s") % {"plan": label, "date": planned})
    if colour == "yellow":
        return Light("yellow", str(_("an open problem is past its deadline")))
    return Light("green", str(_("on track")))


def traffic_light_label(
    project, *, as_of: datetime.date, has_overdue_problem: bool, days_over: int | None
) -> str:
    """The light of ``traffic_light`` as 红, 黄 or 绿 alone, without the reason a page shows:
    a workbook of 10,000 projects would translate and format 10,000 sentences to drop them.
    ``project`` is anything with the project's ``stage`` and planned dates (a values row)."""
    colour, _planned = _light_of(project, as_of, has_overdue_problem, days_over)
    return LIGHT_LABELS[colour]


LIGHT_LABELS = {"red": "红", "yellow": "黄", "green": "绿"}


def _light_of(project, as_of, has_overdue_problem, days_over) -> tuple[str, datetime.date | None]:
    """The one rule of the light: its colour, and the planned date that made it yellow."""
    if (days_over or 0) > 0:
        return "red", None
    if project.stage in _NEXT_PLAN:
        planned = getattr(project, _NEXT_PLAN[project.stage][0])
        if planned and planned <= as_of + datetime.timedelta(YELLOW_WITHIN_DAYS):
            return "yellow", planned
        if has_overdue_problem:
            return "yellow", None
    return "green", None


@dataclass(frozen=True)
class TimelineEntry:
    """One stage or milestone of a project's timeline, planned against actual."""

    label: str
    planned: datetime.date | None
    actual: datetime.date | None
    # "done", "late" (done after its plan), "overdue" (plan passed, not done), "upcoming",
    # or "dropped" (a stage the terminated project will not reach).
    state: str
    is_stage: bool
    # Days done after the plan, or days past the plan while not done (negative: ahead).
    days_off_plan: int | None


_STAGE_PLAN = (
    (Stage.STARTED, "planned_start_on", "started_on"),
    (Stage.PRODUCING, "planned_production_on", "producing_on"),
    (Stage.AT_TARGET, "planned_target_on", "at_target_on"),
)


def project_timeline(project: Project, milestones, *, as_of: datetime.date) -> list[TimelineEntry]:
    """The project's stages and its milestones, oldest first, each planned against actual."""
    terminated = project.stage == Stage.TERMINATED

    def entry(label, planned, actual, *, is_stage, dropped=False) -> TimelineEntry:
        if actual is not None:
            state = "late" if planned is not None and actual > planned else "done"
        elif dropped:
            state = "dropped"
        elif planned is not None and planned < as_of:
            state = "overdue"
        else:
            state = "upcoming"
        off = None if planned is None or state == "dropped" else ((actual or as_of) - planned).days
        return TimelineEntry(str(label), planned, actual, state, is_stage, off)

    entries = [entry(Stage.SIGNED.label, None, project.signed_on, is_stage=True)]
    for stage, planned_field, actual_field in _STAGE_PLAN:
        actual = getattr(project, actual_field)
        entries.append(
            entry(
                stage.label,
                getattr(project, planned_field),
                actual,
                is_stage=True,
                dropped=terminated and actual is None,
            )
        )
    if terminated:
        entries.append(entry(Stage.TERMINATED.label, None, project.terminated_on, is_stage=True))
    for milestone in milestones:
        entries.append(
            entry(
                milestone.name,
                milestone.planned_on,
                milestone.done_on,
                is_stage=False,
                dropped=terminated and milestone.done_on is None,
            )
        )
    return sorted(
        entries, key=lambda e: (e.actual or e.planned or datetime.date.max, not e.is_stage)
    )
