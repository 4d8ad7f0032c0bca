"""The look every report workbook shares, written with XlsxWriter in constant-memory mode.

Formats are made once per workbook and shared by every cell (a style per cell is what made the
openpyxl version slow); rows go to disk as they are written, so a workbook of 10,000 projects
stays small in memory. Text is never read as a formula or a link: an investor named "=1+1" stays
text.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import IO

import xlsxwriter

LIGHT_COLOURS = {"红": "#F8696B", "黄": "#FFEB84", "绿": "#63BE7B"}
_BORDER = {"border": 1, "border_color": "#999999"}
_CELL = {**_BORDER, "valign": "top", "text_wrap": True}
MONEY = "#,##0.00"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"


class Workbook:
    """One report workbook; ``sheet()`` adds a sheet set up for print, ``row()`` writes."""

    def __init__(self, out: IO[bytes]) -> None:
        self.book = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        add = self.book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.note = add({"italic": True, "font_color": "#555555"})
        self.heading = add(
            {
                **_BORDER,
                "bold": True,
                "bg_color": "#DDEBF7",
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        self.text = add(_CELL)
        self.money = add({**_CELL, "num_format": MONEY})
        self.date = add({**_CELL, "num_format": DATE})
        self.percent = add({**_CELL, "num_format": PERCENT})
        self.lights = {name: add({**_CELL, "bg_color": c}) for name, c in LIGHT_COLOURS.items()}

    def sheet(
        self,
        name: str,
        columns: list[tuple[str, int]],
        *,
        header_row: int = 0,
        frozen_columns: int = 0,
    ):
        """A landscape A4 sheet, one page wide, its header row (and ``frozen_columns``) frozen
        and the header repeated on every printed page."""
        sheet = self.book.add_worksheet(name)
        for index, (_, width) in enumerate(columns):
            sheet.set_column(index, index, width)
        sheet.freeze_panes(header_row + 1, frozen_columns)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(header_row)
        return sheet

    def header(self, sheet, row: int, labels: list[str]) -> None:
        for column, label in enumerate(labels):
            sheet.write_string(row, column, label, self.heading)

    def row(self, sheet, row: int, values: list, *, fills: dict[int, str] | None = None) -> None:
        """Write one row; numbers as numbers, dates as dates, ``Share`` as a percent; ``fills``
        colours columns by traffic light (红/黄/绿)."""
        for column, value in enumerate(values):
            light = (fills or {}).get(column)
            if light:
                fmt = self.lights[light]
                sheet.write(row, column, value, fmt)
            elif isinstance(value, Share):
                if value.value is None:
                    sheet.write_string(row, column, "—", self.text)
                else:
                    sheet.write_number(row, column, value.value, self.percent)
            elif isinstance(value, Decimal):
                sheet.write_number(row, column, float(value), self.money)
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value, self.text)
            elif isinstance(value, int | float):
                sheet.write_number(row, column, value, self.text)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row, column, value, self.date)
            elif value is None or value == "":
                sheet.write_blank(row, column, None, self.text)
            else:
                sheet.write_string(row, column, str(value), self.text)

    def rows(self, sheet, kinds: Sequence[str]) -> RowWriter:
        """A writer of the many rows of a ledger, each column of one ``Kind``."""
        return RowWriter(self, sheet, kinds)

    def close(self) -> None:
        self.book.close()


class Kind:
    """What a ledger column holds: the value, or None (or "") for a blank cell."""

    TEXT = "text"  # a string
    INTEGER = "integer"  # an int, in the text format (as ``Workbook.row`` writes numbers)
    MONEY = "money"  # a Decimal in 万元
    DATE = "date"  # a date
    LIGHT = "light"  # 红, 黄 or 绿, on its colour
    DAYS_OVER = "days_over"  # an int, red when above zero


class RowWriter:
    """Writes the rows of a long sheet with each column's writer and format chosen once.

    The cells come out as ``Workbook.row`` writes them (same values, same formats); what it
    saves is the per-cell type test and format lookup, which cost more than XlsxWriter's own
    work on a ledger of 10,000 projects.
    """

    def __init__(self, book: Workbook, sheet, kinds: Sequence[str]) -> None:
        self._cells = [_cell_writer(book, sheet, kind) for kind in kinds]

    def write(self, row: int, values: Iterable) -> None:
        for column, (cell, value) in enumerate(zip(self._cells, values, strict=True)):
            cell(row, column, value)


def _cell_writer(book: Workbook, sheet, kind: str) -> Callable[[int, int, object], None]:
    text, blank = book.text, sheet.write_blank
    if kind == Kind.TEXT:
        string = sheet.write_string

        def write(row: int, column: int, value) -> None:
            if value is None or value == "":
                blank(row, column, None, text)
            else:
                string(row, column, value, text)

    elif kind == Kind.INTEGER:
        number = sheet.write_number

        def write(row: int, column: int, value) -> None:
            if value is None:
                blank(row, column, None, text)
            else:
                number(row, column, value, text)

    elif kind == Kind.MONEY:
        number, money = sheet.write_number, book.money

        def write(row: int, column: int, value) -> None:
            if value is None:
                blank(row, column, None, text)
            else:
                number(row, column, float(value), money)

    elif kind == Kind.DATE:
        day, date = sheet.write_datetime, book.date

        def write(row: int, column: int, value) -> None:
            if value is None:
                blank(row, column, None, text)
            else:
                day(row, column, value, date)

    elif kind == Kind.LIGHT:
        string, lights = sheet.write_string, book.lights

        def write(row: int, column: int, value) -> None:
            string(row, column, value, lights[value])

    elif kind == Kind.DAYS_OVER:
        number, red = sheet.write_number, book.lights["红"]

        def write(row: int, column: int, value) -> None:
            number(row, column, value, red if value > 0 else text)

    else:
        raise ValueError(f"no such kind of column: {kind!r}")
    return write


class Share:
    """A rate to be shown as a percent (``None``: an empty batch, shown as a dash)."""

    __slots__ = ("value",)

    def __init__(self, value: float | None) -> None:
        self.value = value
