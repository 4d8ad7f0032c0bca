"""Importing a good ledger: projects created or updated, stages moved by the one service."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from projects.models import Project, Stage
from tests.factories import ZoneFactory, member
from tests.reports.ledger_files import HEADERS, good_row, ledger_file
from workflow.models import TransitionLog


def run(path, zone="linfen-etdz", *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_ledger", str(path), "--zone", zone, *args, stdout=out, stderr=err)
    except CommandError as error:
        raise AssertionError(f"{error}\n{err.getvalue()}") from None
    return out.getvalue(), err.getvalue()


def test_a_good_ledger_creates_the_zones_projects_and_prints_the_counts(tmp_path, zone_a):
    path = ledger_file(
        tmp_path,
        [good_row(), good_row(**{"项目名称": "光伏组件项目", "总投资（万元）": "1.5亿元"})],
    )

    out, _ = run(path)

    assert out.strip().splitlines()[-1] == "created 2, updated 0, unchanged 0"
    project = Project.objects.get(name="年产5万吨铝型材项目")
    assert (project.zone, project.stage, project.signed_on) == (
        zone_a,
        Stage.SIGNED,
        datetime.date(2024, 3, 5),
    )
    assert project.total_investment == Decimal("52000.00")
    assert (project.tier, project.category) == (Project.Tier.PROVINCIAL, Project.Category.INDUSTRY)


def test_a_row_at_production_is_started_then_put_into_production_with_its_dates(tmp_path, zone_a):
    # given a row at 投产 with both dates
    row = good_row(阶段="投产", 实际开工="2024年5月10日", 实际投产="2025/01/20")

    # when it is imported
    run(ledger_file(tmp_path, [row]))

    # then the project went through both transitions, in order, with the row's dates
    project = Project.objects.get()
    assert (project.stage, project.started_on, project.producing_on) == (
        Stage.PRODUCING,
        datetime.date(2024, 5, 10),
        datetime.date(2025, 1, 20),
    )
    log = list(TransitionLog.objects.values_list("transition", "effective_on", "note"))
    assert log == [
        ("start", datetime.date(2024, 5, 10), "台账导入"),
        ("put_into_production", datetime.date(2025, 1, 20), "台账导入"),
    ]
    assert project.version == 3


def test_a_row_at_target_reaches_it_on_the_rows_date(tmp_path, zone_a):
    row = good_row(阶段="达效", 实际开工="2024.5.10", 实际投产="2025-1-20", 实际达效="2025-05-31")

    run(ledger_file(tmp_path, [row]))

    project = Project.objects.get()
    assert (project.stage, project.at_target_on) == (Stage.AT_TARGET, datetime.date(2025, 5, 31))


def test_importing_the_same_file_again_changes_nothing(tmp_path, zone_a):
    path = ledger_file(
        tmp_path,
        [
            good_row(阶段="开工", 实际开工="2024-05-10", 计划投产="2025-12-31"),
            good_row(项目名称="B"),
        ],
    )
    run(path)
    before = list(Project.objects.order_by("pk").values("pk", "version", "updated_at"))

    out, _ = run(path)

    assert out.strip() == "created 0, updated 0, unchanged 2"
    assert list(Project.objects.order_by("pk").values("pk", "version", "updated_at")) == before
    assert TransitionLog.objects.count() == 1


def test_a_changed_row_updates_its_project_and_moves_it_on(tmp_path, make_project):
    project = make_project(
        Stage.STARTED, name="年产5万吨铝型材项目", investor="山西晋铝新材料有限公司"
    )
    row = good_row(
        签约日期="2024-03-01",
        **{"总投资（万元）": "60000"},
        阶段="投产",
        实际开工="2024-05-10",
        实际投产="2025-06-01",
    )

    out, _ = run(ledger_file(tmp_path, [row, good_row(项目名称="新项目")]))

    assert out.strip() == "created 1, updated 1, unchanged 0"
    project.refresh_from_db()
    assert (project.total_investment, project.stage, project.producing_on) == (
        Decimal("60000.00"),
        Stage.PRODUCING,
        datetime.date(2025, 6, 1),
    )


def test_a_dry_run_checks_every_row_and_writes_nothing(tmp_path, zone_a):
    out, _ = run(
        ledger_file(tmp_path, [good_row(), good_row(项目名称="B")]), "linfen-etdz", "--dry-run"
    )

    assert out.strip().splitlines()[-1] == "created 2, updated 0, unchanged 0"
    assert not Project.objects.exists()


def test_an_unknown_column_is_ignored_with_a_warning(tmp_path, zone_a):
    path = ledger_file(tmp_path, [good_row(备注="领导关注")], headers=[*HEADERS, "备注"])

    out, err = run(path)

    assert out.strip() == "created 1, updated 0, unchanged 0"
    assert "备注" in err


def test_the_leader_is_found_by_name_in_the_zone_or_its_city(tmp_path, zone_a, city):
    leader = member("wang_leader", "zone_leader", zone=zone_a)
    leader.first_name = "王建国"
    leader.save()

    run(ledger_file(tmp_path, [good_row(包联领导="王建国")]))

    assert Project.objects.get().leader == leader


@pytest.fixture
def twin_zone(other_city):
    """A zone of the same name in another city, empty: where a round trip lands."""
    return ZoneFactory(code="twin-etdz", name="临汾经济技术开发区", city=other_city)


def _ledger_rows(api, user, zone):
    response = api(user).get("/api/v1/reports/weekly.xlsx", {"zone": zone, "week": "2025-W26"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook["项目台账"].iter_rows(values_only=True))


def test_a_weekly_ledger_imported_into_an_empty_zone_exports_the_same_ledger(
    tmp_path, api, make_project, supervisor, foreign_supervisor, twin_zone
):
    # given zone A's projects at every live stage and at target, and its weekly ledger
    make_project(Stage.SIGNED, name="签约的项目", planned_start_on="2025-09-01")
    make_project(Stage.STARTED, name="开工的项目", industry_chain="装备制造", tier="national")
    make_project(Stage.PRODUCING, name="投产的项目", category="infrastructure")
    make_project(Stage.AT_TARGET, name="达效的项目", total_investment="1234.56")
    exported = _ledger_rows(api, supervisor, "linfen-etdz")
    path = tmp_path / "weekly.xlsx"
    response = api(supervisor).get(
        "/api/v1/reports/weekly.xlsx", {"zone": "linfen-etdz", "week": "2025-W26"}
    )
    path.write_bytes(b"".join(response.streaming_content))

    # when the workbook is imported into an empty zone of the same name
    out, err = run(path, "twin-etdz")

    # then its ledger is the same, row for row and cell for cell
    assert out.strip() == "created 4, updated 0, unchanged 0", err
    assert _ledger_rows(api, foreign_supervisor, "twin-etdz") == exported
    # and importing it again changes nothing
    assert run(path, "twin-etdz")[0].strip() == "created 0, updated 0, unchanged 4"
