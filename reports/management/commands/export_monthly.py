from django.utils import timezone

from reports.exports import monthly_export
from reports.management.export import ExportCommand


class Command(ExportCommand):
    help = "Write the monthly bulletin (月通报) workbook of a city."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--city", required=True, help="city name")
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2025-06")
        super().add_arguments(parser)

    def export(self, out, reach, options) -> None:
        monthly_export(
            out, reach, city=options["city"], month=options["month"], today=timezone.localdate()
        )
