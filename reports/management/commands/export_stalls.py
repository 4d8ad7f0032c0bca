import datetime

from django.core.management.base import CommandError
from django.utils import timezone

from projects.errors import Refusal
from reports.exports import stalls_export
from reports.management.export import ExportCommand
from reports.parameters import plausible


class Command(ExportCommand):
    help = "Write the 三未 ledger workbook of a zone or a city as of a date (default today)."

    def add_arguments(self, parser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--zone", help="zone code")
        where.add_argument("--city", help="city name")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        super().add_arguments(parser)

    def handle(self, *args, **options) -> None:
        try:
            options["as_of"] = (
                plausible(datetime.date.fromisoformat(options["as_of"]), "as_of")
                if options["as_of"]
                else timezone.localdate()
            )
        except ValueError:
            raise CommandError("--as-of must be a date like 2025-06-30") from None
        except Refusal as refusal:
            raise CommandError(refusal.detail) from None
        super().handle(*args, **options)

    def export(self, out, reach, options) -> None:
        stalls_export(
            out, reach, zone=options["zone"], city=options["city"], as_of=options["as_of"]
        )
