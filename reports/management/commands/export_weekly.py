from django.utils import timezone

from reports.exports import weekly_export
from reports.management.export import ExportCommand


class Command(ExportCommand):
    help = "Write the weekly scheduling-meeting workbook (周调度表) of a zone or a city."

    def add_arguments(self, parser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--zone", help="zone code")
        where.add_argument("--city", help="city name")
        parser.add_argument("--week", required=True, help="ISO week, e.g. 2025-W26")
        super().add_arguments(parser)

    def export(self, out, reach, options) -> None:
        weekly_export(
            out,
            reach,
            zone=options["zone"],
            city=options["city"],
            week=options["week"],
            today=timezone.localdate(),
        )
