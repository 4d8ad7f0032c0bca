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


# The finding rows as querysets of named values, so the scan can run them inside its own SQL
# (``notifications.raising``) and a single project's re-check can read them as ``Finding``s.


def finding_columns(*, as_of: datetime.date, pk: str, since: str) -> dict:
    """The columns every row of a project's ledger (milestone, problem, letter) brings to a
    finding: its own pk, its project's id, zone, name, officer and leader, the days from its
    ``since`` date to ``as_of`` (negative before it), and when its project last changed (a
    milestone or problem saved marks its project changed)."""
    return {
        "f_changed": F("project__updated_at"),
        "f_pk": F(pk),
        "f_project": F("project_id"),
        "f_zone": F("project__zone_id"),
        "f_name": F("project__name"),
        "f_officer": F("project__officer_id"),
        "f_leader": F("project__leader_id"),
        "f_days": DaysBetween(Value(as_of, output_field=DateField()), F(since)),
    }


def stall_rows(projects: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """f_project, f_zone, f_name, f_officer, f_leader, f_rule (the stall kind), f_days,
    f_since, f_changed (when the project last changed)."""
    return (
        stalls(projects, as_of=as_of)
        .order_by()
        .values(
            f_project=F("pk"),
            f_zone=F("zone_id"),
            f_name=F("name"),
            f_officer=F("officer_id"),
            f_leader=F("leader_id"),
            f_rule=F("stall_kind"),
            f_days=F("days_over"),
            f_since=F("since"),
            f_changed=F("updated_at"),
        )
    )


def milestone_rows(projects: QuerySet, *, as_of: datetime.date, reminder_days: int) -> QuerySet:
    """Open milestones due within ``reminder_days`` or past their planned date: f_pk, the
    project's f_project, f_zone, f_name, f_officer, f_leader, then f_title, f_planned, f_days
    (negative before the date)."""
    return (
        Milestone.objects.filter(project__in=projects)
        .filter(_live_on(as_of, "project__"))
        .filter(Q(done_on__isnull=True) | Q(done_on__gt=as_of))
        .filter(planned_on__lte=as_of + datetime.timedelta(days=reminder_days))
        .order_by()
        .values(
            **finding_columns(as_of=as_of, pk="pk", since="planned_on"),
            f_title=F("name"),
            f_planned=F("planned_on"),
        )
    )


def problem_rows(projects: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Problems open on ``as_of`` past their deadline (限时解决): f_pk, f_project, f_zone,
    f_name, f_officer, f_leader, f_description, f_deadline, f_days."""
    return (
        Problem.objects.filter(project__in=projects)
        .filter(_live_on(as_of, "project__"))
        .filter(raised_on__lte=as_of, deadline__lt=as_of)
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of))
        .order_by()
        .values(
            **finding_columns(as_of=as_of, pk="pk", since="deadline"),
            f_description=F("description"),
            f_deadline=F("deadline"),
        )
    )


SUBJECT_LENGTH = 60  # a problem's description, cut to this, names it in the alert


def stall_findings(projects: QuerySet, *, as_of: datetime.date) -> Iterator[Finding]:
    for row in stall_rows(projects, as_of=as_of).iterator():
        since = row["f_since"]
        yield Finding(row["f_project"], row["f_rule"], since.isoformat(), row["f_days"], since, "")


def milestone_findings(
    projects: QuerySet, *, as_of: datetime.date, reminder_days: int
) -> Iterator[Finding]:
    """Open milestones due within ``reminder_days`` (due) or past their planned date (overdue)."""
    rows = milestone_rows(projects, as_of=as_of, reminder_days=reminder_days)
    for row in rows.iterator():
        days_over, planned_on = row["f_days"], row["f_planned"]
        rule = Rule.MILESTONE_OVERDUE if days_over > 0 else Rule.MILESTONE_DUE
        yield Finding(
            row["f_project"],
            rule,
            f"{row['f_pk']}@{planned_on.isoformat()}",
            max(days_over, 0),
            planned_on,
            row["f_title"],
        )


def problem_findings(projects: QuerySet, *, as_of: datetime.date) -> Iterator[Finding]:
    """Problems open on ``as_of`` past their deadline (限时解决)."""
    for row in problem_rows(projects, as_of=as_of).iterator():
        deadline = row["f_deadline"]
        yield Finding(
            row["f_project"],
            Rule.PROBLEM_OVERDUE,
            f"{row['f_pk']}@{deadline.isoformat()}",
            row["f_days"],
            deadline,
            row["f_description"][:SUBJECT_LENGTH],
        )


def findings(projects: QuerySet, *, as_of: datetime.date, reminder_days: int) -> list[Finding]:
    """Every finding about ``projects`` as of a date: three queries, whatever their number."""
    return [
        *stall_findings(projects, as_of=as_of),
        *milestone_findings(projects, as_of=as_of, reminder_days=reminder_days),
        *problem_findings(projects, as_of=as_of),
    ]
