"""The dashboard and the project page's ledgers in a real headless Chromium, at a laptop's and
at a phone's width, with the request log and axe-core checked as on the other pages."""

import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from projects.models import Enrollment, Milestone, Problem, Stage
from tests.e2e.conftest import axe_clean, screenshot, sign_in
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db(transaction=True)
RATES = "/api/v1/reports/three-rates/"
BATCH = {"start_rate": "signed", "production_rate": "started", "target_rate": "producing"}


def _open(page, target: str) -> None:
    page.click(f"[data-testid=open-{target}]")
    page.wait_for_selector(f"#{target}.show")


def test_an_officer_keeps_the_ledgers_in_place_and_is_told_a_refusal(
    site, width, officer, make_project
):
    # given a started project with one open problem
    project = make_project(Stage.STARTED, name="年产10万吨新材料项目")
    problem = Problem.objects.create(
        project=project,
        category="land",
        description="用地指标待落实",
        owner="自然资源局",
        raised_on=datetime.date(2025, 5, 1),
        deadline=datetime.date(2025, 7, 31),
    )
    sign_in(site, "officer_a")
    site.goto(f"/projects/{project.pk}/")

    # when the officer adds a problem whose deadline is before it was raised
    _open(site, "add-problem")
    site.select_option("#id_problem-category", "funding")
    site.fill("#id_problem-description", "配套资金未到位")
    site.fill("#id_problem-owner", "财政局")
    site.fill("#id_problem-raised_on", "2025-06-10")
    site.fill("#id_problem-deadline", "2025-06-01")
    site.click("[data-testid=problem-form] button[type=submit]")

    # then the model's sentence is shown in place, and nothing is written
    refusal = site.wait_for_selector("[data-testid=problems] [data-testid=refusal]")
    assert "限时解决日期不能早于问题提出日期" in refusal.inner_text()
    assert Problem.objects.filter(project=project).count() == 1

    # when the deadline is corrected, the problem is added in place
    site.fill("#id_problem-deadline", "2025-08-01")
    site.click("[data-testid=problem-form] button[type=submit]")
    site.wait_for_selector("[data-testid=problems] td >> text=配套资金未到位")
    assert Problem.objects.filter(project=project).count() == 2

    # and the first problem is resolved (销号)
    site.click(f"[data-testid=open-resolve-{problem.pk}]")
    site.wait_for_selector(f"#resolve-{problem.pk}.show")
    site.fill(f"#id_resolve-{problem.pk}-resolution", "已调剂用地指标")
    site.click(f"[data-testid=resolve-form-{problem.pk}] button[type=submit]")
    site.wait_for_selector("[data-testid=problems] td >> text=已调剂用地指标")
    problem.refresh_from_db()
    assert problem.status == "resolved" and problem.resolved_on == datetime.date(2025, 6, 30)

    # and a month's progress, a milestone, and the milestone done
    _open(site, "add-progress")
    site.fill("#id_progress-investment_completed", "1500")
    site.fill("#id_progress-image_progress", "厂房封顶")
    site.click("[data-testid=progress-form] button[type=submit]")
    site.wait_for_selector("[data-testid=progress] td >> text=厂房封顶")
    _open(site, "add-milestone")
    site.fill("#id_milestone-name", "设备安装")
    site.fill("#id_milestone-planned_on", "2025-06-15")
    site.click("[data-testid=milestone-form] button[type=submit]")
    site.wait_for_selector("[data-testid=milestones] td >> text=设备安装")
    milestone = Milestone.objects.get(project=project, name="设备安装")
    site.click(f"[data-testid=done-form-{milestone.pk}] button[type=submit]")
    site.wait_for_selector(f"[data-testid=done-form-{milestone.pk}]", state="detached")
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2025, 6, 30)
    axe_clean(site)
    screenshot(site, "project-ledgers", width)


def _shown(site, testid: str) -> Decimal | None:
    text = site.inner_text(f"[data-testid={testid}]").strip()
    return None if text == "—" else Decimal(text.rstrip("%")).scaleb(-2)


def _api(value) -> Decimal | None:
    return None if value is None else Decimal(repr(value))


