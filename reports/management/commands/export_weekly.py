import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects.errors import Refusal
from projects.models import Project, Zone
from reports.exports import weekly_export


class Command(BaseCommand):
    help = "Write the weekly scheduling-meeting workbook (周调度表) of a zone or a city."

    def add_arguments(self, parser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--zone", help="zone code")
        where.add_argument("--city", help="city name")
        parser.add_argument("--week", required=True, help="ISO week, e.g. 2025-W26")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, **options) -> None:
        target = Path(options["out"])
        # Written beside the target and renamed at the end: a failed export leaves no half file.
        with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".xlsx", delete=False) as out:
            partial = Path(out.name)
            try:
                weekly_export(
                    out,
                    projects=Project.objects.all(),
                    zones=Zone.objects.all(),
                    zone=options["zone"],
                    city=options["city"],
                    week=options["week"],
                    today=timezone.localdate(),
                )
            except Refusal as refusal:
                partial.unlink()
                raise CommandError(refusal.detail) from None
            except BaseException:
                partial.unlink()
                raise
        partial.replace(target)
        self.stdout.write(f"wrote {target}")
