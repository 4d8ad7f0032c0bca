"""The import page: a dry run first, then each bad row (row, column, reason) with nothing
written, or a summary to confirm and apply; the progress polled while a worker checks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Project
from reports.models import LedgerImport
from tests.reports.ledger_files import good_row, ledger_bytes
from workflow.models import TransitionLog

pytestmark = pytest.mark.django_db


def _upload(client, rows, zone="linfen-etdz"):
    return client.post(
        reverse("reports:imports"),
        {"zone": zone, "file": SimpleUploadedFile("台账.xlsx", ledger_bytes(rows))},
    )


def test_a_file_with_a_bad_row_shows_its_row_column_and_reason_and_writes_nothing(client, officer):
    client.force_login(officer)

    # when a ledger whose second row has a date that is no date is uploaded
    response = _upload(client, [good_row(), good_row(项目名称="第二个项目", 签约日期="2024-13-45")])

    # then the import's page names the row and the column, and nothing is written
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'data-status="failed"' in page
    assert "<td>3</td><td>签约日期</td>" in page
    assert "未写入任何数据" in page
    assert 'data-testid="apply-form"' not in page
    assert not Project.objects.exists() and not TransitionLog.objects.exists()


def test_a_good_file_is_checked_then_applied_once_confirmed(client, officer):
    client.force_login(officer)

    # given a good ledger checked by a dry run: nothing written, a summary and a confirmation
    checked = _upload(client, [good_row(), good_row(项目名称="第二个项目")])
    page = client.get(checked.url).content.decode()
    assert "2 行：新增 2 个" in page
    assert 'data-testid="apply-form"' in page
    assert not Project.objects.exists()
    dry_run = LedgerImport.objects.get()

    # when the officer confirms
    applied = client.post(reverse("reports:import-apply", args=[dry_run.pk]))

    # then the same file is applied as a new import, and a second confirmation applies nothing
    assert Project.objects.count() == 2
    record = LedgerImport.objects.exclude(pk=dry_run.pk).get()
    assert applied.url == reverse("reports:import", args=[record.pk])
    assert (record.status, record.dry_run, record.created) == ("applied", False, 2)
    again = client.post(reverse("reports:import-apply", args=[dry_run.pk]))
    assert again.status_code == 400
    assert "该核查已经导入" in again.content.decode()
    assert Project.objects.count() == 2


def test_an_unfinished_import_is_polled_and_its_progress_shown(client, officer, zone_a):
    # given an import a worker is checking, halfway through its rows
    record = LedgerImport.objects.create(
        zone=zone_a, by=officer, file_name="大台账.xlsx", progress=0.25
    )
    client.force_login(officer)

    page = client.get(reverse("reports:import", args=[record.pk])).content.decode()
    status = client.get(reverse("reports:import-status", args=[record.pk])).content.decode()

    poll = f'hx-get="{reverse("reports:import-status", args=[record.pk])}"'
    assert poll in page and poll in status
    assert 'aria-valuenow="25"' in status
    assert status.startswith('<section id="import-status"')


def test_a_viewer_may_not_upload_and_is_told_so(client, viewer, zone_a):
    client.force_login(viewer)

    page = client.get(reverse("reports:imports")).content.decode()
    response = _upload(client, [good_row()])

    assert 'data-testid="upload-form"' not in page
    assert response.status_code == 403
    assert not LedgerImport.objects.exists()


def test_another_zones_import_is_404_for_each_of_its_pages(client, officer, officer_b, zone_a):
    record = LedgerImport.objects.create(zone=zone_a, by=officer, file_name="台账.xlsx")
    client.force_login(officer_b)

    for name in ("reports:import", "reports:import-status", "reports:import-apply"):
        assert client.get(reverse(name, args=[record.pk])).status_code == 404
    assert client.post(reverse("reports:import-apply", args=[record.pk])).status_code == 404
    assert "台账.xlsx" not in client.get(reverse("reports:imports")).content.decode()
