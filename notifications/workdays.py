"""China's working days: public holidays off, make-up working days (调休) on.

``chinese-calendar`` knows each year's State Council schedule; for a year it does not know yet
we fall back to Monday to Friday, and say so in the log once.
"""

from __future__ import annotations

import datetime
import logging
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

logger = logging.getLogger(__name__)


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        logger.warning(
            "no holiday data for %s; treating Monday to Friday as working days", day.year
        )
        return day.weekday() < 5


def next_working_morning(after: datetime.datetime, at: datetime.time) -> datetime.datetime:
    """The first working day's ``at`` (local time) strictly after ``after``."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = after.astimezone(zone)
    day = local.date()
    while True:
        candidate = datetime.datetime.combine(day, at, tzinfo=zone)
        if candidate > local and is_working_day(day):
            return candidate
        day += datetime.timedelta(days=1)
