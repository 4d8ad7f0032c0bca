"""The monthly bulletin (月通报) of one city: the month's figures, built once and shown as a
workbook and as a printable page.

Zones are ranked by the three rates (all the city's rounds held by the month's end, on the city's
basis), with the "三未" counts against last month's, the month's stage changes, the problems
raised and resolved, and the warning letters and interviews.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import IO

from django.db.models import Count, Q
from django.utils import translation

from notifications.models import Interview, Letter
from projects.models import City, Project, Zone
from projects.selectors import with_stall
from reports.parameters import month_end
from reports.selectors import (
    RANKED_RATES,
    Basis,
    Narrowing,
    targets_of,
    three_rates,
    without_exact,
    zones_ranked,
)
from reports.weekly import STAGE_LABELS, STALL_LABELS, basis_text, stall_counts_by_zone
from reports.xlsx import Share, Workbook
from workflow.models import TransitionLog

RATE_LABELS = {"start_rate": "开工率", "production_rate": "投产率", "target_rate": "达效率"}
BATCH_OF_RATE = {"start_rate": "signed", "production_rate": "started", "target_rate": "producing"}
BATCH_LABELS = {"signed": "签约一批", "started": "开工一批", "producing": "投产一批"}


@dataclass
class StallCounts:
    zone: str
    now: dict[str, int]
    before: dict[str, int]

    @property
    def change(self) -> dict[str, int]:
        return {kind: self.now[kind] - self.before[kind] for kind in STALL_LABELS}


@dataclass
class Bulletin:
    city: City
    month: datetime.date
    as_of: datetime.date
    previous_as_of: datetime.date
    basis: Basis
    targets: dict[str, float]
    zones: list[dict]
    total: dict
    stalls: list[StallCounts]
    changes: list[TransitionLog]
    problems: list[dict]
    letters: list[Letter]
    interviews: list[Interview]

    @property
    def title(self) -> str:
        return f"{self.city.name}开发区“三个一批”项目月通报（{self.month:%Y年%m月}）"


def monthly_bulletin(*, city: City, month: datetime.date, today: datetime.date) -> Bulletin:
    """The bulletin of ``city`` (which the caller sees whole) for the month starting ``month``;
    figures as of the month's last day, or today while the month runs."""
    as_of = min(month_end(month), today)
    previous_as_of = month - datetime.timedelta(days=1)
    basis = Basis.of(city)
    zones = Zone.objects.filter(city=city)
    projects = Project.objects.filter(zone__city=city)
    narrowing = Narrowing(city_id=city.pk, held_to=as_of)
    ranked = zones_ranked(narrowing=narrowing, zones=zones, as_of=as_of, basis=basis)
    total = without_exact(three_rates(narrowing=narrowing, as_of=as_of, basis=basis))
    return Bulletin(
        city=city,
        month=month,
        as_of=as_of,
        previous_as_of=previous_as_of,
        basis=basis,
        targets=targets_of(city, as_of.year),
        zones=ranked,
        total=total,
        stalls=_stall_counts(zones, projects, as_of, previous_as_of),
        changes=list(
            TransitionLog.objects.filter(
                project__zone__city=city, effective_on__gte=month, effective_on__lte=as_of
            )
            .select_related("project__zone")
            .order_by("effective_on", "project__zone__name", "pk")
        ),
        letters=list(
            Letter.objects.filter(city=city, issued_on__gte=month, issued_on__lte=as_of)
            .select_related("zone", "project")
            .order_by("issued_on", "serial")
        ),
        interviews=list(
            Interview.objects.filter(zone__city=city, listed_on__gte=month, listed_on__lte=as_of)
            .select_related("zone", "project")
            .order_by("listed_on", "zone__code", "pk")
        ),
        problems=list(
            zones.order_by("code")
            .values("name")
            .annotate(
                raised=Count(
                    "projects__problems",
                    filter=Q(
                        projects__problems__raised_on__gte=month,
                        projects__problems__raised_on__lte=as_of,
                    ),
                ),
                resolved=Count(
                    "projects__problems",
                    filter=Q(
                        projects__problems__resolved_on__gte=month,
                        projects__problems__resolved_on__lte=as_of,
                    ),
                ),
                open=Count(
                    "projects__problems",
                    filter=Q(projects__problems__raised_on__lte=as_of)
                    & (
                        Q(projects__problems__resolved_on__isnull=True)
                        | Q(projects__problems__resolved_on__gt=as_of)
                    ),
                ),
            )
        ),
    )


def _stall_counts(zones, projects, as_of, previous_as_of) -> list[StallCounts]:
    """Each zone's 三未 counts at the month's end and at last month's: two aggregate queries."""
    now = stall_counts_by_zone(with_stall(projects, as_of=as_of))
    before = stall_counts_by_zone(with_stall(projects, as_of=previous_as_of))
    return [
        StallCounts(
            zone=name,
            now={kind: now[(zone_id, kind)] for kind in STALL_LABELS},
            before={kind: before[(zone_id, kind)] for kind in STALL_LABELS},
        )
        for zone_id, name in zones.order_by("code").values_list("pk", "name")
    ]


