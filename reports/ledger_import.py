"""Reading and checking an officer's project ledger (项目台账) before anything is written.

The columns are those of the weekly workbook's 项目台账 plus what a new project needs (签约日期,
项目级别, 项目类别); computed columns of the weekly workbook (三未类型, 超期天数 …) are recognised and
skipped, any other column is skipped with a warning. ``ledger_check`` reads the file, checks
every row and compares it with the zone's projects, and answers a ``LedgerPlan``: what each row
would do, or every bad row and column with a reason. ``reports.services`` applies a clean plan.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from projects.models import Project, Stage, Zone
from projects.services import LiveTwins
from projects.stages import FORWARD_STAGES, STAGE_DATE_FIELD, Transition
from reports.ledger_cells import CellError, normalise, parse_date, parse_money, parse_text
from reports.weekly import STAGE_LABELS

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
SHEET = "项目台账"
VALUES_SHEET = "有效值"
HEADER_ROW = 1


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text, money, date, zone, tier, category, stage, leader
    required: bool = False
    width: int = 12
    max_length: int = 200


COLUMNS = [
    Column("项目名称", "name", "text", required=True, width=30),
    Column("投资方（建设单位）", "investor", "text", required=True, width=26),
    Column("开发区", "zone", "zone", width=20),
    Column("产业链", "industry_chain", "text", width=12, max_length=50),
    Column("项目级别", "tier", "tier", width=11),
    Column("项目类别", "category", "category", width=10),
    Column("总投资（万元）", "total_investment", "money", required=True, width=14),
    Column("签约日期", "signed_on", "date", required=True, width=11),
    Column("阶段", "stage", "stage", required=True, width=7),
    Column("计划开工", "planned_start_on", "date", width=11),
    Column("实际开工", "started_on", "date", width=11),
    Column("计划投产", "planned_production_on", "date", width=11),
    Column("实际投产", "producing_on", "date", width=11),
    Column("计划达效", "planned_target_on", "date", width=11),
    Column("实际达效", "at_target_on", "date", width=11),
    Column("包联领导", "leader", "leader", width=12, max_length=150),
]
# Headers are compared as typed: full-width or half-width brackets, spaces or none.
BY_HEADER = {normalise(column.header): column for column in COLUMNS}
BY_FIELD = {column.field: column for column in COLUMNS}
# Columns of the weekly workbook's ledger that are computed there, not input: skipped silently.
COMPUTED_HEADERS = frozenset(
    normalise(header)
    for header in {
        "序号",
        "三未类型",
        "超期天数",
        "本月完成投资（万元）",
        "本月形象进度",
        "未解决问题",
        "状态",
    }
)
TIER_LABELS = {
    Project.Tier.NATIONAL: "国家级储备",
    Project.Tier.PROVINCIAL: "省级重大",
    Project.Tier.COUNTY: "县级重点",
}
CATEGORY_LABELS = {
    Project.Category.INDUSTRY: "产业类",
    Project.Category.INFRASTRUCTURE: "基建类",
    Project.Category.LIVELIHOOD: "民生类",
}
CHOICE_LABELS = {"tier": TIER_LABELS, "category": CATEGORY_LABELS, "stage": STAGE_LABELS}
# The fields an import writes through the project's own save; stage dates go by transitions.
EDITABLE_FIELDS = (
    "industry_chain",
    "tier",
    "category",
    "total_investment",
    "signed_on",
    "planned_start_on",
    "planned_production_on",
    "planned_target_on",
    "leader",
)
_MOVES = {
    Stage.STARTED: Transition.START,
    Stage.PRODUCING: Transition.PUT_INTO_PRODUCTION,
    Stage.AT_TARGET: Transition.REACH_TARGET,
}


@dataclass(frozen=True)
class LedgerIssue:
    """One reason a file or a row cannot be imported: ``row`` 0 is about the whole file."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row or None, "column": self.column or None, "message": self.message}

    def __str__(self) -> str:
        if not self.row:
            return self.message
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class RowPlan:
    """What one good row does: create, update or nothing, then the stage moves in order."""

    row: int
    action: str  # created, updated, unchanged
    project_id: int | None
    values: dict
    moves: list[tuple[str, datetime.date]]


@dataclass
class LedgerPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[LedgerIssue] = field(default_factory=list)
    warnings: list[LedgerIssue] = field(default_factory=list)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


Progress = Callable[[float], None]


