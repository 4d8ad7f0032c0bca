"""``manage.py scan [--as-of YYYY-MM-DD] [--zone CODE]``: the deadline and stall scan, now, in
this process (the same code the Celery tasks run per zone); prints ``created N alerts`` last."""

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications.services import scan
from projects.errors import Refusal


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Run the deadline and stall scan now and print how many alerts it created."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", type=_date, help="The day to scan as of (default today).")
        parser.add_argument("--zone", help="One zone's code (default every zone).")

    def handle(self, *args, as_of=None, zone=None, **options) -> None:
        try:
            created = scan(as_of=as_of, zone_code=zone)
        except Refusal as refusal:
            raise CommandError(refusal.detail) from None
        self.stdout.write(f"created {created} alerts")
