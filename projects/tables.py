"""The project list's table (django-tables2, as NetBox's ``circuits/tables``)."""

import datetime

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from projects.selectors import traffic_light

# Columns a phone does without; the name, stage and light stay.
_WIDE_ONLY = {
    "th": {"class": "d-none d-md-table-cell"},
    "td": {"class": "d-none d-md-table-cell"},
}


class IsoDateColumn(tables.Column):
    """A date as YYYY-MM-DD. django-tables2's ``DateColumn`` is a ``TemplateColumn`` that
    compiles its template again for every cell: three date columns cost more than the query."""

    def render(self, value: datetime.date) -> str:
        return value.isoformat()


class ProjectTable(tables.Table):
    light = tables.Column(
        verbose_name=_("status"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "text-center"}},
    )
    name = tables.Column(linkify=("workflow:project", [tables.A("pk")]))
    zone = tables.Column(accessor="zone__name", order_by=("zone__code",), attrs=_WIDE_ONLY)
    industry_chain = tables.Column(attrs=_WIDE_ONLY)
    tier = tables.Column(attrs=_WIDE_ONLY)
    stage = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    total_investment = tables.Column(attrs={"td": {"class": "text-end"}})
    signed_on = IsoDateColumn(attrs=_WIDE_ONLY)
    started_on = IsoDateColumn(attrs=_WIDE_ONLY)
    producing_on = IsoDateColumn(attrs=_WIDE_ONLY)

    class Meta:
        model = Project
        fields = (
            "light",
            "name",
            "zone",
            "industry_chain",
            "tier",
            "stage",
            "total_investment",
            "signed_on",
            "started_on",
            "producing_on",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No project matches these filters.")

    def __init__(self, *args, as_of: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def render_light(self, record: Project) -> str:
        light = traffic_light(
            record, as_of=self.as_of, has_overdue_problem=record.has_overdue_problem
        )
        return format_html(
            '<span class="light light-{}" title="{}"></span><span class="visually-hidden">{}: {}</span>',
            light.colour,
            light.reason,
            light.label,
            light.reason,
        )
