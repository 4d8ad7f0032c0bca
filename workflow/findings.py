"""What the scan finds: overdue milestones, stalled projects, problems past their deadline.

Reads only, as set-based SQL over a queryset of projects (the scan passes one zone's), each
evaluated as of a date. ``notifications`` turns findings into alerts; this module writes
nothing. A finding is identified by its rule, its project and its due period (the stage-entry
date of a stall, the milestone or problem and its date), so the same finding found on another
day is the same finding.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import DateField, F, Q, QuerySet, Value

from projects.models import Milestone, Problem
from projects.selectors import DaysBetween, stalls
from workflow.models import Rule


@dataclass(frozen=True)
class Finding:
    project_id: int
    rule: str
    due_period: str
    days_over: int
    since: datetime.date  # the date the clock started: stage entry, planned date, deadline
    subject: str  # what is late, in the officer's words (a milestone's or problem's name)

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.project_id, self.rule, self.due_period)


def _live_on(as_of: datetime.date, prefix: str = "") -> Q:
    return (
        Q(**{f"{prefix}signed_on__lte": as_of})
        & (
            Q(**{f"{prefix}terminated_on__isnull": True})
            | Q(**{f"{prefix}terminated_on__gt": as_of})
        )
        & (Q(**{f"{prefix}at_target_on__isnull": True}) | Q(**{f"{prefix}at_target_on__gt": as_of}))
    )


def stall_findings(projects: QuerySet, *, as_of: datetime.date) -> Iterator[Finding]:
    rows = stalls(projects, as_of=as_of).values_list("pk", "stall_kind", "days_over", "since")
    for project_id, kind, days_over, since in rows.iterator():
        yield Finding(project_id, kind, since.isoformat(), days_over, since, "")


def milestone_findings(
    projects: QuerySet, *, as_of: datetime.date, reminder_days: int
) -> Iterator[Finding]:
    """Open milestones due within ``reminder_days`` (due) or past their planned date (overdue)."""
    rows = (
        Milestone.objects.filter(project__in=projects)
        .filter(_live_on(as_of, "project__"))
        .filter(Q(done_on__isnull=True) | Q(done_on__gt=as_of))
        .filter(planned_on__lte=as_of + datetime.timedelta(days=reminder_days))
        .annotate(days_over=DaysBetween(Value(as_of, output_field=DateField()), F("planned_on")))
        .values_list("pk", "project_id", "name", "planned_on", "days_over")
    )
    for pk, project_id, name, planned_on, days_over in rows.iterator():
        rule = Rule.MILESTONE_OVERDUE if days_over > 0 else Rule.MILESTONE_DUE
        yield Finding(
            project_id, rule, f"{pk}@{planned_on.isoformat()}", max(days_over, 0), planned_on, name
        )


def problem_findings(projects: QuerySet, *, as_of: datetime.date) -> Iterator[Finding]:
    """Problems open on ``as_of`` past their deadline (限时解决)."""
    rows = (
        Problem.objects.filter(project__in=projects)
        .filter(_live_on(as_of, "project__"))
        .filter(raised_on__lte=as_of, deadline__lt=as_of)
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of))
        .annotate(days_over=DaysBetween(Value(as_of, output_field=DateField()), F("deadline")))
        .values_list("pk", "project_id", "description", "deadline", "days_over")
    )
    for pk, project_id, description, deadline, days_over in rows.iterator():
        yield Finding(
            project_id,
            Rule.PROBLEM_OVERDUE,
            f"{pk}@{deadline.isoformat()}",
            days_over,
            deadline,
            description[:60],
        )


def findings(projects: QuerySet, *, as_of: datetime.date, reminder_days: int) -> list[Finding]:
    """Every finding about ``projects`` as of a date: three queries, whatever their number."""
    return [
        *stall_findings(projects, as_of=as_of),
        *milestone_findings(projects, as_of=as_of, reminder_days=reminder_days),
        *problem_findings(projects, as_of=as_of),
    ]