RANK_COLUMNS = [
    ("开发区", 26),
    *(
        column
        for rate in RANKED_RATES
        for column in (
            (f"{BATCH_LABELS[BATCH_OF_RATE[rate]]}项目数", 10),
            (RATE_LABELS[rate], 9),
            ("排名", 6),
        )
    ),
]
STALL_COLUMNS = [
    ("开发区", 26),
    *((f"{label}（本月）", 11) for label in STALL_LABELS.values()),
    *((f"{label}（上月）", 11) for label in STALL_LABELS.values()),
    *((f"{label}（增减）", 11) for label in STALL_LABELS.values()),
]
CHANGE_COLUMNS = [
    ("序号", 6),
    ("日期", 11),
    ("开发区", 22),
    ("项目名称", 30),
    ("原阶段", 8),
    ("新阶段", 8),
    ("变更", 10),
    ("说明", 30),
]
PROBLEM_COLUMNS = [("开发区", 26), ("本月提出", 10), ("本月销号", 10), ("月末未解决", 11)]
LETTER_COLUMNS = [("类别", 14), ("编号", 16), ("开发区", 22), ("项目名称", 30), ("日期", 11)]
NONE_THIS_MONTH = "本月无"


def monthly_workbook(out: IO[bytes], bulletin: Bulletin) -> None:
    book = Workbook(out)
    with translation.override("zh-hans"):
        _rank_sheet(book, bulletin)
        _stall_sheet(book, bulletin)
        _change_sheet(book, bulletin)
        _problem_sheet(book, bulletin)
        _letter_sheet(book, bulletin)
    book.close()


def _rank_sheet(book: Workbook, bulletin: Bulletin) -> None:
    header_row = 3
    sheet = book.sheet("三率排名", RANK_COLUMNS, header_row=header_row)
    sheet.write_string(0, 0, bulletin.title, book.title)
    sheet.write_string(
        1, 0, f"截至{bulletin.as_of:%Y-%m-%d}；{basis_text(bulletin.basis)}", book.note
    )
    targets = "；".join(
        f"{RATE_LABELS[rate]}目标 {bulletin.targets[rate] * 100:g}%" for rate in RANKED_RATES
    )
    sheet.write_string(2, 0, targets, book.note)
    book.header(sheet, header_row, [label for label, _ in RANK_COLUMNS])
    for line, zone in enumerate(bulletin.zones, start=header_row + 1):
        book.row(sheet, line, [zone["name"], *_rate_cells(zone, zone["rank"])])
    total_row = header_row + 1 + len(bulletin.zones)
    book.row(sheet, total_row, ["全市", *_rate_cells(bulletin.total, None)])
    book.row(
        sheet,
        total_row + 1,
        [
            "目标",
            *(cell for rate in RANKED_RATES for cell in ("", Share(bulletin.targets[rate]), "")),
        ],
    )


def _rate_cells(batches: dict, rank: dict | None) -> list:
    cells = []
    for rate in RANKED_RATES:
        batch = batches[BATCH_OF_RATE[rate]]
        place = rank.get(rate) if rank else None
        cells += [batch["count"], Share(batch[rate]), "" if place is None else place]
    return cells


def _stall_sheet(book: Workbook, bulletin: Bulletin) -> None:
    sheet = book.sheet("三未", STALL_COLUMNS, header_row=1)
    sheet.write_string(
        0,
        0,
        f"“三未”项目（截至{bulletin.as_of:%Y-%m-%d}，上月截至{bulletin.previous_as_of:%Y-%m-%d}）",
        book.title,
    )
    book.header(sheet, 1, [label for label, _ in STALL_COLUMNS])
    for line, counts in enumerate(bulletin.stalls, start=2):
        book.row(
            sheet,
            line,
            [
                counts.zone,
                *counts.now.values(),
                *counts.before.values(),
                *counts.change.values(),
            ],
        )


def _change_sheet(book: Workbook, bulletin: Bulletin) -> None:
    sheet = book.sheet("阶段变更", CHANGE_COLUMNS)
    book.header(sheet, 0, [label for label, _ in CHANGE_COLUMNS])
    if not bulletin.changes:
        sheet.write_string(1, 0, NONE_THIS_MONTH, book.text)
    for number, log in enumerate(bulletin.changes, start=1):
        book.row(
            sheet,
            number,
            [
                number,
                log.effective_on,
                log.project.zone.name,
                log.project.name,
                STAGE_LABELS[log.source],
                STAGE_LABELS[log.target],
                log.get_transition_display(),
                log.note,
            ],
        )


def _problem_sheet(book: Workbook, bulletin: Bulletin) -> None:
    sheet = book.sheet("问题", PROBLEM_COLUMNS)
    book.header(sheet, 0, [label for label, _ in PROBLEM_COLUMNS])
    for line, zone in enumerate(bulletin.problems, start=1):
        book.row(sheet, line, [zone["name"], zone["raised"], zone["resolved"], zone["open"]])


def _letter_sheet(book: Workbook, bulletin: Bulletin) -> None:
    sheet = book.sheet("警示函与约谈", LETTER_COLUMNS)
    book.header(sheet, 0, [label for label, _ in LETTER_COLUMNS])
    rows = [
        ("警示提醒函", letter.number, letter.zone.name, letter.project.name, letter.issued_on)
        for letter in bulletin.letters
    ] + [
        ("约谈", "", interview.zone.name, interview.project.name, interview.listed_on)
        for interview in bulletin.interviews
    ]
    if not rows:
        sheet.write_string(1, 0, NONE_THIS_MONTH, book.text)
    for line, row in enumerate(rows, start=1):
        book.row(sheet, line, list(row))
