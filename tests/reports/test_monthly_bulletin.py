"""The monthly bulletin (月通报): the workbook, the printable page and the command."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.shortcuts import resolve_url
from openpyxl import load_workbook

from projects.models import Enrollment, Problem, Project, Stage
from tests.factories import ActivityFactory

URL = "/api/v1/reports/monthly.xlsx"
PAGE = "/reports/monthly/"
MAY = {"city": "临汾市", "month": "2025-05"}


@pytest.fixture
def may(make_project, city, zone_b, foreign_zone):
    # given: a round with zone A ahead of zone B on the start rate
    held = ActivityFactory(city=city, held_on=datetime.date(2024, 6, 20))
    for project in (make_project(Stage.AT_TARGET), make_project(Stage.STARTED)):
        Enrollment.objects.create(project=project, activity=held, kind="signed")
    for project in (
        make_project(Stage.SIGNED, zone=zone_b),
        make_project(Stage.STARTED, zone=zone_b),
    ):
        Enrollment.objects.create(project=project, activity=held, kind="signed")
    # a project signed 2024-11-20 passes its 180 days on 2025-05-19: a new 签而未落 in May
    late = make_project(Stage.SIGNED, name="新增签而未落项目", signed_on="2024-11-20")
    Problem.objects.create(
        project=late,
        category=Problem.Category.LAND,
        description="用地指标未落实",
        owner="县自然资源局",
        raised_on="2025-05-06",
        deadline="2025-06-30",
    )
    make_project(Stage.SIGNED, zone=foreign_zone, name="晋城项目FOREIGN")


def _open(response):
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_bulletin_ranks_zones_against_targets(api, supervisor, may):
    workbook = _open(api(supervisor).get(URL, MAY))

    assert workbook.sheetnames == ["三率排名", "三未", "阶段变更", "问题", "警示函与约谈"]
    ranking = workbook["三率排名"]
    assert "临汾市" in ranking["A1"].value and "2025年05月" in ranking["A1"].value
    rows = {row[0].value: row for row in ranking.iter_rows(min_row=5)}
    linfen, houma = rows["临汾经济技术开发区"], rows["侯马经济开发区"]
    assert [c.value for c in linfen[1:4]] == [2, 1.0, 1]
    assert [c.value for c in houma[1:4]] == [2, 0.5, 2]
    assert linfen[2].number_format == "0.0%"
    assert [c.value for c in rows["全市"][1:3]] == [4, 0.75]
    assert rows["目标"][2].value == 0.8
    assert houma[6].value is None  # an empty 投产一批: no rank
    assert ranking.freeze_panes == "A5"


def test_the_bulletin_counts_stalls_against_last_month(api, supervisor, may):
    stalls = _open(api(supervisor).get(URL, MAY))["三未"]

    header = [cell.value for cell in next(stalls.iter_rows(min_row=2, max_row=2))]
    rows = {
        row[0].value: dict(zip(header, (c.value for c in row), strict=True))
        for row in stalls.iter_rows(min_row=3)
    }
    linfen = rows["临汾经济技术开发区"]
    assert (linfen["签而未落（本月）"], linfen["签而未落（上月）"], linfen["签而未落（增减）"]) == (
        1,
        0,
        1,
    )
    assert rows["侯马经济开发区"]["签而未落（本月）"] == 1  # signed 2024-03-01


def test_the_bulletin_lists_the_months_stage_changes_problems_and_no_letter_when_none(
    api, supervisor, may
):
    workbook = _open(api(supervisor).get(URL, MAY))

    changes = [[c.value for c in row] for row in workbook["阶段变更"].iter_rows(min_row=2)]
    assert [(row[1].date(), row[4], row[5]) for row in changes] == [
        (datetime.date(2025, 5, 31), "投产", "达效")
    ]
    problems = {
        row[0].value: [c.value for c in row[1:]] for row in workbook["问题"].iter_rows(min_row=2)
    }
    assert problems["临汾经济技术开发区"] == [1, 0, 1]
    assert problems["侯马经济开发区"] == [0, 0, 0]
    assert workbook["警示函与约谈"]["A2"].value == "本月无"


def test_the_printable_page_shows_the_same_figures(client, supervisor, may):
    client.force_login(supervisor)

    response = client.get(PAGE, MAY)

    assert response.status_code == 200
    page = response.content.decode()
    assert "临汾市开发区“三个一批”项目月通报（2025年05月）" in page
    assert "100.0%" in page and "50.0%" in page and "75.0%" in page
    assert "reports/monthly.css" in page
    assert "FOREIGN" not in page
    assert "http" not in page.split("<body>")[0].replace('lang="zh-Hans"', "")


def test_the_page_needs_a_login(client, may):
    response = client.get(PAGE, MAY)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("who", ["officer", "foreign_supervisor"])
def test_a_city_not_seen_whole_is_refused_like_an_unknown_one(request, api, client, may, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = api(user).get(URL, MAY)
    absent = api(user).get(URL, {"city": "不存在市", "month": "2025-05"})
    page = client.get(PAGE, MAY)

    assert response.status_code == 400
    assert response.json() == absent.json()
    assert "city" in response.json()["errors"]
    assert page.status_code == 400


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2025-13", "2025-7", "2025-07"])
def test_months_at_the_extremes_or_not_yet_begun_are_a_400(api, client, supervisor, may, month):
    client.force_login(supervisor)

    response = api(supervisor).get(URL, {"city": "临汾市", "month": month})

    assert response.status_code == 400
    assert set(response.json()) >= {"code", "detail"}
    assert client.get(PAGE, {"city": "临汾市", "month": month}).status_code == 400


def test_the_command_writes_the_bulletin(may, tmp_path):
    out = tmp_path / "monthly.xlsx"

    call_command("export_monthly", "--city", "临汾市", "--month", "2025-05", "--out", str(out))

    assert load_workbook(out).sheetnames[0] == "三率排名"


def test_the_bulletin_lists_the_months_letters_and_interviews_of_its_city_only(
    api, client, supervisor, may, zone_a, foreign_zone
):
    # given a letter and an interview in May, a letter in April, and another city's letter in May
    from notifications.models import Interview, Letter

    stalled = Project.objects.get(name="新增签而未落项目")
    foreign = Project.objects.get(name="晋城项目FOREIGN")

    def letter(project, zone, serial, issued_on):
        return Letter.objects.create(
            city=zone.city,
            year=2025,
            serial=serial,
            number=f"临开建函〔2025〕{serial}号",
            project=project,
            zone=zone,
            rule="signed_not_started",
            due_period=f"p{serial}",
            finding="签而未落",
            days_over=30,
            issued_on=issued_on,
            reply_due_on=datetime.date(2025, 7, 31),
        )

    letter(stalled, zone_a, 7, datetime.date(2025, 5, 20))
    letter(stalled, zone_a, 6, datetime.date(2025, 4, 20))
    letter(foreign, foreign_zone, 1, datetime.date(2025, 5, 21))
    Interview.objects.create(
        project=stalled,
        zone=zone_a,
        rule="signed_not_started",
        due_period="p7",
        since=datetime.date(2024, 11, 20),
        days_over=60,
        listed_on=datetime.date(2025, 5, 28),
    )

    # when
    sheet = _open(api(supervisor).get(URL, MAY))["警示函与约谈"]
    client.force_login(supervisor)
    page = client.get(PAGE, MAY).content.decode()

    # then
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [(row[0], row[1], row[3], row[4].date()) for row in rows] == [
        ("警示提醒函", "临开建函〔2025〕7号", "新增签而未落项目", datetime.date(2025, 5, 20)),
        ("约谈", None, "新增签而未落项目", datetime.date(2025, 5, 28)),
    ]
    assert "临开建函〔2025〕7号" in page and "临开建函〔2025〕6号" not in page
    assert "FOREIGN" not in page
