"""Dates and money as officers type them: every input is a value, a blank or a CellError."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.ledger_cells import CellError, parse_date, parse_money

ANY_CELL = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789０１２３４５６７８９-./年月日万元亿,，．¥ :T"),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


@given(ANY_CELL)
def test_the_date_parser_answers_a_date_a_blank_or_a_cell_error(value):
    try:
        result = parse_date(value)
    except CellError as error:
        assert error.message
    else:
        assert result is None or (
            isinstance(result, datetime.date) and result >= datetime.date(2000, 1, 1)
        )


@given(ANY_CELL)
def test_the_money_parser_answers_an_amount_a_blank_or_a_cell_error(value):
    try:
        result = parse_money(value)
    except CellError as error:
        assert error.message
    else:
        assert result is None or (
            isinstance(result, Decimal)
            and result >= 0
            and result == result.quantize(Decimal("0.01"))
        )


@pytest.mark.parametrize(
    "text",
    [
        "2024-3-5",
        "2024.3.5",
        "2024/03/05",
        "2024年3月5日",
        " ２０２４年３月５日 ",
        "2024-03-05 00:00:00",
        datetime.datetime(2024, 3, 5, 0, 0),
        45356,
    ],
)
def test_the_ways_officers_write_a_date_are_read(text):
    assert parse_date(text) == datetime.date(2024, 3, 5)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,234.5", "1234.50"),
        ("1234.5万元", "1234.50"),
        ("１，２３４．５万元", "1234.50"),
        ("0.5亿元", "5000.00"),
        ("¥52000", "52000.00"),
        (52000, "52000.00"),
        (0.1 + 0.2, "0.30"),
    ],
)
def test_the_ways_officers_write_an_amount_are_read(text, amount):
    assert parse_money(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["2024-02-30", "2024-3/5", "3/5/2024", "1999-12-31", "明年"])
def test_what_is_not_a_date_is_a_cell_error(text):
    with pytest.raises(CellError):
        parse_date(text)


@pytest.mark.parametrize("text", ["1,23", "1.234", "-1", "5千万", "1e5", "12,345,6"])
def test_what_is_not_an_amount_is_a_cell_error(text):
    with pytest.raises(CellError):
        parse_money(text)
