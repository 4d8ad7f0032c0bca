"""The project list's table (django-tables2, as NetBox's ``circuits/tables``)."""

import datetime

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from projects.models import Project
from projects.selectors import projects_with_overdue_problem, traffic_light

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


def _renderer(row: BoundRow, names: tuple[str, ...]):
    """``BoundRow._call_render`` given the arguments ``render`` names (none of ours takes
    ``**kwargs``)."""

    def render(bound_column, value=None):
        arguments = row._optional_cell_arguments(bound_column, value)
        content = bound_column.render(**{name: arguments[name] for name in names})
        return bound_column.link(content, **arguments) if bound_column.link else content

    return render


class ProjectTable(tables.Table):
    light = tables.Column(
        verbose_name=_("status"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "text-center"}},
    )
    # Every order ends on the id, so rows that tie (two projects of one amount) keep one order
    # from page to page instead of showing up twice or never.
    name = tables.Column(linkify=("workflow:project", [tables.A("pk")]), order_by=("name", "pk"))
    zone = tables.Column(accessor="zone__name", order_by=("zone__code", "pk"), attrs=_WIDE_ONLY)
    industry_chain = tables.Column(order_by=("industry_chain", "pk"), attrs=_WIDE_ONLY)
    tier = tables.Column(order_by=("tier", "pk"), attrs=_WIDE_ONLY)
    stage = tables.Column(order_by=("stage", "pk"), attrs={"td": {"class": "text-nowrap"}})
    total_investment = tables.Column(
        order_by=("total_investment", "pk"), attrs={"td": {"class": "text-end"}}
    )
    signed_on = IsoDateColumn(order_by=("signed_on", "pk"), attrs=_WIDE_ONLY)
    started_on = IsoDateColumn(order_by=("started_on", "pk"), attrs=_WIDE_ONLY)
    producing_on = IsoDateColumn(order_by=("producing_on", "pk"), attrs=_WIDE_ONLY)

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
        template_name = "projects/project_table.html"

    def __init__(self, *args, as_of: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.as_of = as_of
        self.overdue: set[int] = set()  # the page's projects with a problem past its deadline

    @property
    def body(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The page's rows for ``project_table.html``: each row's attributes and its cells, each
        with its ``td`` attributes.

        django-tables2 (3.0, pinned) works out again for every cell which arguments the column's
        ``render`` takes (``inspect.signature``) and asks the column for its attributes again (a
        dict merge and two class lookups): for 25 rows that cost more than the page's query. No
        column here sets attributes by record or value, so each column's are rendered once, and
        each ``render`` is called with the arguments it names, looked up once per column. The
        value, its default and the link are django-tables2's own (``BoundRow``).
        """
        columns = [
            (column, column.attrs["td"].as_html(), signature(column.render))
            for column in self.columns
        ]
        rows = list(self.paginated_rows)
        self.overdue = projects_with_overdue_problem(
            [row.record.pk for row in rows], as_of=self.as_of
        )
        return [
            (
                row.attrs.as_html(),
                [
                    (td, row._get_and_render_with(column, _renderer(row, names), column.default))
                    for column, td, (names, _catch_all) in columns
                ],
            )
            for row in rows
        ]

    def render_light(self, record: Project) -> str:
        light = traffic_light(
            record, as_of=self.as_of, has_overdue_problem=record.pk in self.overdue
        )
        return format_html(
            '<span class="light light-{}" title="{}"></span><span class="visually-hidden">{}: {}</span>',
            light.colour,
            light.reason,
            light.label,
            light.reason,
        )
