"""``manage.py scan [--as-of YYYY-MM-DD] [--zone CODE] [--full]``: the deadline and stall scan,
now, in this process (the same code the Celery tasks run per zone); prints ``created N alerts``
last. ``--full`` checks every finding, not only what moved since each zone's last pass (after a
restore or a change made by hand in the database)."""

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
        parser.add_argument(
            "--full",
            action="store_true",
            help="Check every finding, not only what moved since each zone's last pass.",
        )

    def handle(self, *args, as_of=None, zone=None, full=False, **options) -> None:
        try:
            created = scan(as_of=as_of, zone_code=zone, full=full)
        except Refusal as refusal:
            raise CommandError(refusal.detail) from None
        self.stdout.write(f"created {created} alerts")
