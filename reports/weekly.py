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
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import IO

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import translation

from projects.models import Problem, ProgressReport, Project, Stage
from projects.selectors import stalled_q, traffic_light_label, with_stall
from reports.selectors import Basis, Narrowing, three_rates
from reports.xlsx import Kind, Share, Workbook

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
    narrowing: Narrowing,
    basis: Basis,
    targets: dict[str, float],
    week: Week,
    title: str,
    today: datetime.date,
) -> None:
    """Write the workbook of ``projects`` (already scoped) for ``week`` into ``out``.

    Figures are as of the week's Sunday, or today while the week is still running; the three
    rates are those of the enrollments ``narrowing`` keeps in rounds held by then, on ``basis``.
    """
    as_of = min(week.sunday, today)
    # Projects terminated before the week began are closed business for the meeting.
    projects = projects.exclude(terminated_on__lt=week.monday)
    heading = (
        f"{title}“三个一批”项目周调度表（{week.year}年第{week.number}周，截至{as_of:%Y-%m-%d}）"
    )
    book = Workbook(out)
    rates = three_rates(narrowing=replace(narrowing, held_to=as_of), as_of=as_of, basis=basis)
    # The meeting's workbook is Chinese whatever language the request asked for.
    annotated = with_stall(projects, as_of=as_of)
    with translation.override("zh-hans"):
        _summary_sheet(book, annotated, rates, targets, basis, heading)
        problems = _open_problems(projects)
        _ledger_sheet(book, annotated, problems, as_of)
        _problem_sheet(book, problems, as_of)
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


def _summary_sheet(book, projects, rates, targets, basis, heading: str) -> None:
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
    stall_counts = stall_counts_by_zone(projects)
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


LEDGER_KINDS = (
    Kind.INTEGER,
    *[Kind.TEXT] * 6,
    Kind.MONEY,
    Kind.TEXT,
    *[Kind.DATE] * 7,
    Kind.TEXT,
    Kind.INTEGER,
    Kind.MONEY,
    *[Kind.TEXT] * 3,
    Kind.LIGHT,
)


def stall_counts_by_zone(projects: QuerySet[Project]) -> Counter:
    """How many of ``projects`` (annotated by ``with_stall``) are stalled, by (zone id, stall
    kind): one aggregate query on the stall rule."""
    stalled = projects.filter(stalled_q())
    rows = stalled.order_by().values_list("zone_id", "stall_kind").annotate(count=Count("id"))
    return Counter({(zone_id, kind): count for zone_id, kind, count in rows})


@dataclass(frozen=True)
class OpenProblem:
    project_id: int
    project_name: str
    zone_name: str
    category: str
    coordination_level: str
    description: str
    owner: str
    raised_on: datetime.date
    deadline: datetime.date


def _open_problems(projects: QuerySet[Project]) -> list[OpenProblem]:
    """The open problems of ``projects``, earliest deadline first, read once for both the
    project ledger (its 未解决问题 column and light) and the problem ledger."""
    rows = (
        Problem.objects.filter(project__in=projects.order_by().values("pk"))
        .filter(status=Problem.Status.OPEN)
        .order_by("deadline", "pk")
        .values_list(
            "project_id",
            "project__name",
            "project__zone__name",
            "category",
            "coordination_level",
            "description",
            "owner",
            "raised_on",
            "deadline",
        )
    )
    return [OpenProblem(*row) for row in rows]


