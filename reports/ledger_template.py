"""The blank ledger an officer fills in: the import's columns, and a sheet of valid values that
the input cells offer as drop-down lists (Excel data validation)."""

from __future__ import annotations

from typing import IO

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from projects.models import Project, Zone
from reports.ledger_import import (
    CATEGORY_LABELS,
    COLUMNS,
    MAX_ROWS,
    SHEET,
    STAGE_LABELS,
    TIER_LABELS,
    VALUES_SHEET,
)

# The rows the drop-down lists and checks cover (the import's limit).
LAST_ROW = MAX_ROWS + 1
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="C00000")


def ledger_template(out: IO[bytes], *, zones: QuerySet[Zone]) -> None:
    """Write the template for ``zones`` (the caller's scope) into ``out``."""
    workbook = Workbook()
    ledger = workbook.active
    ledger.title = SHEET
    values = workbook.create_sheet(VALUES_SHEET)
    lists = {
        "zone": [zone.name for zone in zones.order_by("name")],
        "industry_chain": sorted(
            {
                chain
                for chain in Project.objects.filter(zone__in=zones)
                .exclude(industry_chain="")
                .values_list("industry_chain", flat=True)
                .distinct()[:500]
            }
        ),
        "tier": list(TIER_LABELS.values()),
        "category": list(CATEGORY_LABELS.values()),
        "stage": list(STAGE_LABELS.values()),
    }
    ranges = {}
    for index, (name, items) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        header = next(column.header for column in COLUMNS if column.field == name)
        values.cell(row=1, column=index, value=header).font = Font(bold=True)
        for row, item in enumerate(items, start=2):
            # A chain typed with control characters (pasted, or sent by a system) cannot be
            # stored in a worksheet: offer it without them rather than fail the download.
            values.cell(row=row, column=index, value=ILLEGAL_CHARACTERS_RE.sub("", item))
        values.column_dimensions[letter].width = 24
        last = max(len(items) + 1, 2)
        ranges[name] = f"{quote_sheetname(VALUES_SHEET)}!${letter}$2:${letter}${last}"
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = ledger.cell(row=1, column=index, value=column.header)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.font = _REQUIRED_FONT if column.required else Font(bold=True)
        ledger.column_dimensions[letter].width = column.width
        cells = f"{letter}2:{letter}{LAST_ROW}"
        validation = _validation(column, ranges)
        if validation is not None:
            ledger.add_data_validation(validation)
            validation.add(cells)
        if column.kind == "date":
            for row in ledger.iter_rows(min_row=2, max_row=200, min_col=index, max_col=index):
                row[0].number_format = "yyyy-mm-dd"
    ledger.freeze_panes = "C2"
    workbook.save(out)


def _validation(column, ranges: dict[str, str]) -> DataValidation | None:
    if column.field in ranges:
        # Chains offered, not imposed: a new chain is a warning in Excel, accepted on import.
        strict = column.field != "industry_chain"
        return DataValidation(
            type="list",
            formula1=ranges[column.field],
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle=column.header,
            error="请从下拉列表中选择。" if strict else "不在已有产业链中，确认新增？",
        )
    if column.kind == "date":
        return DataValidation(
            type="date",
            operator="greaterThanOrEqual",
            formula1="DATE(2000,1,1)",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=column.header,
            error="请输入日期，例如 2024-03-05。",
        )
    if column.kind == "money":
        return DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=column.header,
            error="请输入以万元为单位的金额，例如 1234.5。",
        )
    return None
