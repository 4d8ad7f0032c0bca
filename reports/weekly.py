"""The weekly scheduling-meeting workbook (周调度表).

Three sheets: 汇总 (the three rates against their targets and, per zone, the stage and "三未"
counts), 项目台账 (one row per project with its traffic light 红/黄/绿) and 问题台账 (open
problems). Written with XlsxWriter in constant-memory mode (``reports.xlsx``) straight from
database iterators, so 10,000 projects stay fast and small in memory.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import translation

from projects.models import Enrollment, Problem, ProgressReport, Project, Stage
from projects.selectors import traffic_light
from reports.selectors import Basis, stall_rows, three_rates
from reports.xlsx import Share, Workbook

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
STAGE_LABELS = {
    Stage.SIGNED: "签约",
    Stage.STARTED: "开工",
    Stage.PRODUCING: "投产",
    Stage.AT_TARGET: "达效",
    Stage.TERMINATED: "终止",
}
STALL_LABELS = {
    "signed_not_started": "签而未落",
    "started_not_producing": "落而未投",
    "producing_not_at_target": "投未见效",
}


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        """``YYYY-Www`` (ISO 8601 week) of 2000–2099, e.g. ``2025-W26``; ValueError otherwise."""
        match = _WEEK.match(text or "")
        if not match or not 2000 <= int(match[1]) <= 2099:
            raise ValueError(f"{text!r} is not a week like 2025-W26")
        week = cls(int(match[1]), int(match[2]))
        week.monday  # noqa: B018 -- validates the week number for that year
        return week

    @property
    def monday(self) -> datetime.date:
        return datetime.date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> datetime.date:
        return datetime.date.fromisocalendar(self.year, self.number, 7)

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"


def weekly_workbook(
    out: IO[bytes],
    *,
    projects: QuerySet[Project],
    enrollments: QuerySet[Enrollment],
    basis: Basis,
    targets: dict[str, float],
    week: Week,
    title: str,
    today: datetime.date,
) -> None:
    """Write the workbook of ``projects`` (already scoped) for ``week`` into ``out``.

    Figures are as of the week's Sunday, or today while the week is still running; the three
    rates are those of ``enrollments`` in rounds held by then, on ``basis``.
    """
    as_of = min(week.sunday, today)
    # Projects terminated before the week began are closed business for the meeting.
    projects = projects.exclude(terminated_on__lt=week.monday)
    heading = (
        f"{title}“三个一批”项目周调度表（{week.year}年第{week.number}周，截至{as_of:%Y-%m-%d}）"
    )
    stalled = {row.project.pk: row for row in stall_rows(projects, as_of=as_of)}
    book = Workbook(out)
    rates = three_rates(
        enrollments=enrollments.filter(activity__held_on__lte=as_of), as_of=as_of, basis=basis
    )
    # The meeting's workbook is Chinese whatever language the request asked for.
    with translation.override("zh-hans"):
        _summary_sheet(book, projects, rates, targets, basis, stalled, heading)
        _ledger_sheet(book, projects, stalled, as_of)
        _problem_sheet(book, projects, as_of)
    book.close()


SUMMARY_COLUMNS = [
    ("开发区", 28),
    ("项目数", 9),
    ("总投资（万元）", 16),
    ("签约", 8),
    ("开工", 8),
    ("投产", 8),
    ("达效", 8),
    ("终止", 8),
    ("签而未落", 10),
    ("落而未投", 10),
    ("投未见效", 10),
]
RATE_LINES = (
    ("signed", "签约一批", "start_rate", "开工率"),
    ("started", "开工一批", "statistics_rate", "入统率"),
    ("started", "开工一批", "production_rate", "投产率"),
    ("producing", "投产一批", "target_rate", "达效率"),
    ("producing", "投产一批", "above_scale_rate", "达规入库率"),
    ("producing", "投产一批", "output_rate", "产值达效率"),
)
# The row of the per-zone table's header: frozen there, so the zones scroll under it.
ZONE_HEADER_ROW = 11


def basis_text(basis: Basis) -> str:
    terminated = "含终止项目" if basis.terminated_in_denominator else "不含已终止项目"
    above_scale = "仅产业类项目" if basis.above_scale_industry_only else "全部项目"
    return f"口径：三率分母{terminated}；达规入库率按{above_scale}计"


def _summary_sheet(book, projects, rates, targets, basis, stalled, heading: str) -> None:
    sheet = book.sheet("汇总", SUMMARY_COLUMNS, header_row=ZONE_HEADER_ROW)
    sheet.write_string(0, 0, heading, book.title)
    book.header(sheet, 1, ["批次", "项目数", "总投资（万元）", "指标", "完成率", "目标"])
    for line, (batch, label, rate_name, rate_label) in enumerate(RATE_LINES, start=2):
        figures = rates[batch]
        target = targets.get(rate_name)
        book.row(
            sheet,
            line,
            [
                label,
                figures["count"],
                Decimal(figures["total_investment"]),
                rate_label,
                Share(figures[rate_name]),
                Share(target) if target is not None else "",
            ],
        )
    sheet.write_string(2 + len(RATE_LINES), 0, basis_text(basis), book.note)
    book.header(sheet, ZONE_HEADER_ROW, [label for label, _ in SUMMARY_COLUMNS])
    stall_counts = Counter((row.project.zone_id, row.kind) for row in stalled.values())
    by_zone = (
        projects.values("zone_id", "zone__name")
        .annotate(
            count=Count("id"),
            total=Sum("total_investment"),
            **{stage: Count("id", filter=Q(stage=stage)) for stage in Stage.values},
        )
        .order_by("zone__name")
    )
    for line, zone in enumerate(by_zone.iterator(), start=ZONE_HEADER_ROW + 1):
        book.row(
            sheet,
            line,
            [
                zone["zone__name"],
                zone["count"],
                zone["total"] or Decimal("0"),
                *(zone[stage] for stage in Stage.values),
                *(stall_counts[(zone["zone_id"], kind)] for kind in STALL_LABELS),
            ],
        )


LEDGER_COLUMNS = [
    ("序号", 6),
    ("项目名称", 30),
    ("投资方（建设单位）", 26),
    ("开发区", 20),
    ("产业链", 12),
    ("项目级别", 11),
    ("项目类别", 10),
    ("总投资（万元）", 14),
    ("阶段", 7),
    ("签约日期", 11),
    ("计划开工", 11),
    ("实际开工", 11),
    ("计划投产", 11),
    ("实际投产", 11),
    ("计划达效", 11),
    ("实际达效", 11),
    ("三未类型", 10),
    ("超期天数", 9),
    ("本月完成投资（万元）", 14),
    ("本月形象进度", 30),
    ("未解决问题", 30),
    ("包联领导", 12),
    ("状态", 6),
]


def _ledger_sheet(book, projects, stalled, as_of: datetime.date) -> None:
    sheet = book.sheet("项目台账", LEDGER_COLUMNS, frozen_columns=2)
    book.header(sheet, 0, [label for label, _ in LEDGER_COLUMNS])
    month = as_of.replace(day=1)
    this_month = ProgressReport.objects.filter(project=OuterRef("pk"), month=month)
    rows = (
        projects.select_related("zone", "leader")
        .annotate(
            month_investment=Subquery(this_month.values("investment_completed")[:1]),
            month_progress=Subquery(this_month.values("image_progress")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "problems",
                queryset=Problem.objects.filter(status=Problem.Status.OPEN).order_by("deadline"),
                to_attr="open_problems",
            )
        )
        .order_by("zone__name", "signed_on", "pk")
    )
    light_column = len(LEDGER_COLUMNS) - 1
    for number, project in enumerate(rows.iterator(chunk_size=1000), start=1):
        stall = stalled.get(project.pk)
        light = _light(project, stall, as_of)
        values = [
            number,
            project.name,
            project.investor,
            project.zone.name,
            project.industry_chain,
            project.get_tier_display(),
            project.get_category_display(),
            project.total_investment,
            STAGE_LABELS[project.stage],
            project.signed_on,
            project.planned_start_on,
            project.started_on,
            project.planned_production_on,
            project.producing_on,
            project.planned_target_on,
            project.at_target_on,
            STALL_LABELS[stall.kind] if stall else "",
            stall.days_over if stall else 0,
            project.month_investment,
            project.month_progress or "",
            "；".join(p.description for p in project.open_problems),
            leader_name(project.leader),
            light,
        ]
        book.row(sheet, number, values, fills={light_column: light})


def leader_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _light(project: Project, stall, as_of: datetime.date) -> str:
    """The rule of ``projects.selectors.traffic_light``, the same as the project list's."""
    overdue = any(problem.deadline < as_of for problem in project.open_problems)
    return traffic_light(project, as_of=as_of, has_overdue_problem=overdue, stall=stall).label