def _ledger_sheet(book, projects, problems: list[OpenProblem], as_of: datetime.date) -> None:
    """One row per project of ``projects`` (annotated by ``with_stall``), read as plain values
    in one query with this month's progress, zone and leader beside it; open problems from
    ``problems``."""
    sheet = book.sheet("项目台账", LEDGER_COLUMNS, frozen_columns=2)
    book.header(sheet, 0, [label for label, _ in LEDGER_COLUMNS])
    month = as_of.replace(day=1)
    this_month = ProgressReport.objects.filter(project=OuterRef("pk"), month=month)
    rows = (
        projects.annotate(
            month_investment=Subquery(this_month.values("investment_completed")[:1]),
            month_progress=Subquery(this_month.values("image_progress")[:1]),
            zone_name=F("zone__name"),
            leader_first_name=F("leader__first_name"),
            leader_last_name=F("leader__last_name"),
            leader_username=F("leader__username"),
        )
        .order_by("zone__name", "signed_on", "pk")
        .values_list(*LEDGER_FIELDS, named=True)
    )
    open_problems: dict[int, list[OpenProblem]] = {}
    for problem in problems:
        open_problems.setdefault(problem.project_id, []).append(problem)
    tiers = {value: str(label) for value, label in Project.Tier.choices}
    categories = {value: str(label) for value, label in Project.Category.choices}
    writer = book.rows(sheet, LEDGER_KINDS)
    for number, project in enumerate(rows.iterator(chunk_size=2000), start=1):
        mine = open_problems.get(project.pk, ())
        stalled = (project.days_over or 0) > 0
        light = traffic_light_label(
            project,
            as_of=as_of,
            has_overdue_problem=any(problem.deadline < as_of for problem in mine),
            days_over=project.days_over,
        )
        writer.write(
            number,
            (
                number,
                project.name,
                project.investor,
                project.zone_name,
                project.industry_chain,
                tiers.get(project.tier, project.tier),
                categories.get(project.category, project.category),
                project.total_investment,
                STAGE_LABELS[project.stage],
                project.signed_on,
                project.planned_start_on,
                project.started_on,
                project.planned_production_on,
                project.producing_on,
                project.planned_target_on,
                project.at_target_on,
                STALL_LABELS[project.stall_kind] if stalled else "",
                project.days_over if stalled else 0,
                project.month_investment,
                project.month_progress,
                "；".join(problem.description for problem in mine),
                leader_name_of(
                    project.leader_first_name, project.leader_last_name, project.leader_username
                ),
                light,
            ),
        )


LEDGER_FIELDS = (
    "pk",
    "name",
    "investor",
    "zone_name",
    "industry_chain",
    "tier",
    "category",
    "total_investment",
    "stage",
    "signed_on",
    "planned_start_on",
    "started_on",
    "planned_production_on",
    "producing_on",
    "planned_target_on",
    "at_target_on",
    "stall_kind",
    "days_over",
    "month_investment",
    "month_progress",
    "leader_first_name",
    "leader_last_name",
    "leader_username",
)


def leader_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def leader_name_of(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """``leader_name`` from the user's columns (``get_full_name`` or the user name), for rows
    read as values; "" without a leader."""
    if username is None:
        return ""
    return f"{first_name} {last_name}".strip() or username


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


PROBLEM_KINDS = (
    Kind.INTEGER,
    *[Kind.TEXT] * 5,
    Kind.TEXT,
    Kind.DATE,
    Kind.DATE,
    Kind.DAYS_OVER,
)


def _problem_sheet(book, problems: list[OpenProblem], as_of: datetime.date) -> None:
    sheet = book.sheet("问题台账", PROBLEM_COLUMNS, frozen_columns=2)
    book.header(sheet, 0, [label for label, _ in PROBLEM_COLUMNS])
    categories = {value: str(label) for value, label in Problem.Category.choices}
    levels = {value: str(label) for value, label in Problem.Level.choices}
    writer = book.rows(sheet, PROBLEM_KINDS)
    for number, problem in enumerate(problems, start=1):
        writer.write(
            number,
            (
                number,
                problem.project_name,
                problem.zone_name,
                categories.get(problem.category, problem.category),
                levels.get(problem.coordination_level, problem.coordination_level),
                problem.description,
                problem.owner,
                problem.raised_on,
                problem.deadline,
                max((as_of - problem.deadline).days, 0),
            ),
        )


def project_ledger_workbook(out: IO[bytes], *, projects: QuerySet[Project], as_of: datetime.date):
    """The project ledger sheet alone (项目台账), for the project list's "download this view"."""
    book = Workbook(out)
    with translation.override("zh-hans"):
        _ledger_sheet(book, with_stall(projects, as_of=as_of), _open_problems(projects), as_of)
    book.close()
