"""The ledger import over the API: template, upload, status; scope and roles."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from projects.models import Project
from reports.models import LedgerImport
from tests.reports.ledger_files import good_row, ledger_bytes

TEMPLATE = "/api/v1/imports/ledger-template.xlsx"
UPLOAD = "/api/v1/imports/ledger/"


def upload(client, data: bytes, zone="linfen-etdz", **extra):
    file = SimpleUploadedFile("台账.xlsx", data, content_type="application/octet-stream")
    return client.post(UPLOAD, {"file": file, "zone": zone, **extra}, format="multipart")


def test_the_template_has_the_ledger_headers_and_drop_down_lists_of_valid_values(
    api, officer, zone_b
):
    response = api(officer).get(TEMPLATE)

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["项目台账", "有效值"]
    ledger, values = workbook["项目台账"], workbook["有效值"]
    headers = [cell.value for cell in ledger[1]]
    assert headers[:3] == ["项目名称", "投资方（建设单位）", "开发区"]
    assert {"签约日期", "阶段", "实际投产", "包联领导"} <= set(headers)
    lists = {column[0].value: [c.value for c in column[1:] if c.value] for column in values.columns}
    # the officer's own zone only, never another zone of the city
    assert lists["开发区"] == ["临汾经济技术开发区"]
    assert lists["项目级别"] == ["国家级储备", "省级重大", "县级重点"]
    assert lists["项目类别"] == ["产业类", "基建类", "民生类"]
    formulas = {rule.formula1 for rule in ledger.data_validations.dataValidation}
    assert "'有效值'!$A$2:$A$2" in formulas
    assert ledger.freeze_panes == "C2"


def test_the_template_offers_a_chain_typed_with_control_characters_without_them(
    api, officer, zone_a
):
    # given a chain a zone system sent with a control character (schemathesis found the 500)
    from tests.factories import ProjectFactory

    ProjectFactory(zone=zone_a, industry_chain="新\x1f材料")

    # when
    response = api(officer).get(TEMPLATE)

    # then
    assert response.status_code == 200
    values = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["有效值"]
    chains = [
        cell.value
        for column in values.columns
        if column[0].value == "产业链"
        for cell in column[1:]
        if cell.value
    ]
    assert chains == ["新材料"]


def test_a_small_file_is_imported_at_once_and_answers_its_counts(api, officer):
    response = upload(api(officer), ledger_bytes([good_row(), good_row(项目名称="B")]))

    assert response.status_code == 201
    body = response.json()
    assert {
        k: body[k] for k in ("status", "progress", "rows", "created", "updated", "unchanged")
    } == {
        "status": "applied",
        "progress": 1.0,
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert body["errors"] == []
    assert api(officer).get(f"/api/v1/imports/{body['id']}/").json()["status"] == "applied"
    assert Project.objects.count() == 2


def test_a_dry_run_answers_ready_and_writes_nothing(api, officer):
    response = upload(api(officer), ledger_bytes([good_row()]), dry_run="true")

    assert response.json()["status"] == "ready"
    assert response.json()["created"] == 1
    assert not Project.objects.exists()


def test_a_bad_file_answers_failed_with_every_bad_row_and_column(api, officer):
    rows = [good_row(签约日期="2024-02-30"), good_row(项目名称="B", 阶段="在建")]

    body = upload(api(officer), ledger_bytes(rows)).json()

    assert body["status"] == "failed"
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "签约日期"), (3, "阶段")]
    assert "不是日历上存在的日期" in body["errors"][0]["message"]
    assert not Project.objects.exists()


def test_the_messages_follow_the_requests_language(api, officer):
    body = upload(api(officer, "en"), b"not a workbook").json()

    assert body["errors"] == [
        {"row": None, "column": None, "message": "This is not an Excel .xlsx file."}
    ]


def test_a_large_file_is_left_to_a_worker_and_its_progress_can_be_polled(
    api, officer, monkeypatch, django_capture_on_commit_callbacks
):
    # given files this size go to a worker, and the worker's task body run when it is queued
    monkeypatch.setattr("reports.services.INLINE_MAX_BYTES", 10)
    queued = []
    monkeypatch.setattr("reports.tasks.ledger_import_task.delay", queued.append)

    # when the file is uploaded
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api(officer), ledger_bytes([good_row()]))

    # then it answers validating at once, and the worker's run finishes it
    assert response.status_code == 202
    assert response.json()["status"] == "validating"
    assert queued == [response.json()["id"]]
    from reports.tasks import ledger_import_task

    ledger_import_task(queued[0])
    body = api(officer).get(f"/api/v1/imports/{queued[0]}/").json()
    assert (body["status"], body["progress"], body["created"]) == ("applied", 1.0, 1)
    # and a redelivered task does not import twice
    ledger_import_task(queued[0])
    assert Project.objects.count() == 1
    assert LedgerImport.objects.get().file is None


@pytest.mark.parametrize("zone", ["houma-edz", "jincheng-etdz", "no-such-zone"])
def test_a_zone_out_of_scope_answers_404_as_an_unknown_zone(
    api, officer, zone_b, foreign_zone, zone
):
    response = upload(api(officer), ledger_bytes([good_row()]), zone=zone)

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "开发区不存在。"}
    assert not LedgerImport.objects.exists()


def test_a_viewer_may_not_import(api, viewer, zone_a):
    response = upload(api(viewer), ledger_bytes([good_row()]))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize("role", ["zone_leader", "supervisor"])
def test_zone_leaders_and_supervisors_import_too(request, api, zone_a, role):
    response = upload(api(request.getfixturevalue(role)), ledger_bytes([good_row()]))

    assert response.json()["status"] == "applied"


def test_an_import_of_another_scope_answers_404_as_an_unknown_one(
    api, officer, officer_b, supervisor, foreign_supervisor
):
    import_id = upload(api(officer), ledger_bytes([good_row()])).json()["id"]

    assert api(supervisor).get(f"/api/v1/imports/{import_id}/").status_code == 200
    for outsider in (officer_b, foreign_supervisor):
        response = api(outsider).get(f"/api/v1/imports/{import_id}/")
        assert response.status_code == 404
        assert response.json() == api(outsider).get("/api/v1/imports/987654/").json()


def test_an_upload_without_a_file_is_a_400(api, officer):
    response = api(officer).post(UPLOAD, {"zone": "linfen-etdz"}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "file" in response.json()["errors"]


def test_anonymous_callers_get_401(api, zone_a):
    assert api(None).get(TEMPLATE).status_code == 401
    assert upload(api(None), b"x").status_code == 401
