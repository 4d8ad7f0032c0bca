from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from projects.access import may_edit_projects
from projects.models import Zone
from reports.ledger_import import MAX_BYTES
from reports.services import command_line_actor, ledger_import


class Command(BaseCommand):
    help = (
        "Import a zone's project ledger (项目台账) from an .xlsx file: all rows or none. Bad rows "
        "are listed on stderr with their row number and column, and nothing is written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file", help="the .xlsx ledger (see /api/v1/imports/ledger-template.xlsx)"
        )
        parser.add_argument("--zone", required=True, help="zone code")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--as",
            dest="username",
            help="act as this user (their scope and role); by default the command line may do "
            "everything and the transition log names no user",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(_("The file is larger than 10 MB; split it into smaller files."))
        by = command_line_actor()
        if options["username"]:
            by = get_user_model().objects.filter(username=options["username"]).first()
            if by is None:
                raise CommandError(_("No such user: %(name)s") % {"name": options["username"]})
            if not may_edit_projects(by):
                raise CommandError(_("Your role may not import projects."))
        zone = Zone.objects.restrict(by).filter(code=options["zone"]).first()
        if zone is None:
            raise CommandError(_("No such zone."))
        plan, counts = ledger_import(
            data=path.read_bytes(), zone=zone, by=by, dry_run=options["dry_run"]
        )
        for warning in plan.warnings:
            self.stderr.write(_("Warning: %(problem)s") % {"problem": warning})
        if counts is None:
            for problem in plan.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(count)s problem(s) found; nothing was written.") % {"count": len(plan.errors)}
            )
        if options["dry_run"]:
            self.stdout.write(_("Dry run: every row is good; nothing was written."))
        self.stdout.write(
            f"created {counts.created}, updated {counts.updated}, unchanged {counts.unchanged}"
        )
