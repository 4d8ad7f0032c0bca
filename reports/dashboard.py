"""The supervisors' and zone leaders' dashboard: what it shows, read in a fixed number of
queries whatever the number of projects, rounds or zones.

The three rates are the API's own answers (``three_rates_report`` for the whole campaign and by
zone, ``three_rates_by_round`` for each round: the API's ``?activity=``), so the page shows the
API's numbers to the last digit. Every figure carries the address of the list behind it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.models import Milestone, Problem, Project, Stage
from projects.selectors import (
    STALL_KINDS,
    STALL_LABEL,
    problem_overdue_q,
    stalled_q,
    with_stall,
)
from reports.monthly import BATCH_OF_RATE
from reports.selectors import RANKED_RATES, three_rates_by_round, three_rates_report
from workflow.models import TransitionLog

# How many rows of a list the dashboard shows; the count beside it is always the whole.
LIST_ROWS = 20
RATE_LABELS = {
    "start_rate": _("start rate"),
    "production_rate": _("production rate"),
    "target_rate": _("target rate"),
}


def percent(rate: float | None) -> str:
    """The API's share as a percent with exactly its digits: 0.571429 is 57.1429%."""
    if rate is None:
        return "—"
    return f"{Decimal(repr(rate)).scaleb(2):f}%"


def _projects(**query) -> str:
    return reverse("projects:list") + "?" + urlencode({k: v for k, v in query.items() if v})


def _cells(batches: dict, targets: dict, **query) -> list[dict]:
    cells = []
    for rate in RANKED_RATES:
        kind = BATCH_OF_RATE[rate]
        value = batches[kind][rate]
        cells.append(
            {
                "rate": rate,
                "count": batches[kind]["count"],
                "value": value,
                "percent": percent(value),
                "below": value is not None and value < targets[rate],
                "url": _projects(kind=kind, **query),
            }
        )
    return cells


def dashboard(*, user, as_of: datetime.date) -> dict:
    total = three_rates_report(user=user, as_of=as_of)
    by_zone = three_rates_report(user=user, as_of=as_of, by_zone=True)
    targets = total["targets"]
    rates = [
        {
            "name": rate,
            "label": RATE_LABELS[rate],
            "target": targets[rate],
            "target_percent": percent(targets[rate]),
        }
        for rate in RANKED_RATES
    ]
    rounds = [
        {
            "id": row["id"],
            "key": f"round-{row['id']}",
            "name": row["name"],
            "held_on": row["held_on"],
            "cells": _cells(row, targets, activity=row["id"]),
        }
        for row in three_rates_by_round(user=user, as_of=as_of)
    ]
    zones = [
        {
            "code": zone["zone"],
            "key": f"zone-{zone['zone']}",
            "name": zone["name"],
            "cells": _cells(zone, targets, zone=zone["zone"]),
            "rank": zone["rank"],
        }
        for zone in by_zone["zones"]
    ]
    projects = Project.objects.restrict(user)
    stage_counts = projects.aggregate(
        **{stage: Count("pk", filter=Q(stage=stage)) for stage in Stage.values}
    )
    funnel = [
        {
            "stage": stage,
            "label": Stage(stage).label,
            "count": stage_counts[stage],
            "url": _projects(stage=stage),
        }
        for stage in Stage.values
    ]
    stall_rows = (
        with_stall(projects, as_of=as_of)
        .order_by()
        .values("zone__code", "zone__name")
        .annotate(**{kind.name: Count("pk", filter=stalled_q(kind.name)) for kind in STALL_KINDS})
        .order_by("zone__code")
    )
    stalls = [
        {
            "code": row["zone__code"],
            "name": row["zone__name"],
            "cells": [
                {
                    "count": row[kind.name],
                    "url": reverse("projects:stalls")
                    + "?"
                    + urlencode({"zone": row["zone__code"], "kind": kind.name}),
                }
                for kind in STALL_KINDS
            ],
        }
        for row in stall_rows
    ]
    week_start = as_of - datetime.timedelta(days=as_of.weekday())
    changes = TransitionLog.objects.restrict(user).filter(
        effective_on__gte=week_start, effective_on__lte=as_of
    )
    late_milestones = Milestone.objects.restrict(user).filter(
        done_on__isnull=True, planned_on__lt=as_of
    )
    late_problems = Problem.objects.restrict(user).filter(problem_overdue_q(as_of=as_of))
    counts = {
        "changes": changes.count(),
        "milestones": late_milestones.count(),
        "problems": late_problems.count(),
    }
    return {
        "as_of": as_of,
        "basis": total["basis"],
        "rates": rates,
        "total": _cells(total, targets),
        "rounds": rounds,
        "zones": zones,
        "funnel": funnel,
        "stall_labels": [STALL_LABEL[kind.name] for kind in STALL_KINDS],
        "stalls": stalls,
        "week_start": week_start,
        "counts": counts,
        "changes": changes.select_related("project__zone", "by").order_by("-effective_on", "-pk")[
            :LIST_ROWS
        ],
        "late_milestones": late_milestones.select_related("project__zone").order_by(
            "planned_on", "pk"
        )[:LIST_ROWS],
        "late_problems": late_problems.select_related("project__zone").order_by("deadline", "pk")[
            :LIST_ROWS
        ],
        "chart": {
            "rates": [
                {"name": r["name"], "label": str(r["label"]), "target": r["target"]} for r in rates
            ],
            "zones": [
                {
                    "name": z["name"],
                    "values": [c["value"] for c in z["cells"]],
                    "urls": [c["url"] for c in z["cells"]],
                }
                for z in zones
            ],
            "rounds": [
                {
                    "name": r["name"],
                    "values": [c["value"] for c in r["cells"]],
                    "urls": [c["url"] for c in r["cells"]],
                }
                for r in rounds
            ],
            "funnel": [
                {"name": str(f["label"]), "value": f["count"], "url": f["url"]} for f in funnel
            ],
        },
    }
