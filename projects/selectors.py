"""Reads shared by the API, the pages and the reports: the "三未" stall definition.

Each is one indexed SQL condition on the stage-entry dates, evaluated as of any date, so a past
week's ledger reads the same as it did that week.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Problem, Project, Stage


@dataclass(frozen=True)
class StallKind:
    name: str
    entered: str  # the stage-entry date
    left: str  # the next stage's date, empty while the project is stalled
    planned: str  # the planned date of the next stage
    threshold_days: int


# Defaults of DESIGN.md §4: signed 180 days, started 365, producing 365.
STALL_KINDS = (
    StallKind("signed_not_started", "signed_on", "started_on", "planned_start_on", 180),
    StallKind("started_not_producing", "started_on", "producing_on", "planned_production_on", 365),
    StallKind("producing_not_at_target", "producing_on", "at_target_on", "planned_target_on", 365),
)
STALL_KIND_NAMES = [kind.name for kind in STALL_KINDS]


def _in_stage_q(kind: StallKind, as_of: datetime.date) -> Q:
    return (
        Q(**{f"{kind.entered}__lte": as_of})
        & (Q(**{f"{kind.left}__isnull": True}) | Q(**{f"{kind.left}__gt": as_of}))
        & (Q(terminated_on__isnull=True) | Q(terminated_on__gt=as_of))
    )


def stall_q(kind: StallKind, as_of: datetime.date) -> Q:
    over_threshold = Q(**{f"{kind.entered}__lt": as_of - datetime.timedelta(kind.threshold_days)})
    past_plan = Q(**{f"{kind.planned}__lt": as_of})
    return _in_stage_q(kind, as_of) & (over_threshold | past_plan)


def stalled_q(*, as_of: datetime.date) -> Q:
    condition = Q(pk__in=[])
    for kind in STALL_KINDS:
        condition |= stall_q(kind, as_of)
    return condition


@dataclass(frozen=True)
class Stall:
    project: Project
    kind: str
    days_over: int
    since: datetime.date


def stalls(projects, *, as_of: datetime.date, kind: str | None = None) -> list[Stall]:
    """The 三未 ledger of ``projects`` (already scoped), most overdue first.

    ``days_over`` is the larger of the overrun past the stage's threshold and the overrun past
    the planned date of the next stage; ``since`` is the date the project entered its stage.
    """
    rows: list[Stall] = []
    for stall_kind in STALL_KINDS:
        if kind and stall_kind.name != kind:
            continue
        matching = projects.filter(stall_q(stall_kind, as_of)).select_related("zone", "leader")
        for project in matching:
            rows.append(_stall_of(project, stall_kind, as_of))
    rows.sort(key=lambda row: (-row.days_over, row.project.pk))
    return rows


def stall_of(project: Project, as_of: datetime.date) -> Stall | None:
    """The stall of one loaded project as of a date, or None; the same rule as ``stall_q``."""
    for kind in STALL_KINDS:
        entered, left = getattr(project, kind.entered), getattr(project, kind.left)
        if entered is None or entered > as_of or (left is not None and left <= as_of):
            continue
        if project.terminated_on is not None and project.terminated_on <= as_of:
            return None
        stall = _stall_of(project, kind, as_of)
        return stall if stall.days_over > 0 else None
    return None


def _stall_of(project: Project, kind: StallKind, as_of: datetime.date) -> Stall:
    entered = getattr(project, kind.entered)
    planned = getattr(project, kind.planned)
    overruns = [(as_of - entered).days - kind.threshold_days]
    if planned:
        overruns.append((as_of - planned).days)
    return Stall(project=project, kind=kind.name, days_over=max(overruns), since=entered)


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
        return {"red": "红", "yellow": "黄", "green": "绿"}[self.colour]


def overdue_problem_exists(as_of: datetime.date) -> Exists:
    """Annotation for ``traffic_light``: the project has an open problem past its deadline."""
    return Exists(Problem.objects.filter(problem_overdue_q(as_of=as_of), project=OuterRef("pk")))


def traffic_light(
    project: Project, *, as_of: datetime.date, has_overdue_problem: bool, stall=None
) -> Light:
    """红: stalled (三未); 黄: the next stage's planned date is within 30 days, or an open
    problem is past its deadline; 绿: on track, and every project at target or terminated.

    ``stall`` is the project's ``stall_of`` when the caller has it already.
    """
    stall = stall if stall is not None else stall_of(project, as_of)
    if stall:
        return Light(
            "red",
            _("%(kind)s, %(days)s days over")
            % {"kind": STALL_LABEL[stall.kind], "days": stall.days_over},
        )
    if project.stage in _NEXT_PLAN:
        field, label = _NEXT_PLAN[project.stage]
        planned = getattr(project, field)
        if planned and planned <= as_of + datetime.timedelta(YELLOW_WITHIN_DAYS):
            return Light("yellow", _("%(plan)s on %(date)s") % {"plan": label, "date": planned})
    if has_overdue_problem and project.stage in _NEXT_PLAN:
        return Light("yellow", str(_("an open problem is past its deadline")))
    return Light("green", str(_("on track")))


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
