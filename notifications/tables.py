"""The inbox's, the letters' and the interview list's tables (django-tables2, as
``projects.tables``)."""

import datetime

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from notifications.filtersets import ReplyState
from notifications.models import Alert, Letter
from workflow.models import Level

# Columns a phone does without.
_WIDE_ONLY = {
    "th": {"class": "d-none d-md-table-cell"},
    "td": {"class": "d-none d-md-table-cell"},
}
_NUMBER = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}

LEVEL_BADGE = {
    Level.REMINDER: "text-bg-secondary",
    Level.WARNING: "text-bg-warning",
    Level.LETTER: "text-bg-danger",
    Level.INTERVIEW: "text-bg-dark",
}
STATE_BADGE = {
    ReplyState.PENDING: "text-bg-warning",
    ReplyState.REPLIED: "text-bg-success",
    ReplyState.OVERDUE: "text-bg-danger",
}


class AlertTable(tables.Table):
    level = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    project = tables.Column(
        verbose_name=_("project"),
        accessor="project__name",
        order_by=("project__name",),
        linkify=("workflow:project", [tables.A("project_id")]),
    )
    rule = tables.Column(attrs=_WIDE_ONLY)
    message = tables.Column(orderable=False, attrs=_WIDE_ONLY)
    days_over = tables.Column(
        attrs={
            "th": {"class": "text-end d-none d-md-table-cell"},
            "td": {"class": "text-end d-none d-md-table-cell"},
        }
    )
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", attrs=_WIDE_ONLY)
    acknowledged_at = tables.Column(verbose_name=_("acknowledged"), empty_values=())

    class Meta:
        model = Alert
        fields = (
            "level",
            "project",
            "rule",
            "message",
            "days_over",
            "created_at",
            "acknowledged_at",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "inbox"}
        row_attrs = {
            "id": lambda record: f"alert-{record.pk}",
            "data-testid": lambda record: f"alert-{record.pk}",
            "class": lambda record: "" if record.acknowledged_at else "fw-semibold",
        }
        empty_text = _("No alert matches these filters.")

    def __init__(self, *args, request, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def render_level(self, record: Alert) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            LEVEL_BADGE.get(record.level, "text-bg-secondary"),
            record.get_level_display(),
        )

    def render_acknowledged_at(self, record: Alert) -> str:
        if record.acknowledged_at:
            return format_html(
                '<span data-testid="acknowledged-{}">{} {}</span>',
                record.pk,
                _("acknowledged"),
                date_format(timezone.localtime(record.acknowledged_at), "m-d H:i"),
            )
        url = reverse("notifications:ack", args=[record.pk])
        return format_html(
            '<form method="post" action="{url}" hx-post="{url}" hx-target="closest tr" '
            'hx-swap="outerHTML" class="m-0">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<input type="hidden" name="next" value="{here}">'
            '<button type="submit" class="btn btn-sm btn-outline-primary py-0 text-nowrap" '
            'data-testid="ack-{pk}">{label}</button></form>',
            url=url,
            token=get_token(self.request),
            here=self.request.get_full_path(),
            pk=record.pk,
            label=_("Acknowledge"),
        )


class LetterTable(tables.Table):
    number = tables.Column(
        linkify=("notifications:letter", [tables.A("pk")]), attrs={"td": {"class": "text-nowrap"}}
    )
    project = tables.Column(
        verbose_name=_("project"),
        accessor="project__name",
        order_by=("project__name",),
        linkify=("workflow:project", [tables.A("project_id")]),
    )
    zone = tables.Column(
        verbose_name=_("zone"),
        accessor="zone__name",
        order_by=("zone__code",),
        attrs=_WIDE_ONLY,
    )
    issued_on = tables.DateColumn(format="Y-m-d", attrs=_WIDE_ONLY)
    reply_due_on = tables.DateColumn(format="Y-m-d", attrs=_WIDE_ONLY)
    replied_on = tables.DateColumn(format="Y-m-d", attrs=_WIDE_ONLY)
    state = tables.Column(
        verbose_name=_("reply"), empty_values=(), orderable=False, accessor="replied_on"
    )
    document = tables.Column(verbose_name=_("letter"), empty_values=(), orderable=False)

    class Meta:
        model = Letter
        fields = (
            "number",
            "project",
            "zone",
            "issued_on",
            "reply_due_on",
            "replied_on",
            "state",
            "document",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "letters"}
        row_attrs = {"data-testid": lambda record: f"letter-{record.pk}"}
        empty_text = _("No warning letter matches these filters.")

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def render_state(self, record: Letter) -> str:
        state = ReplyState.of(record, self.today)
        return format_html(
            '<span class="badge {}">{}</span>', STATE_BADGE[state], ReplyState.LABELS[state]
        )

    def render_document(self, record: Letter) -> str:
        return format_html(
            '<a href="{}" download data-testid="download-{}">.docx<span class="visually-hidden"> {}</span></a>',
            reverse("letter-document", args=[record.pk]),
            record.pk,
            record.number,
        )


class InterviewTable(tables.Table):
    project = tables.Column(
        verbose_name=_("project"),
        accessor="project__name",
        orderable=False,
        linkify=("workflow:project", [tables.A("project_id")]),
    )
    zone = tables.Column(verbose_name=_("zone"), accessor="zone__name", orderable=False)
    rule = tables.Column(verbose_name=_("rule"), orderable=False, attrs=_WIDE_ONLY)
    days_over = tables.Column(
        accessor="days_over_now", verbose_name=_("days over"), orderable=False, attrs=_NUMBER
    )
    since = tables.DateColumn(
        verbose_name=_("since"), format="Y-m-d", orderable=False, attrs=_WIDE_ONLY
    )
    listed_on = tables.DateColumn(
        verbose_name=_("listed on"), format="Y-m-d", orderable=False, attrs=_WIDE_ONLY
    )

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "interviews"}
        empty_text = _("No project is on the interview list.")

    def render_rule(self, record) -> str:
        return record.get_rule_display()
