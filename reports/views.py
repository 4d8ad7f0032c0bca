"""The pages' downloads: the project list's current view as a workbook."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.utils import timezone

from projects.filtersets import filter_projects
from reports.weekly import project_ledger_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def project_list_workbook(request):
    """The project list with the same filters, as the weekly workbook's project ledger."""
    today = timezone.localdate()
    _, projects = filter_projects(request.GET, user=request.user)
    # Spooled to disk past 16 MB; FileResponse streams it out and closes it once sent.
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    project_ledger_workbook(out, projects=projects, as_of=today)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"项目台账-{today:%Y%m%d}.xlsx", content_type=XLSX
    )
