"""The pages of the reports: the project list's current view as a workbook, and the printable
monthly bulletin (月通报) with the same figures as its workbook."""

import tempfile
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.errors import Refusal
from projects.filtersets import filter_projects
from projects.models import Membership, Zone
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


class DownloadsForm(forms.Form):
    week = forms.RegexField(
        label=_("week"),
        regex=r"^20\d\d-W\d\d$",
        error_messages={"invalid": _("Give the week as YYYY-Www, e.g. 2025-W26.")},
        widget=forms.TextInput(attrs={"type": "week", "class": "form-control form-control-sm"}),
    )
    month = forms.RegexField(
        label=_("month"),
        regex=r"^20\d\d-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("Enter a month as YYYY-MM.")},
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
    as_of = forms.DateField(
        label=_("三未 as of"),
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "class": "form-control form-control-sm"}
        ),
    )


@login_required
def downloads_page(request):
    """The weekly workbook and the 三未 ledger of each zone (and of the city, for those who see
    it whole), and the city's monthly bulletin, for a chosen week, month and date: links to the
    API's own downloads, which the session signs in to."""
    today = timezone.localdate()
    year, number, _weekday = today.isocalendar()
    initial = {"week": f"{year}-W{number:02d}", "month": f"{today:%Y-%m}", "as_of": today}
    form = DownloadsForm(request.GET or initial)
    places = []
    if form.is_valid():
        chosen = form.cleaned_data
        membership = Membership.of(request.user)
        if membership is not None and membership.city_id:
            city = membership.city
            places.append(
                {
                    "name": city.name,
                    "weekly": _api("weekly-workbook", city=city.name, week=chosen["week"]),
                    "stalls": _api("stalls-workbook", city=city.name, as_of=chosen["as_of"]),
                    "monthly": _api("monthly-workbook", city=city.name, month=chosen["month"]),
                    "bulletin": reverse("reports:monthly")
                    + "?"
                    + urlencode({"city": city.name, "month": chosen["month"]}),
                }
            )
        for zone in Zone.objects.restrict(request.user).order_by("code"):
            places.append(
                {
                    "name": zone.name,
                    "weekly": _api("weekly-workbook", zone=zone.code, week=chosen["week"]),
                    "stalls": _api("stalls-workbook", zone=zone.code, as_of=chosen["as_of"]),
                }
            )
    return render(
        request, "reports/downloads.html", {"nav": "downloads", "form": form, "places": places}
    )


def _api(name: str, **query) -> str:
    return reverse(name) + "?" + urlencode({k: str(v) for k, v in query.items()})