def ledger_check(
    data: bytes, *, zone: Zone, today: datetime.date | None = None, progress: Progress | None = None
) -> LedgerPlan:
    """Read ``data`` (an .xlsx file) and check every row against ``zone``; writes nothing."""
    plan = LedgerPlan()
    today = today or timezone.localdate()
    if len(data) > MAX_BYTES:
        plan.errors.append(
            LedgerIssue(0, "", _("The file is larger than 10 MB; split it into smaller files."))
        )
        return plan
    sheets = _open(data, plan)
    if sheets is None:
        return plan
    values_rows, formula_rows = sheets
    header = _read_header(next(values_rows, None), plan)
    next(formula_rows, None)
    if header is None:
        return plan
    raw_rows = _read_rows(values_rows, formula_rows, header, plan)
    if not plan.ok:
        return plan
    if not raw_rows:
        plan.errors.append(LedgerIssue(0, "", _("The sheet has no project rows below its header.")))
        return plan
    context = _Context.load(zone, raw_rows)
    seen: dict[tuple[str, str], int] = {}
    step = max(len(raw_rows) // 50, 1)
    for index, (number, cells) in enumerate(raw_rows):
        row_plan = _check_row(number, cells, header, context, seen, today, plan)
        if row_plan is not None:
            plan.rows.append(row_plan)
        if progress and index % step == 0:
            progress(index / len(raw_rows))
    if not plan.ok:
        plan.rows = []
    return plan


def _open(data: bytes, plan: LedgerPlan):
    """Two read-only passes over the ledger sheet: cached values, and the formulas behind them."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        plan.errors.append(LedgerIssue(0, "", _("This is not an Excel .xlsx file.")))
        return None
    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        name = SHEET if SHEET in values.sheetnames else values.sheetnames[0]
        rows = values[name].iter_rows(min_row=HEADER_ROW, values_only=True)
        if not _has_formulas(data):
            return rows, iter(())
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        return rows, formulas[name].iter_rows(min_row=HEADER_ROW, values_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        plan.errors.append(
            LedgerIssue(0, "", _("The file cannot be read as an Excel .xlsx workbook."))
        )
        return None


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet holds a formula (an ``<f>`` element): without one, the second
    reading (formulas behind the values) has nothing to find, and is skipped."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                with archive.open(member) as sheet:
                    tail = b""
                    while chunk := sheet.read(1 << 20):
                        if re.search(rb"<(?:\w+:)?f[ >/]", tail + chunk):
                            return True
                        tail = chunk[-16:]
    return False


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _read_header(cells, plan: LedgerPlan) -> dict[int, Column] | None:
    """Column index → Column. Blank cells between headers are merged or missing headers."""
    if not cells or all(cell is None or str(cell).strip() == "" for cell in cells):
        plan.errors.append(LedgerIssue(0, "", _("The sheet is empty: no header row was found.")))
        return None
    texts = [parse_text(cell, max_length=10_000) if cell is not None else "" for cell in cells]
    last = max(index for index, text in enumerate(texts) if text)
    header: dict[int, Column] = {}
    seen: set[str] = set()
    for index, text in enumerate(texts[: last + 1]):
        letter = _column_letter(index)
        key = normalise(text)
        if not text:
            plan.errors.append(
                LedgerIssue(
                    HEADER_ROW,
                    letter,
                    _("Column %(letter)s has no header (a merged or missing header cell).")
                    % {"letter": letter},
                )
            )
        elif key in seen:
            plan.errors.append(
                LedgerIssue(HEADER_ROW, text, _("This header appears twice in the header row."))
            )
        elif key in BY_HEADER:
            header[index] = BY_HEADER[key]
        elif key not in COMPUTED_HEADERS:
            plan.warnings.append(
                LedgerIssue(
                    HEADER_ROW, text, _("Unknown column, ignored: %(header)s") % {"header": text}
                )
            )
        seen.add(key)
    for column in COLUMNS:
        if column.required and normalise(column.header) not in seen:
            plan.errors.append(
                LedgerIssue(HEADER_ROW, column.header, _("This required column is missing."))
            )
    return header if plan.ok else None


def _read_rows(
    values_rows: Iterator, formula_rows: Iterator, header: dict[int, Column], plan: LedgerPlan
) -> list[tuple[int, dict[str, object]]]:
    rows = []
    for offset, (values, formulas) in enumerate(
        zip_longest(values_rows, formula_rows, fillvalue=()), start=1
    ):
        number = HEADER_ROW + offset
        cells: dict[str, object] = {}
        for index, column in header.items():
            value = values[index] if index < len(values) else None
            formula = formulas[index] if index < len(formulas) else None
            if value is None and isinstance(formula, str) and formula.startswith("="):
                plan.errors.append(
                    LedgerIssue(
                        number,
                        column.header,
                        _(
                            "The cell holds a formula without a saved value; open the file in "
                            "Excel, save it, and import again (or type the value)."
                        ),
                    )
                )
            if isinstance(value, str) and not value.strip():
                value = None
            cells[column.field] = value
        if all(value is None for value in cells.values()):
            continue
        if len(rows) >= MAX_ROWS:
            plan.errors.append(
                LedgerIssue(
                    0,
                    "",
                    _("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": f"{MAX_ROWS:,}"},
                )
            )
            return []
        plan.row_count += 1
        rows.append((number, cells))
    return rows


@dataclass
class _Context:
    """What the check reads from the database once: the zone, its projects and its people."""

    zone: Zone
    projects: dict[tuple[str, str], Project]
    leaders: dict[str, list]
    twins: LiveTwins
    # kind (tier, category, stage) -> every accepted spelling -> code, in the active language
    choices: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, zone: Zone, raw_rows) -> _Context:
        names = set()
        for _number, cells in raw_rows:
            try:
                names.add(parse_text(cells.get("name"), max_length=10_000))
            except CellError:
                continue  # refused with its row in the check
        projects = {}
        for project in Project.objects.filter(zone=zone, name__in=names).order_by("pk"):
            project.zone = zone  # the rules read the zone's city: no query per row for it
            projects.setdefault((project.name, project.investor), project)
        twins = LiveTwins(zone_ids=[zone.pk], names=names)
        leaders: dict[str, list] = {}
        people = (
            get_user_model()
            .objects.filter(
                Q(membership__zone=zone) | Q(membership__city_id=zone.city_id), is_active=True
            )
            .select_related("membership")
        )
        for user in people:
            for key in {user.get_full_name().strip(), user.username}:
                if key:
                    leaders.setdefault(key, []).append(user)
        choices = {
            kind: {
                text: code
                for code, label in reversed(labels.items())
                for text in (label, code, str(code.label))
            }
            for kind, labels in CHOICE_LABELS.items()
        }
        return cls(zone=zone, projects=projects, leaders=leaders, twins=twins, choices=choices)


def _check_row(number, cells, header, context: _Context, seen, today, plan) -> RowPlan | None:
    errors: list[LedgerIssue] = []
    values: dict[str, object] = {}
    present = {column.field for column in header.values()}

    def refuse(column_field: str | None, message) -> None:
        header = BY_FIELD[column_field].header if column_field else ""
        errors.append(LedgerIssue(number, header, str(message)))

    for column_field in present:
        column = BY_FIELD[column_field]
        try:
            values[column_field] = _parse(column, cells.get(column_field), context)
        except CellError as error:
            refuse(column_field, error.message)
            continue
        if column.required and values[column_field] in (None, ""):
            refuse(column_field, _("This cell is required."))

    if "zone" in values and values["zone"] is None:
        values.pop("zone")
    if not errors:
        key = (values["name"], values["investor"])
        if key in seen:
            refuse(
                "name",
                _("The same project (name and investor) is already on row %(row)s.")
                % {"row": seen[key]},
            )
        else:
            seen[key] = number
    if not errors:
        _check_dates(values, today, refuse)
    if errors:
        plan.errors.extend(errors)
        return None
    existing = context.projects.get((values["name"], values["investor"]))
    row_plan = _plan_row(number, values, present, existing, context, refuse)
    plan.errors.extend(errors)
    return None if errors else row_plan


def _parse(column: Column, value, context: _Context):
    if column.kind == "money":
        return parse_money(value)
    if column.kind == "date":
        return parse_date(value)
    text = parse_text(value, max_length=column.max_length)
    if column.kind == "text":
        return text
    if not text:
        return None
    if column.kind == "zone":
        zone = context.zone
        if text not in (zone.name, zone.code):
            raise CellError(
                _("The row belongs to “%(found)s”, but this import is for %(zone)s.")
                % {"found": text, "zone": zone.name}
            )
        return zone.code
    if column.kind == "leader":
        return _leader(text, context)
    code = context.choices[column.kind].get(text)
    if code is not None:
        return code
    raise CellError(
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": text, "choices": "、".join(CHOICE_LABELS[column.kind].values())}
    )


def _leader(text: str, context: _Context):
    found = context.leaders.get(text, [])
    if not found:
        raise CellError(
            _("No user named “%(name)s” in this zone or its city; add the leader first.")
            % {"name": text}
        )
    if len({user.pk for user in found}) > 1:
        raise CellError(
            _("Several users are named “%(name)s”; write the leader's user name instead.")
            % {"name": text}
        )
    return found[0]


_ORDERED = [
    ("signed_on", "started_on"),
    ("started_on", "producing_on"),
    ("producing_on", "at_target_on"),
    ("planned_start_on", "planned_production_on"),
    ("planned_production_on", "planned_target_on"),
]
_ACTUAL = ("signed_on", "started_on", "producing_on", "at_target_on")


def _check_dates(values: dict, today: datetime.date, refuse) -> None:
    for name in _ACTUAL:
        day = values.get(name)
        if day and day > today:
            refuse(name, _("This date is in the future (today is %(today)s).") % {"today": today})
    for earlier, later in _ORDERED:
        first, then = values.get(earlier), values.get(later)
        if first and then and then < first:
            refuse(
                later,
                _("%(later)s (%(then)s) cannot be before %(earlier)s (%(first)s).")
                % {
                    "later": BY_FIELD[later].header,
                    "then": then,
                    "earlier": BY_FIELD[earlier].header,
                    "first": first,
                },
            )
    stage = values.get("stage")
    if stage is None or stage == Stage.TERMINATED:
        return
    reached = FORWARD_STAGES.index(stage)
    for position, name in enumerate(_ACTUAL[1:], start=1):
        label = BY_FIELD[name].header
        if position <= reached and not values.get(name):
            refuse(
                name,
                _("The stage is %(stage)s, so %(column)s is required.")
                % {"stage": STAGE_LABELS[stage], "column": label},
            )
        elif position > reached and values.get(name):
            refuse(
                name,
                _("The stage is %(stage)s, so %(column)s must be empty.")
                % {"stage": STAGE_LABELS[stage], "column": label},
            )


def _plan_row(number, values, present, existing: Project | None, context: _Context, refuse):
    zone = context.zone
    stage = values["stage"]
    fields = {name: values[name] for name in EDITABLE_FIELDS if name in present}
    for name in ("tier", "category"):
        if name in fields and fields[name] is None:
            fields.pop(name)
    candidate = existing or Project(zone=zone, name=values["name"], investor=values["investor"])
    current = candidate.stage if existing else Stage.SIGNED
    if stage == Stage.TERMINATED or current == Stage.TERMINATED:
        if stage != current:
            refuse("stage", _terminated_message(existing))
            return None
    elif FORWARD_STAGES.index(stage) < FORWARD_STAGES.index(current):
        refuse(
            "stage",
            _(
                "The project is at %(current)s in the system; an import does not move a project "
                "back (a supervisor corrects it)."
            )
            % {"current": STAGE_LABELS[current]},
        )
        return None
    moves = []
    for target in FORWARD_STAGES[1:]:
        name = STAGE_DATE_FIELD[target]
        if name not in present:
            continue
        recorded, given = getattr(candidate, name) if existing else None, values.get(name)
        if recorded is not None and given != recorded:
            refuse(
                name,
                _(
                    "The system records %(date)s; a recorded stage date is changed only by a "
                    "supervisor's correction."
                )
                % {"date": recorded},
            )
        elif recorded is None and given is not None and stage != Stage.TERMINATED:
            moves.append((_MOVES[target], given))
    changed = {
        name: value
        for name, value in fields.items()
        if not existing
        or _differs(getattr(existing, name if name != "leader" else "leader_id"), value)
    }
    _check_model(candidate, fields, context.twins, refuse)
    if existing is None:
        action = "created"
    elif changed or moves:
        action = "updated"
    else:
        action = "unchanged"
    return RowPlan(
        row=number,
        action=action,
        project_id=existing.pk if existing else None,
        values=changed
        if existing
        else {"name": candidate.name, "investor": candidate.investor, **fields},
        moves=moves,
    )


def _terminated_message(existing: Project | None) -> str:
    if existing is not None and existing.stage == Stage.TERMINATED:
        return _(
            "The project is terminated in the system; only a supervisor's correction reopens it."
        )
    return _("An import does not terminate projects: a zone leader terminates one with a reason.")


def _differs(current, value) -> bool:
    if hasattr(value, "pk"):
        value = value.pk
    if isinstance(current, Decimal) and isinstance(value, Decimal):
        return current != value
    return (current or None) != (value or None)


def _check_model(candidate: Project, fields: dict, twins: LiveTwins, refuse) -> None:
    """The model's own rules (clean_fields and clean), on a copy, nothing saved; its live twin
    is looked up among the zone's live projects read once."""
    # A stored project is probed on a copy (the context keeps it as stored); a new one is ours.
    probe = twins.answer_for(copy.copy(candidate) if candidate.pk else candidate)
    for name, value in fields.items():
        setattr(probe, name, value)
    try:
        probe.clean_fields(exclude=["zone", "leader", "officer", "name", "investor"])
        probe.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                refuse(name if name in BY_FIELD else None, message)
