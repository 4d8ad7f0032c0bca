"""The project page: facts, timeline, history, and the transitions the user may take."""

import datetime

import pytest
from django.urls import reverse

from projects.models import Milestone, Problem, ProgressReport, Stage
from workflow.models import TransitionLog
from workflow.services import project_transition

pytestmark = pytest.mark.django_db


def _page(project) -> str:
    return reverse("workflow:project", args=[project.pk])


def _take(project, name: str) -> str:
    return reverse("workflow:transition", args=[project.pk, name])


def test_the_page_shows_the_facts_timeline_history_and_ledgers(client, officer, make_project):
    # given a started project with a milestone, a problem and a month's progress
    project = make_project(
        Stage.STARTED, name="年产5万吨铸件项目", planned_production_on=datetime.date(2025, 6, 1)
    )
    Milestone.objects.create(project=project, name="施工许可", planned_on=datetime.date(2024, 4, 1))
    Problem.objects.create(
        project=project,
        category="land",
        description="用地指标待落实",
        owner="自然资源局",
        raised_on=datetime.date(2025, 5, 1),
        deadline=datetime.date(2025, 7, 31),
    )
    ProgressReport.objects.create(
        project=project,
        month=datetime.date(2025, 6, 1),
        investment_completed="1200.00",
        image_progress="主体封顶",
    )
    client.force_login(officer)

    # when the officer opens it
    page = client.get(_page(project)).content.decode()

    # then the facts, the timeline (production 29 days overdue), history and ledgers are there
    assert "年产5万吨铸件项目" in page and "山西测试新材料有限公司" in page
    assert "施工许可" in page
    assert "已超期 29 天" in page
    assert "2024-05-10" in page  # the start in the history
    assert "用地指标待落实" in page and "主体封顶" in page


def test_an_officer_is_offered_only_the_transitions_they_may_take(client, officer, make_project):
    project = make_project(Stage.SIGNED)
    client.force_login(officer)

    page = client.get(_page(project)).content.decode()

    assert 'data-testid="open-start"' in page
    assert 'data-testid="open-terminate"' not in page  # a zone leader's or supervisor's
    assert 'data-testid="open-correct"' not in page
    assert 'data-testid="open-put_into_production"' not in page


def test_a_viewer_is_offered_no_transition(client, viewer, make_project):
    project = make_project(Stage.SIGNED)
    client.force_login(viewer)

    page = client.get(_page(project)).content.decode()

    assert "当前阶段没有您可办理的操作。" in page


def test_starting_a_project_from_its_page_moves_it_and_logs_it(client, officer, make_project):
    project = make_project(Stage.SIGNED)
    client.force_login(officer)

    response = client.post(
        _take(project, "start"),
        {"start-effective_on": "2025-06-20", "start-note": "主体开工", "start-version": 1},
    )

    assert response.status_code == 302
    assert response.url == _page(project)
    project.refresh_from_db()
    assert project.stage == Stage.STARTED
    assert TransitionLog.objects.get(project=project).note == "主体开工"
    assert "已办理：开工。" in client.get(response.url).content.decode()


def test_through_htmx_success_is_a_client_redirect(client, officer, make_project):
    project = make_project(Stage.SIGNED)
    client.force_login(officer)

    response = client.post(
        _take(project, "start"),
        {"start-effective_on": "2025-06-20", "start-version": 1},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == _page(project)


def test_a_guard_refusal_is_shown_in_its_sentence(client, officer, make_project):
    # given a producing project whose output is below target, and no confirmation
    project = make_project(Stage.PRODUCING)
    client.force_login(officer)

    response = client.post(
        _take(project, "reach_target"),
        {"reach_target-effective_on": "2025-06-20", "reach_target-version": project.version},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert 'data-testid="refusal"' in page
    assert "实际年产值" in page  # the guard's own sentence
    project.refresh_from_db()
    assert project.stage == Stage.PRODUCING


def test_a_stale_page_is_told_so_instead_of_overwriting(client, officer, supervisor, make_project):
    # given the officer's page was rendered at version 1, then the supervisor started the project
    project = make_project(Stage.SIGNED)
    project_transition(
        project=project, name="start", by=supervisor, effective_on=datetime.date(2025, 6, 1)
    )
    client.force_login(officer)

    # when the officer's stale page posts a start
    response = client.post(
        _take(project, "start"), {"start-effective_on": "2025-06-20", "start-version": 1}
    )

    # then the version conflict is reported, and nothing else was written
    assert response.status_code == 409
    assert "已有其他人修改了该项目" in response.content.decode()
    assert TransitionLog.objects.filter(project=project).count() == 1


def test_a_date_in_the_future_is_refused_on_the_field(client, officer, make_project):
    project = make_project(Stage.SIGNED)
    client.force_login(officer)

    response = client.post(
        _take(project, "start"), {"start-effective_on": "2025-07-20", "start-version": 1}
    )

    assert response.status_code == 400
    assert "日期不能晚于今天" in response.content.decode()


def test_an_officer_who_tries_to_terminate_is_refused_with_a_403(client, officer, make_project):
    project = make_project(Stage.SIGNED)
    client.force_login(officer)

    response = client.post(
        _take(project, "terminate"),
        {"terminate-effective_on": "2025-06-20", "terminate-note": "资金断裂"},
    )

    assert response.status_code == 403
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED


def test_the_form_alone_opens_without_javascript(client, zone_leader, make_project):
    project = make_project(Stage.STARTED)
    client.force_login(zone_leader)

    response = client.get(_take(project, "terminate"))

    assert response.status_code == 200
    assert 'name="terminate-version" value="2"' in response.content.decode()


def test_the_project_page_query_count_does_not_grow_with_history(
    client, supervisor, make_project, django_assert_max_num_queries
):
    project = make_project(Stage.AT_TARGET)
    for number in range(5):
        Milestone.objects.create(
            project=project, name=f"节点{number}", planned_on=datetime.date(2024, 6, number + 1)
        )
    client.force_login(supervisor)

    with django_assert_max_num_queries(12):
        response = client.get(_page(project))

    assert response.status_code == 200
