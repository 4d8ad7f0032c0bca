"""The weekly scheduling-meeting workbook, over the API and from the command."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from projects.models import Problem, ProgressReport, Stage
from tests.factories import ProjectFactory

URL = "/api/v1/reports/weekly.xlsx"


@pytest.fixture
def meeting(make_project, zone_b, foreign_zone):
    stalled = make_project(Stage.SIGNED, name="签而未落的铸件项目", signed_on="2024-01-02")
    due_soon = make_project(
        Stage.STARTED, name="即将投产的光伏项目", planned_production_on="2025-07-15"
    )
    on_track = make_project(
        Stage.STARTED,
        name="按期推进的医药项目",
        started_on=None,
        planned_production_on="2026-12-31",
    )
    ProgressReport.objects.create(
        project=on_track,
        month=datetime.date(2025, 6, 1),
        investment_completed="1200.00",
        image_progress="主体厂房钢结构完成80%",
    )
    Problem.objects.create(
        project=stalled,
        category=Problem.Category.LAND,
        description="土地摘牌滞后",
        owner="县自然资源局",
        raised_on=datetime.date(2025, 3, 1),
        deadline=datetime.date(2025, 4, 30),
    )
    ProjectFactory(zone=zone_b, name="侯马的项目")
    ProjectFactory(zone=foreign_zone, name="晋城的项目FOREIGN")
    return {"stalled": stalled, "due_soon": due_soon, "on_track": on_track}


def _open(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _ledger(workbook) -> dict[str, dict]:
    rows = list(workbook["项目台账"].iter_rows(values_only=True))
    header = rows[0]
    return {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_a_city_workbook_has_the_three_sheets_with_chinese_headers(api, supervisor, meeting):
    workbook = _open(api(supervisor).get(URL, {"city": "临汾市", "week": "2025-W26"}))

    assert workbook.sheetnames == ["汇总", "项目台账", "问题台账"]
    assert workbook["项目台账"].freeze_panes == "C2"
    assert workbook["项目台账"]["B1"].value == "项目名称"
    assert "2025年第26周，截至2025-06-29" in workbook["汇总"]["A1"].value


def test_the_ledger_lights_each_project(api, supervisor, meeting):
    ledger = _ledger(_open(api(supervisor).get(URL, {"city": "临汾市", "week": "2025-W26"})))

    stalled = ledger["签而未落的铸件项目"]
    assert (stalled["状态"], stalled["三未类型"], stalled["超期天数"]) == ("红", "签而未落", 364)
    assert stalled["未解决问题"] == "土地摘牌滞后"
    assert ledger["即将投产的光伏项目"]["状态"] == "红"  # started 2024-05-10: 50 days over 365
    assert ledger["按期推进的医药项目"]["本月形象进度"] == "主体厂房钢结构完成80%"
    assert "侯马的项目" in ledger
    assert not any("FOREIGN" in name for name in ledger)


def test_a_zone_workbook_holds_only_that_zone(api, officer, meeting):
    ledger = _ledger(_open(api(officer).get(URL, {"zone": "linfen-etdz", "week": "2025-W26"})))

    assert "侯马的项目" not in ledger
    assert len(ledger) == 3


def test_the_problem_sheet_lists_open_problems_with_days_overdue(api, supervisor, meeting):
    rows = list(
        _open(api(supervisor).get(URL, {"city": "临汾市", "week": "2025-W26"}))[
            "问题台账"
        ].iter_rows(values_only=True)
    )

    assert rows[1][1:4] == ("签而未落的铸件项目", "临汾经济技术开发区", "用地")
    assert rows[1][-1] == 60  # deadline 2025-04-30, week ends 2025-06-29


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("officer", {"zone": "houma-edz", "week": "2025-W26"}),
        ("officer", {"city": "临汾市", "week": "2025-W26"}),
        ("foreign_supervisor", {"city": "临汾市", "week": "2025-W26"}),
        ("supervisor", {"zone": "jincheng-etdz", "week": "2025-W26"}),
    ],
)
def test_out_of_scope_is_the_same_400_as_unknown(request, api, meeting, who, query):
    client = api(request.getfixturevalue(who))
    parameter = "zone" if "zone" in query else "city"

    response = client.get(URL, query)
    unknown = client.get(URL, {parameter: "nowhere", "week": "2025-W26"})

    assert response.status_code == 400
    assert response.json() == unknown.json()
    assert parameter in response.json()["errors"]


@pytest.mark.parametrize(
    "query",
    [
        {"week": "2025-W26"},
        {"zone": "linfen-etdz", "city": "临汾市", "week": "2025-W26"},
        {"zone": "linfen-etdz", "week": "2025-26"},
        {"zone": "linfen-etdz", "week": "2025-W54"},
        {"zone": "linfen-etdz"},
    ],
)
def test_bad_parameters_are_400(api, supervisor, meeting, query):
    response = api(supervisor).get(URL, query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_command_writes_the_workbook(meeting, tmp_path):
    out = tmp_path / "week.xlsx"

    call_command("export_weekly", "--city", "临汾市", "--week", "2025-W26", "--out", str(out))

    assert len(_ledger(load_workbook(out))) == 4


def test_the_command_refuses_an_unknown_zone_and_leaves_no_file(meeting, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "export_weekly",
            "--zone",
            "nowhere",
            "--week",
            "2025-W26",
            "--out",
            str(tmp_path / "x.xlsx"),
        )

    assert list(tmp_path.iterdir()) == []


def test_the_summary_stores_rates_as_numbers_with_a_percent_format(api, supervisor, meeting):
    summary = _open(api(supervisor).get(URL, {"city": "临汾市", "week": "2025-W26"}))["汇总"]

    rows = {(row[0].value, row[3].value): row for row in summary.iter_rows(min_row=3, max_row=8)}
    start_rate, target = rows[("签约一批", "开工率")][4], rows[("签约一批", "开工率")][5]
    assert target.value == 0.8
    assert target.number_format == "0.0%"
    assert start_rate.value == "—"  # no round held: an empty batch
    assert "口径" in summary["A9"].value


def test_the_ledger_has_its_look_colours_freeze_panes_and_print_set_up(api, supervisor, meeting):
    ProjectFactory(zone=meeting["stalled"].zone, name="新签约项目", signed_on="2025-06-01")
    workbook = _open(api(supervisor).get(URL, {"city": "临汾市", "week": "2025-W26"}))
    ledger = workbook["项目台账"]

    header = next(ledger.iter_rows(max_row=1))
    assert header[0].font.bold
    assert header[0].fill.fgColor.rgb == "FFDDEBF7"
    column = {cell.value: index for index, cell in enumerate(header)}
    light, name = column["状态"], column["项目名称"]
    lights = {row[name].value: row[light] for row in ledger.iter_rows(min_row=2)}
    assert lights["签而未落的铸件项目"].fill.fgColor.rgb == "FFF8696B"
    assert lights["新签约项目"].value == "绿"
    assert lights["新签约项目"].fill.fgColor.rgb == "FF63BE7B"
    money = next(row[column["总投资（万元）"]] for row in ledger.iter_rows(min_row=2))
    assert (money.value, money.number_format) == (52000, "#,##0.00")
    planned_production = column["计划投产"]
    planned = next(
        row[planned_production]
        for row in ledger.iter_rows(min_row=2)
        if row[planned_production].value
    )
    assert planned.number_format == "yyyy-mm-dd"
    assert ledger.column_dimensions["B"].width == pytest.approx(30, abs=1)
    assert ledger.page_setup.orientation == "landscape"
    assert ledger.page_setup.paperSize == 9
    assert ledger.sheet_properties.pageSetUpPr.fitToPage
    assert ledger.print_title_rows == "$1:$1"
    assert workbook["汇总"].freeze_panes == "A13"
    assert workbook["问题台账"].freeze_panes == "C2"


def test_text_that_looks_like_a_formula_stays_text(api, supervisor, meeting):
    ProjectFactory(zone=meeting["stalled"].zone, name='=HYPERLINK("http://x")', investor="=1+1")

    ledger = _ledger(_open(api(supervisor).get(URL, {"city": "临汾市", "week": "2025-W26"})))

    assert ledger['=HYPERLINK("http://x")']["投资方（建设单位）"] == "=1+1"


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "1999-W10", "2025-W00"])
def test_weeks_at_the_extremes_are_a_400(api, supervisor, meeting, week):
    response = api(supervisor).get(URL, {"city": "临汾市", "week": week})

    assert response.status_code == 400
    assert set(response.json()) >= {"code", "detail"}