def test_a_supervisors_dashboard_reads_the_apis_three_rates(
    site, width, api, supervisor, make_project, city, zone_b
):
    # given two rounds with projects of both zones in several batches
    first = ActivityFactory(city=city, name="2024年第二次", held_on=datetime.date(2024, 6, 20))
    second = ActivityFactory(city=city, name="2025年第一次", held_on=datetime.date(2025, 3, 10))
    for stage, zone, activity, kind in (
        (Stage.STARTED, None, first, "signed"),
        (Stage.SIGNED, None, first, "signed"),
        (Stage.SIGNED, zone_b, first, "signed"),
        (Stage.PRODUCING, None, first, "started"),
        (Stage.STARTED, zone_b, first, "started"),
        (Stage.STARTED, zone_b, first, "started"),
        (Stage.AT_TARGET, None, second, "producing"),
        (Stage.PRODUCING, zone_b, second, "producing"),
        (Stage.STARTED, None, second, "signed"),
    ):
        project = make_project(stage, **({"zone": zone} if zone else {}))
        Enrollment.objects.create(project=project, activity=activity, kind=kind)

    # when the supervisor opens the dashboard
    sign_in(site, "supervisor")
    site.goto("/dashboard/")
    site.wait_for_selector("[data-chart=zones] svg")

    # then every rate on the page is the API's, to its last digit
    rest = api(supervisor)
    total = rest.get(RATES).json()
    for rate, kind in BATCH.items():
        assert _shown(site, f"total-{rate}") == _api(total[kind][rate])
    for zone in rest.get(RATES, {"by": "zone"}).json()["zones"]:
        for rate, kind in BATCH.items():
            assert _shown(site, f"zone-{zone['zone']}-{rate}") == _api(zone[kind][rate])
    for activity in (first, second):
        answer = rest.get(RATES, {"activity": activity.pk}).json()
        for rate, kind in BATCH.items():
            assert _shown(site, f"round-{activity.pk}-{rate}") == _api(answer[kind][rate])
    axe_clean(site)
    screenshot(site, "dashboard", width)

    # and a figure opens the list behind it
    site.click(f"[data-testid=round-{first.pk}-start_rate-count]")
    site.wait_for_url("**/projects/?**")
    assert "3 个项目" in site.inner_text("[data-testid=counts]")


def test_the_weekly_workbook_downloads_and_opens(site, width, supervisor, make_project, tmp_path):
    # given a started project of the supervisor's city
    make_project(Stage.STARTED, name="本周调度的项目")
    sign_in(site, "supervisor")

    # when the supervisor chooses week 26 on the downloads page
    site.goto("/downloads/")
    site.fill("#id_week", "2025-W26")
    site.click("[data-testid=downloads-form] button[type=submit]")
    site.wait_for_url("**week=2025-W26**")
    axe_clean(site)
    screenshot(site, "downloads", width)

    # and downloads the city's weekly workbook
    with site.expect_download() as download:
        site.click("[data-testid=weekly-1]")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    # then it opens, and its project ledger lists the project
    book = load_workbook(saved)
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "本周调度的项目" in cells
    assert saved.name.endswith(".xlsx")


def test_an_import_with_a_bad_row_shows_the_row_error_and_writes_nothing(
    site, width, officer, tmp_path
):
    # given a ledger whose second row has a date that is no date
    from projects.models import Project
    from reports.models import LedgerImport
    from tests.reports.ledger_files import good_row, ledger_file

    path = ledger_file(
        tmp_path, [good_row(), good_row(项目名称="第二个项目", 签约日期="2024-13-45")]
    )
    sign_in(site, "officer_a")

    # when the officer uploads it on the import page
    site.goto("/imports/")
    site.set_input_files("#id_file", str(path))
    site.click("[data-testid=upload-form] button[type=submit]")

    # then the row, the column and the reason are shown, and nothing is written
    errors = site.wait_for_selector("[data-testid=row-errors]")
    assert "3\t签约日期\t“2024-13-45”不是日历上存在的日期。" in errors.inner_text()
    assert not site.query_selector("[data-testid=apply-form]")
    assert not Project.objects.exists()
    assert LedgerImport.objects.get().status == "failed"
    axe_clean(site)
    screenshot(site, "import-errors", width)
