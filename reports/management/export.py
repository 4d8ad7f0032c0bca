"""What every export command shares: the workbook is written beside the target and renamed at
the end, so a failed export leaves no half file; a refusal is the command's error message."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.errors import Refusal
from reports.exports import Reach


class ExportCommand(BaseCommand):
    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def export(self, out, reach: Reach, options: dict) -> None:
        raise NotImplementedError

    def handle(self, *args, **options) -> None:
        target = Path(options["out"])
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a directory")
        with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".xlsx", delete=False) as out:
            partial = Path(out.name)
            try:
                self.export(out, Reach.everything(), options)
            except Refusal as refusal:
                partial.unlink()
                raise CommandError(refusal.detail) from None
            except BaseException:
                partial.unlink()
                raise
        partial.replace(target)
        self.stdout.write(f"wrote {target}")
