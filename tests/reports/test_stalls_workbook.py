"""The 三未 ledger workbook, over the API and from the command."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from projects.models import Problem, Stage
from tests.factories import ProjectFactory

URL = "/api/v1/reports/stalls.xlsx"


@pytest.fixture
def stalled(make_project, zone_b, foreign_zone):
    casting = make_project(Stage.SIGNED, name="铸件项目", signed_on="2024-01-02")
    solar = make_project(Stage.STARTED, name="光伏项目")  # 2024-05-10 + 365: 51 days over
    for owner, description in (("县自然资源局", "土地摘牌滞后"), ("县发改局", "能评未批")):
        Problem.objects.create(
            project=casting,
            category=Problem.Category.LAND,
            description=description,
            owner=owner,
            raised_on="2025-03-01",
            deadline="2025-04-30",
        )
    make_project(Stage.SIGNED, name="新签约项目", signed_on="2025-06-01")
    make_project(Stage.SIGNED, zone=zone_b, name="侯马项目", signed_on="2024-01-02")
    ProjectFactory(zone=foreign_zone, name="晋城项目FOREIGN", signed_on="2024-01-02")
    return {"casting": casting, "solar": solar}


def _open(response):
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(sheet, first=1):
    return [[cell for cell in row] for row in sheet.iter_rows(min_row=first)]


def test_the_ledger_lists_each_stalled_project_with_leader_and_problem_owners(
    api, supervisor, stalled
):
    workbook = _open(api(supervisor).get(URL, {"city": "临汾市"}))

    assert workbook.sheetnames == ["汇总", "三未台账"]
    sheet = workbook["三未台账"]
    header = [cell.value for cell in _rows(sheet)[0]]
    assert header[:4] == ["序号", "开发区", "三未类型", "项目名称"]
    rows = {
        row[3].value: {h: c for h, c in zip(header, row, strict=True)} for row in _rows(sheet, 2)
    }
    assert set(rows) == {"铸件项目", "光伏项目", "侯马项目"}
    casting = rows["铸件项目"]
    assert casting["三未类型"].value == "签而未落"
    assert casting["超期天数"].value == 365  # 545 days signed, 180 allowed
    assert casting["超期天数"].fill.fgColor.rgb == "FFF8696B"
    assert casting["进入阶段日期"].value.date().isoformat() == "2024-01-02"
    assert casting["进入阶段日期"].number_format == "yyyy-mm-dd"
    assert casting["未解决问题"].value == "土地摘牌滞后；能评未批"
    assert casting["问题责任单位"].value == "县自然资源局；县发改局"
    assert rows["光伏项目"]["三未类型"].value == "落而未投"
    assert rows["光伏项目"]["超期天数"].value == 51
    assert sheet.freeze_panes == "E2"
    assert sheet.page_setup.orientation == "landscape"


def test_the_summary_counts_by_zone_and_kind(api, supervisor, stalled):
    summary = _open(api(supervisor).get(URL, {"city": "临汾市"}))["汇总"]

    rows = [[cell.value for cell in row] for row in summary.iter_rows(min_row=2)]
    assert rows[0] == ["开发区", "签而未落", "落而未投", "投未见效", "合计"]
    assert rows[1:] == [
        ["侯马经济开发区", 1, 0, 0, 1],
        ["临汾经济技术开发区", 1, 1, 0, 2],
        ["合计", 2, 1, 0, 3],
    ]


def test_as_of_an_earlier_date(api, officer, stalled):
    workbook = _open(api(officer).get(URL, {"zone": "linfen-etdz", "as_of": "2025-01-31"}))

    names = [row[3].value for row in _rows(workbook["三未台账"], 2)]
    assert names == ["铸件项目"]


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("officer", {"zone": "houma-edz"}),
        ("supervisor", {"zone": "jincheng-etdz"}),
        ("foreign_supervisor", {"city": "临汾市"}),
    ],
)
def test_a_foreign_place_is_the_same_400_as_an_unknown_one(request, api, stalled, who, query):
    client = api(request.getfixturevalue(who))
    parameter = next(iter(query))

    response = client.get(URL, query)
    absent = client.get(URL, {parameter: "nowhere"})

    assert response.status_code == 400
    assert response.json() == absent.json()
    assert parameter in response.json()["errors"]


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "2025-02-30"])
def test_dates_at_the_extremes_are_a_400(api, supervisor, stalled, as_of):
    response = api(supervisor).get(URL, {"city": "临汾市", "as_of": as_of})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_command_writes_the_ledger(stalled, tmp_path):
    out = tmp_path / "stalls.xlsx"

    call_command(
        "export_stalls", "--zone", "linfen-etdz", "--as-of", "2025-06-30", "--out", str(out)
    )

    names = [row[3].value for row in _rows(load_workbook(out)["三未台账"], 2)]
    assert sorted(names) == ["光伏项目", "铸件项目"]


@pytest.mark.parametrize("as_of", ["9999-12-31", "someday"])
def test_the_command_refuses_a_bad_date_and_leaves_no_file(stalled, tmp_path, as_of):
    with pytest.raises(CommandError):
        call_command(
            "export_stalls", "--city", "临汾市", "--as-of", as_of, "--out", str(tmp_path / "x.xlsx")
        )

    assert list(tmp_path.iterdir()) == []