PROBLEM_COLUMNS = [
    ("序号", 6),
    ("项目名称", 30),
    ("开发区", 20),
    ("问题类别", 10),
    ("协调层级", 10),
    ("问题描述", 40),
    ("责任单位", 18),
    ("提出日期", 11),
    ("限时解决", 11),
    ("超期天数", 9),
]


def _problem_sheet(book, projects, as_of: datetime.date) -> None:
    sheet = book.sheet("问题台账", PROBLEM_COLUMNS, frozen_columns=2)
    book.header(sheet, 0, [label for label, _ in PROBLEM_COLUMNS])
    problems = (
        Problem.objects.filter(project__in=projects, status=Problem.Status.OPEN)
        .select_related("project__zone")
        .order_by("deadline", "pk")
    )
    for number, problem in enumerate(problems.iterator(chunk_size=2000), start=1):
        overdue = max((as_of - problem.deadline).days, 0)
        book.row(
            sheet,
            number,
            [
                number,
                problem.project.name,
                problem.project.zone.name,
                problem.get_category_display(),
                problem.get_coordination_level_display(),
                problem.description,
                problem.owner,
                problem.raised_on,
                problem.deadline,
                overdue,
            ],
            fills={9: "红"} if overdue else None,
        )


def project_ledger_workbook(out: IO[bytes], *, projects: QuerySet[Project], as_of: datetime.date):
    """The project ledger sheet alone (项目台账), for the project list's "download this view"."""
    stalled = {row.project.pk: row for row in stall_rows(projects, as_of=as_of)}
    book = Workbook(out)
    with translation.override("zh-hans"):
        _ledger_sheet(book, projects, stalled, as_of)
    book.close()
