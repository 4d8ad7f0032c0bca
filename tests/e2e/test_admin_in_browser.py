"""The admin's transition flow in a real headless Chromium (Debian's), driven by Playwright."""

from pathlib import Path

import pytest

from projects.models import Stage
from workflow.models import TransitionLog

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_a_supervisor_starts_a_project_from_the_admin(page, supervisor, make_project):
    # given a staff supervisor and a signed project
    supervisor.is_staff = True
    supervisor.save()
    project = make_project(Stage.SIGNED, name="年产5万吨高端铸件项目")
    _log_in(page, "supervisor")

    # when they tick it, choose 开工, and give the date and a note
    page.goto("/admin/projects/project/")
    page.check(f"input.action-select[value='{project.pk}']")
    page.select_option("select[name=action]", "transition_start")
    page.click("button[name=index]")
    page.fill("#id_note", "主体工程开工")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-transition-form.png", full_page=True)
    page.click("input[name=apply]")

    # then the list says so in Chinese and the project is started, with its log row
    page.wait_for_selector(".messagelist")
    page.screenshot(path=SCREENSHOTS / "admin-transition-done.png", full_page=True)
    assert "已变更 1 个项目" in page.inner_text(".messagelist")
    project.refresh_from_db()
    assert project.stage == Stage.STARTED
    assert TransitionLog.objects.get(project=project).note == "主体工程开工"


def test_a_refusal_shows_the_officers_sentence(page, supervisor, make_project):
    supervisor.is_staff = True
    supervisor.save()
    project = make_project(Stage.SIGNED, name="尚未开工的项目")
    _log_in(page, "supervisor")

    page.goto("/admin/projects/project/")
    page.check(f"input.action-select[value='{project.pk}']")
    page.select_option("select[name=action]", "transition_put_into_production")
    page.click("button[name=index]")
    page.click("input[name=apply]")

    page.wait_for_selector(".messagelist")
    assert "尚未开工的项目: 项目尚未开工，不能投产。" in page.inner_text(".messagelist")
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
