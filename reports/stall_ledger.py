"""The 三未 ledger workbook: every stalled project by zone and kind, with its leader and its open
problems and their owners, as of a date."""

from __future__ import annotations

import datetime
from typing import IO

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from projects.models import Problem, Project, Zone
from projects.selectors import stalled_q, with_stall
from reports.weekly import STAGE_LABELS, STALL_LABELS, leader_name_of, stall_counts_by_zone
from reports.xlsx import Kind, Workbook

SUMMARY_COLUMNS = [("开发区", 28), *((label, 10) for label in STALL_LABELS.values()), ("合计", 8)]
LEDGER_COLUMNS = [
    ("序号", 6),
    ("开发区", 20),
    ("三未类型", 10),
    ("项目名称", 30),
    ("投资方（建设单位）", 26),
    ("总投资（万元）", 14),
    ("阶段", 7),
    ("进入阶段日期", 12),
    ("超期天数", 9),
    ("包联领导", 12),
    ("未解决问题", 40),
    ("问题责任单位", 24),
]


LEDGER_KINDS = (
    Kind.INTEGER,
    *[Kind.TEXT] * 4,
    Kind.MONEY,
    Kind.TEXT,
    Kind.DATE,
    Kind.DAYS_OVER,
    *[Kind.TEXT] * 3,
)
LEDGER_FIELDS = (
    "pk",
    "zone_name",
    "stall_kind",
    "name",
    "investor",
    "total_investment",
    "stage",
    "since",
    "days_over",
    "leader_first_name",
    "leader_last_name",
    "leader_username",
)


def stall_ledger(stalled: QuerySet[Project]) -> QuerySet:
    """The ``stalled`` projects (annotated by ``with_stall`` and filtered) as plain rows
    (``LEDGER_FIELDS``) with their zone's and leader's names, ordered by zone code, kind
    (签而未落, 落而未投, 投未见效) and days over (most first): one query, read as written."""
    kind_order = Case(
        *(When(stall_kind=kind, then=Value(index)) for index, kind in enumerate(STALL_LABELS)),
        output_field=IntegerField(),
    )
    return (
        stalled.annotate(
            zone_name=F("zone__name"),
            leader_first_name=F("leader__first_name"),
            leader_last_name=F("leader__last_name"),
            leader_username=F("leader__username"),
        )
        .order_by("zone__code", kind_order, "-days_over", "pk")
        .values_list(*LEDGER_FIELDS, named=True)
    )


def _open_problems(stalled: QuerySet[Project]) -> dict[int, list]:
    """The open problems of the ``stalled`` projects (description, owner) by project, earliest
    deadline first: one query."""
    rows = (
        Problem.objects.filter(project__in=stalled.order_by().values("pk"))
        .filter(status=Problem.Status.OPEN)
        .order_by("deadline", "pk")
        .values_list("project_id", "description", "owner")
    )
    by_project: dict[int, list] = {}
    for project_id, description, owner in rows:
        by_project.setdefault(project_id, []).append((description, owner))
    return by_project


def stalls_workbook(
    out: IO[bytes],
    *,
    projects: QuerySet[Project],
    zones: QuerySet[Zone],
    as_of: datetime.date,
    title: str,
) -> None:
    book = Workbook(out)
    summary = book.sheet("汇总", SUMMARY_COLUMNS, header_row=1)
    summary.write_string(0, 0, f"{title}“三未”项目台账（截至{as_of:%Y-%m-%d}）", book.title)
    book.header(summary, 1, [label for label, _ in SUMMARY_COLUMNS])
    stalled = with_stall(projects, as_of=as_of).filter(stalled_q())
    counts = stall_counts_by_zone(stalled)
    places = list(zones.order_by("code").values_list("pk", "name"))
    for line, (zone_id, zone_name) in enumerate(places, start=2):
        by_kind = [counts[(zone_id, kind)] for kind in STALL_LABELS]
        book.row(summary, line, [zone_name, *by_kind, sum(by_kind)])
    totals = [sum(n for (_, k), n in counts.items() if k == kind) for kind in STALL_LABELS]
    book.row(summary, 2 + len(places), ["合计", *totals, sum(totals)])

    sheet = book.sheet("三未台账", LEDGER_COLUMNS, frozen_columns=4)
    book.header(sheet, 0, [label for label, _ in LEDGER_COLUMNS])
    problems = _open_problems(stalled)
    writer = book.rows(sheet, LEDGER_KINDS)
    for number, row in enumerate(stall_ledger(stalled).iterator(chunk_size=2000), start=1):
        mine = problems.get(row.pk, ())
        writer.write(
            number,
            (
                number,
                row.zone_name,
                STALL_LABELS[row.stall_kind],
                row.name,
                row.investor,
                row.total_investment,
                STAGE_LABELS[row.stage],
                row.since,
                row.days_over,
                leader_name_of(row.leader_first_name, row.leader_last_name, row.leader_username),
                "；".join(description for description, _owner in mine),
                "；".join(dict.fromkeys(owner for _description, owner in mine)),
            ),
        )
    book.close()
