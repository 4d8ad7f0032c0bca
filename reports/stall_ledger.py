"""The 三未 ledger workbook: every stalled project by zone and kind, with its leader and its open
problems and their owners, as of a date."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import IO

from django.db.models import Prefetch, QuerySet

from projects.models import Problem, Project, Zone
from reports.selectors import StallRow, stall_rows
from reports.weekly import STAGE_LABELS, STALL_LABELS, leader_name
from reports.xlsx import Workbook

_KIND_ORDER = {kind: index for index, kind in enumerate(STALL_LABELS)}
_CHUNK = 1000

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


def stall_ledger(
    projects: QuerySet[Project], *, as_of: datetime.date
) -> list[tuple[StallRow, Project]]:
    """The stalled projects with their zone, leader and open problems loaded, ordered by zone,
    kind and days over (most first)."""
    rows = list(stall_rows(projects, as_of=as_of))
    loaded: dict[int, Project] = {}
    ids = sorted(row.project.pk for row in rows)
    open_problems = Prefetch(
        "problems",
        queryset=Problem.objects.filter(status=Problem.Status.OPEN).order_by("deadline", "pk"),
        to_attr="open_problems",
    )
    for start in range(0, len(ids), _CHUNK):
        chunk = projects.filter(pk__in=ids[start : start + _CHUNK])
        for project in chunk.select_related("zone", "leader").prefetch_related(open_problems):
            loaded[project.pk] = project
    ledger = [(row, loaded[row.project.pk]) for row in rows]
    ledger.sort(
        key=lambda pair: (
            pair[1].zone.code,
            _KIND_ORDER[pair[0].kind],
            -pair[0].days_over,
            pair[1].pk,
        )
    )
    return ledger


def stalls_workbook(
    out: IO[bytes],
    *,
    projects: QuerySet[Project],
    zones: QuerySet[Zone],
    as_of: datetime.date,
    title: str,
) -> None:
    ledger = stall_ledger(projects, as_of=as_of)
    book = Workbook(out)
    summary = book.sheet("汇总", SUMMARY_COLUMNS, header_row=1)
    summary.write_string(0, 0, f"{title}“三未”项目台账（截至{as_of:%Y-%m-%d}）", book.title)
    book.header(summary, 1, [label for label, _ in SUMMARY_COLUMNS])
    counts = Counter((project.zone_id, row.kind) for row, project in ledger)
    places = list(zones.order_by("code"))
    for line, zone in enumerate(places, start=2):
        by_kind = [counts[(zone.pk, kind)] for kind in STALL_LABELS]
        book.row(summary, line, [zone.name, *by_kind, sum(by_kind)])
    totals = [sum(n for (_, k), n in counts.items() if k == kind) for kind in STALL_LABELS]
    book.row(summary, 2 + len(places), ["合计", *totals, sum(totals)])

    sheet = book.sheet("三未台账", LEDGER_COLUMNS, frozen_columns=4)
    book.header(sheet, 0, [label for label, _ in LEDGER_COLUMNS])
    for number, (row, project) in enumerate(ledger, start=1):
        problems = project.open_problems
        book.row(
            sheet,
            number,
            [
                number,
                project.zone.name,
                STALL_LABELS[row.kind],
                project.name,
                project.investor,
                project.total_investment,
                STAGE_LABELS[project.stage],
                row.since,
                row.days_over,
                leader_name(project.leader),
                "；".join(problem.description for problem in problems),
                "；".join(dict.fromkeys(problem.owner for problem in problems)),
            ],
            fills={8: "红"},
        )
    book.close()
