"""The pages' daily flows in a real headless Chromium, at a laptop's and at a phone's width.

Every test also reads the browser's request log: no page asks anything of another server.
axe-core (shipped by axe-playwright-python) finds no serious or critical violation on the main
pages. Screenshots of the main pages are taken here, into var/screenshots/.
"""

import datetime

import pytest

from projects.models import Stage
from tests.e2e.conftest import axe_clean as _axe_clean
from tests.e2e.conftest import screenshot as _screenshot
from tests.e2e.conftest import sign_in as _sign_in
from workflow.models import TransitionLog
from workflow.services import project_transition

pytestmark = pytest.mark.django_db(transaction=True)


def _open_transition(page, name: str) -> None:
    page.click(f"[data-testid=open-{name}]")
    page.wait_for_selector(f"#take-{name}.show")


def test_an_officer_filters_opens_a_project_starts_it_and_sees_the_history_grow(
    site, width, officer, make_project, zone_b
):
    # given signed projects of the officer's zone and one of another zone
    project = make_project(
        Stage.SIGNED,
        name="年产5万吨高端铸件项目",
        signed_on=datetime.date(2025, 3, 1),
        planned_start_on=datetime.date(2025, 7, 15),
    )
    make_project(Stage.STARTED, name="已开工的光伏项目")
    make_project(Stage.SIGNED, name="久未开工项目", signed_on=datetime.date(2024, 1, 5))
    make_project(Stage.SIGNED, name="侯马的项目", zone=zone_b)

    # when the officer signs in, the top bar says who and where
    _sign_in(site, "officer_a")
    if width == "phone":
        site.click(".navbar-toggler")
    assert "项目专员 · 临汾经济技术开发区" in site.inner_text("[data-testid=who]")
    assert "侯马的项目" not in site.content()
    _axe_clean(site)
    _screenshot(site, "project-list", width)

    # and filters the list to signed projects
    site.select_option("#id_stage", "signed")
    site.click("form[role=search] button[type=submit]")
    site.wait_for_url("**stage=signed**")
    assert "已开工的光伏项目" not in site.content()
    assert "2 个项目" in site.inner_text("[data-testid=counts]")

    # and opens the project, then starts it with a date and a note
    site.click("text=年产5万吨高端铸件项目")
    site.wait_for_selector("[data-testid=timeline]")
    _axe_clean(site)
    _open_transition(site, "start")
    site.fill("#id_start-effective_on", "2025-06-20")
    site.fill("#id_start-note", "主体工程开工")
    _screenshot(site, "project-page", width)
    site.click("[data-testid=transition-form-start] button[type=submit]")

    # then the page reloads at the new stage, and the history has grown by the start
    site.wait_for_selector("text=已办理：开工。")
    assert site.inner_text("[data-testid=stage]") == "开工"
    assert "主体工程开工" in site.inner_text("[data-testid=history]")
    assert TransitionLog.objects.filter(project=project).count() == 1
    project.refresh_from_db()
    assert project.stage == Stage.STARTED and project.started_on == datetime.date(2025, 6, 20)


def test_a_guard_refusal_shows_its_reason(site, width, officer, make_project):
    # given a producing project whose output is below its target
    project = make_project(Stage.PRODUCING, name="产值未达标项目")
    _sign_in(site, "officer_a")
    site.goto(f"/projects/{project.pk}/")

    # when the officer asks to reach the target without confirming it
    _open_transition(site, "reach_target")
    site.fill("#id_reach_target-effective_on", "2025-06-20")
    site.click("[data-testid=transition-form-reach_target] button[type=submit]")

    # then the guard's sentence is shown in place, and the project has not moved
    refusal = site.wait_for_selector("[data-testid=refusal]")
    assert "实际年产值低于目标年产值" in refusal.inner_text()
    project.refresh_from_db()
    assert project.stage == Stage.PRODUCING


def test_a_page_left_open_while_someone_else_moved_the_project_is_told_so(
    site, width, officer, supervisor, make_project
):
    # given the officer has the project page open
    project = make_project(Stage.SIGNED, name="两人同时办理的项目")
    _sign_in(site, "officer_a")
    site.goto(f"/projects/{project.pk}/")
    _open_transition(site, "start")
    site.fill("#id_start-effective_on", "2025-06-20")

    # when the supervisor starts it meanwhile, and the officer submits their stale page
    project_transition(
        project=project, name="start", by=supervisor, effective_on=datetime.date(2025, 6, 2)
    )
    site.click("[data-testid=transition-form-start] button[type=submit]")

    # then the officer is told, and the supervisor's start stands alone in the history
    refusal = site.wait_for_selector("[data-testid=refusal]")
    assert "已有其他人修改了该项目" in refusal.inner_text()
    assert TransitionLog.objects.filter(project=project).count() == 1
    project.refresh_from_db()
    assert project.started_on == datetime.date(2025, 6, 2)


def test_the_language_switch_turns_the_page_english(site, width, supervisor, make_project):
    make_project(Stage.SIGNED, name="某项目", signed_on=datetime.date(2024, 1, 5))
    _sign_in(site, "supervisor")

    site.click("[data-testid=language] button[value=en]")
    site.wait_for_selector("html[lang=en]")

    assert "Projects" in site.inner_text("h1")
    assert "1 project" in site.inner_text("[data-testid=counts]")
    site.goto("/stalls/")
    assert "1 stalled project as of 2025-06-30" in site.inner_text("main")
    _axe_clean(site)
    _screenshot(site, "stalls-en", width)


def test_the_sign_in_and_stalls_pages_are_accessible(site, width, supervisor, make_project):
    make_project(Stage.SIGNED, name="久未开工项目", signed_on=datetime.date(2024, 1, 5))
    site.goto("/accounts/login/")
    _axe_clean(site)
    _screenshot(site, "sign-in", width)
    _sign_in(site, "supervisor")

    site.goto("/stalls/")
    assert "久未开工项目" in site.inner_text("main")
    _axe_clean(site)
    _screenshot(site, "stalls", width)
