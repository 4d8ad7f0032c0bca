"""The import page: upload a zone's ledger, watch it being checked (htmx polls the import's
record), then read every bad row (row, column, reason) or a summary to confirm and apply.

A page upload is always a dry run first; confirming applies the same file, checked again, as a
new import (``ledger_import_confirm``). Every write is a service call; a refusal is shown in its
sentence."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from projects.access import may_edit_projects
from projects.errors import NotFound, Refusal
from projects.models import Zone
from reports.ledger_import import MAX_BYTES
from reports.models import LedgerImport
from reports.services import ledger_import_confirm, ledger_import_start

RECENT = 10


class UploadForm(forms.Form):
    zone = forms.ChoiceField(
        label=_("zone"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    file = forms.FileField(
        label=_("ledger (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control form-control-sm",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zones = Zone.objects.restrict(user).order_by("code").values_list("code", "name")
        self.fields["zone"].choices = list(zones)


@login_required
def import_page(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    refusal = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = ledger_import_start(
                user=request.user,
                zone_code=form.cleaned_data["zone"],
                file_name=upload.name or "",
                data=upload.read() if upload.size <= MAX_BYTES else None,
                size=upload.size,
                dry_run=True,
            )
        except Refusal as refused:
            refusal = refused
        else:
            return redirect("reports:import", pk=record.pk)
    status = refusal.status if refusal else (400 if form.is_bound else 200)
    return render(
        request,
        "reports/imports/upload.html",
        {
            "nav": "imports",
            "form": form,
            "refusal": refusal,
            "may_edit": may_edit_projects(request.user),
            "recent": LedgerImport.objects.restrict(request.user)
            .select_related("zone")
            .order_by("-created_at", "-pk")[:RECENT],
        },
        status=status,
    )


def _record(request, pk: int) -> LedgerImport:
    return get_object_or_404(
        LedgerImport.objects.restrict(request.user).select_related("zone").defer("file"), pk=pk
    )


def _status_context(request, record: LedgerImport, refusal=None) -> dict:
    return {
        "record": record,
        "percent": round(record.progress * 100),
        "may_edit": may_edit_projects(request.user),
        "confirmable": record.dry_run
        and record.status == LedgerImport.Status.READY
        and LedgerImport.objects.filter(pk=record.pk, file__isnull=False).exists(),
        "refusal": refusal,
    }


@login_required
def import_detail(request, pk: int):
    record = _record(request, pk)
    return render(
        request,
        "reports/imports/detail.html",
        {"nav": "imports", **_status_context(request, record)},
    )


@login_required
def import_status(request, pk: int):
    """The status alone, polled by htmx until the import has finished."""
    record = _record(request, pk)
    return render(request, "reports/imports/_status.html", _status_context(request, record))


@login_required
def import_apply(request, pk: int):
    record = _record(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        applied = ledger_import_confirm(user=request.user, import_id=record.pk)
    except NotFound:
        raise Http404 from None
    except Refusal as refusal:
        return render(
            request,
            "reports/imports/detail.html",
            {"nav": "imports", **_status_context(request, record, refusal)},
            status=refusal.status,
        )
    return redirect("reports:import", pk=applied.pk)
