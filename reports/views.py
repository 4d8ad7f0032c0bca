"""The pages of the reports: the project list's current view as a workbook, and the printable
monthly bulletin (月通报) with the same figures as its workbook."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone

from projects.errors import Refusal
from projects.filtersets import filter_projects
from reports.dashboard import dashboard
from reports.exports import Reach, bulletin_of
from reports.monthly import BATCH_OF_RATE, RATE_LABELS, STALL_LABELS
from reports.selectors import RANKED_RATES
from reports.weekly import STAGE_LABELS, basis_text, project_ledger_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def project_list_workbook(request):
    """The project list with the same filters, as the weekly workbook's project ledger."""
    today = timezone.localdate()
    _, projects = filter_projects(request.GET, user=request.user)
    # Spooled to disk past 16 MB; FileResponse streams it out and closes it once sent.
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    project_ledger_workbook(out, projects=projects, as_of=today)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"项目台账-{today:%Y%m%d}.xlsx", content_type=XLSX
    )


@login_required
def monthly_page(request):
    try:
        bulletin = bulletin_of(
            Reach.of(request.user),
            city=request.GET.get("city"),
            month=request.GET.get("month"),
            today=timezone.localdate(),
        )
    except Refusal as refusal:
        return render(request, "reports/monthly.html", {"refusal": refusal}, status=refusal.status)
    rates = [
        {"name": rate, "label": RATE_LABELS[rate], "batch": BATCH_OF_RATE[rate]}
        for rate in RANKED_RATES
    ]
    zones = [
        {
            "name": zone["name"],
            "cells": [
                {
                    "count": zone[r["batch"]]["count"],
                    "rate": zone[r["batch"]][r["name"]],
                    "rank": zone["rank"][r["name"]],
                    "below": _below(zone[r["batch"]][r["name"]], bulletin.targets[r["name"]]),
                }
                for r in rates
            ],
        }
        for zone in bulletin.zones
    ]
    total = [
        {
            "count": bulletin.total[r["batch"]]["count"],
            "rate": bulletin.total[r["batch"]][r["name"]],
        }
        for r in rates
    ]
    return render(
        request,
        "reports/monthly.html",
        {
            "bulletin": bulletin,
            "basis": basis_text(bulletin.basis),
            "rates": rates,
            "targets": [bulletin.targets[r["name"]] for r in rates],
            "zones": zones,
            "total": total,
            "stall_labels": list(STALL_LABELS.values()),
            "stalls": [
                {
                    "zone": row.zone,
                    "cells": [
                        (row.now[kind], row.before[kind], row.change[kind]) for kind in STALL_LABELS
                    ],
                }
                for row in bulletin.stalls
            ],
            "changes": [
                {
                    "on": log.effective_on,
                    "zone": log.project.zone.name,
                    "project": log.project.name,
                    "source": STAGE_LABELS[log.source],
                    "target": STAGE_LABELS[log.target],
                    "transition": log.get_transition_display(),
                }
                for log in bulletin.changes
            ],
        },
    )


def _below(rate: float | None, target: float) -> bool:
    return rate is not None and rate < target


@login_required
def dashboard_page(request):
    """The three rates per round and per zone against targets, the stage funnel, 三未 by zone
    and kind, this week's stage changes, overdue milestones and problems; as of today."""
    context = dashboard(user=request.user, as_of=timezone.localdate())
    return render(request, "reports/dashboard.html", {"nav": "dashboard", **context})
