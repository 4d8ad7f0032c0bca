"""Reads shared by the API, the pages and the reports: the "三未" stall definition.

Each is one indexed SQL condition on the stage-entry dates, evaluated as of any date, so a past
week's ledger reads the same as it did that week.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from projects.models import Project


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
