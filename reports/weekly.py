"""The weekly scheduling-meeting workbook (周调度表).

Three sheets: 汇总 (the three rates and, per zone, the stage and "三未" counts), 项目台账 (one row per
project with its traffic light) and 问题台账 (open problems). Written with openpyxl's write-only
mode straight from database iterators, so 10,000 projects stay small in memory.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from projects.models import Activity, Problem, ProgressReport, Project, Stage
from projects.selectors import STALL_KINDS, stall_of, stall_q, traffic_light
from reports.selectors import three_rates

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_STAGE_LABEL = {
    Stage.SIGNED: "签约",
    Stage.STARTED: "开工",
    Stage.PRODUCING: "投产",
    Stage.AT_TARGET: "达效",
    Stage.TERMINATED: "终止",
}
_KIND_LABEL = {
    "signed_not_started": "签而未落",
    "started_not_producing": "落而未投",
    "producing_not_at_target": "投未见效",
}
_LIGHTS = {
    "红": PatternFill("solid", fgColor="F8696B"),
    "黄": PatternFill("solid", fgColor="FFEB84"),
    "绿": PatternFill("solid", fgColor="63BE7B"),
}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TITLE_FONT = Font(bold=True, size=14)
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        """``YYYY-Www`` (ISO 8601 week), e.g. ``2025-W26``; ValueError otherwise."""
        match = _WEEK.match(text or "")
        if not match:
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
    rounds: QuerySet[Activity],
    week: Week,
    title: str,
    today: datetime.date,
) -> None:
    """Write the workbook of ``projects`` (already scoped) for ``week`` into ``out``.

    Figures are as of the week's Sunday, or today while the week is still running.
    """
    as_of = min(week.sunday, today)
    # Projects terminated before the week began are closed business for the meeting.
    projects = projects.exclude(terminated_on__lt=week.monday)
    workbook = Workbook(write_only=True)
    heading = (
        f"{title}“三个一批”项目周调度表（{week.year}年第{week.number}周，截至{as_of:%Y-%m-%d}）"
    )
    # The meeting's workbook is Chinese whatever language the request asked for.
    with translation.override("zh-hans"):
        _summary_sheet(workbook, projects, rounds, as_of, heading)
        _ledger_sheet(workbook, projects, as_of)
        _problem_sheet(workbook, projects, as_of)
    workbook.save(out)


def _sheet(workbook: Workbook, name: str, columns: list[tuple[str, int]], freeze: str):
    sheet = workbook.create_sheet(name)
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return sheet


def _header(sheet, labels: list[str]) -> list:
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _row(sheet, values: list, *, light: str | None = None, light_column: int | None = None):
    cells = []
    for index, value in enumerate(values):
        cell = WriteOnlyCell(sheet, value=value)
        cell.border, cell.alignment = _BORDER, _WRAP
        if isinstance(value, Decimal):
            cell.number_format = "#,##0.00"
        elif isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"
        if light and index == light_column:
            cell.fill = _LIGHTS[light]
        cells.append(cell)
    return cells


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


def _summary_sheet(workbook, projects, rounds, as_of: datetime.date, heading: str) -> None:
    sheet = _sheet(workbook, "汇总", SUMMARY_COLUMNS, "A10")
    title = WriteOnlyCell(sheet, value=heading)
    title.font = _TITLE_FONT
    sheet.append([title])
    rates = three_rates(projects=projects, rounds=rounds.filter(held_on__lte=as_of), as_of=as_of)
    sheet.append(_header(sheet, ["批次", "项目数", "总投资（万元）", "指标", "完成率", "目标"]))
    targets = rates["targets"]
    for batch, label, rate_name, rate_label in (
        ("signed", "签约一批", "start_rate", "开工率"),
        ("started", "开工一批", "statistics_rate", "入统率"),
        ("started", "开工一批", "production_rate", "投产率"),
        ("producing", "投产一批", "target_rate", "达效率"),
        ("producing", "投产一批", "above_scale_rate", "达规入库率"),
    ):
        figures = rates[batch]
        rate = figures[rate_name]
        sheet.append(
            _row(
                sheet,
                [
                    label,
                    figures["count"],
                    Decimal(figures["total_investment"]),
                    rate_label,
                    _percent(rate),
                    _percent(targets.get(rate_name)),
                ],
            )
        )
    sheet.append([])
    sheet.append(_header(sheet, [label for label, _ in SUMMARY_COLUMNS]))
    stall_counts = {kind.name: Count("id", filter=stall_q(kind, as_of)) for kind in STALL_KINDS}
    by_zone = (
        projects.values("zone__name")
        .annotate(
            count=Count("id"),
            total=Sum("total_investment"),
            **{stage: Count("id", filter=Q(stage=stage)) for stage in Stage.values},
            **stall_counts,
        )
        .order_by("zone__name")
    )
    for zone in by_zone.iterator():
        sheet.append(
            _row(
                sheet,
                [
                    zone["zone__name"],
                    zone["count"],
                    zone["total"] or Decimal("0"),
                    *(zone[stage] for stage in Stage.values),
                    *(zone[kind.name] for kind in STALL_KINDS),
                ],
            )
        )


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


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


def _ledger_sheet(workbook, projects, as_of: datetime.date) -> None:
    sheet = _sheet(workbook, "项目台账", LEDGER_COLUMNS, "C2")
    sheet.print_title_rows = "1:1"
    sheet.append(_header(sheet, [label for label, _ in LEDGER_COLUMNS]))
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
    for number, project in enumerate(rows.iterator(chunk_size=1000), start=1):
        stall = stall_of(project, as_of)
        light = _light(project, stall, as_of)
        leader = project.leader.get_full_name() or project.leader.username if project.leader else ""
        values = [
            number,
            project.name,
            project.investor,
            project.zone.name,
            project.industry_chain,
            project.get_tier_display(),
            project.get_category_display(),
            project.total_investment,
            _STAGE_LABEL[project.stage],
            project.signed_on,
            project.planned_start_on,
            project.started_on,
            project.planned_production_on,
            project.producing_on,
            project.planned_target_on,
            project.at_target_on,
            _KIND_LABEL[stall.kind] if stall else "",
            stall.days_over if stall else 0,
            project.month_investment,
            project.month_progress or "",
            "；".join(p.description for p in project.open_problems),
            leader,
            light,
        ]
        sheet.append(_row(sheet, values, light=light, light_column=len(values) - 1))


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


def _problem_sheet(workbook, projects, as_of: datetime.date) -> None:
    sheet = _sheet(workbook, "问题台账", PROBLEM_COLUMNS, "C2")
    sheet.print_title_rows = "1:1"
    sheet.append(_header(sheet, [label for label, _ in PROBLEM_COLUMNS]))
    problems = (
        Problem.objects.filter(project__in=projects, status=Problem.Status.OPEN)
        .select_related("project__zone")
        .order_by("deadline", "pk")
    )
    for number, problem in enumerate(problems.iterator(chunk_size=2000), start=1):
        overdue = max((as_of - problem.deadline).days, 0)
        sheet.append(
            _row(
                sheet,
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
                light="红" if overdue else None,
                light_column=9,
            )
        )


def project_ledger_workbook(out: IO[bytes], *, projects: QuerySet[Project], as_of: datetime.date):
    """The project ledger sheet alone (项目台账), for the project list's "download this view"."""
    workbook = Workbook(write_only=True)
    with translation.override("zh-hans"):
        _ledger_sheet(workbook, projects, as_of)
    workbook.save(out)
