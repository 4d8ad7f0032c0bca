"""The project page's ledgers in place: problems (add, 销号), monthly progress (add), milestones
(add, mark done), each through its service, a refusal shown in the service's sentence."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Milestone, Problem, ProgressReport, Stage

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _problem(project, **fields) -> Problem:
    return Problem.objects.create(
        project=project,
        category="land",
        description="用地指标待落实",
        owner="自然资源局",
        raised_on=datetime.date(2025, 5, 1),
        deadline=datetime.date(2025, 7, 31),
        **fields,
    )


def test_an_officer_sees_the_ledger_forms_and_a_viewer_does_not(
    client, officer, viewer, make_project
):
    project = make_project(Stage.STARTED)
    _problem(project)
    page = reverse("workflow:project", args=[project.pk])

    client.force_login(officer)
    officers = client.get(page).content.decode()
    client.force_login(viewer)
    viewers = client.get(page).content.decode()

    for testid in ("problem-form", "progress-form", "milestone-form", "resolve-form-"):
        assert f'data-testid="{testid}' in officers
        assert f'data-testid="{testid}' not in viewers


def test_adding_a_problem_in_place_returns_the_section_with_it(client, officer, make_project):
    project = make_project(Stage.STARTED)
    client.force_login(officer)

    response = client.post(
        reverse("projects:problem-add", args=[project.pk]),
        {
            "problem-category": "funding",
            "problem-coordination_level": "city",
            "problem-description": "配套资金未到位",
            "problem-owner": "财政局",
            "problem-raised_on": "2025-06-01",
            "problem-deadline": "2025-08-01",
        },
        **HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section class="card mb-3" aria-labelledby="h-problems"')
    assert "配套资金未到位" in html
    problem = Problem.objects.get(project=project)
    assert (problem.category, problem.coordination_level) == ("funding", "city")


def test_a_deadline_before_the_raising_is_refused_in_the_models_sentence(
    client, officer, make_project
):
    project = make_project(Stage.STARTED)
    client.force_login(officer)

    response = client.post(
        reverse("projects:problem-add", args=[project.pk]),
        {
            "problem-category": "land",
            "problem-coordination_level": "zone",
            "problem-description": "用地",
            "problem-owner": "自然资源局",
            "problem-raised_on": "2025-06-01",
            "problem-deadline": "2025-05-01",
        },
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only a 2xx
    assert 'data-testid="refusal"' in html
    assert "限时解决日期不能早于问题提出日期" in html
    assert 'id="add-problem"' in html and 'collapse show" id="add-problem"' in html
    assert not Problem.objects.exists()


def test_resolving_a_problem_without_javascript_goes_back_to_the_page(
    client, officer, make_project
):
    project = make_project(Stage.STARTED)
    problem = _problem(project)
    client.force_login(officer)

    response = client.post(
        reverse("projects:problem-resolve", args=[project.pk, problem.pk]),
        {
            f"resolve-{problem.pk}-resolved_on": "2025-06-10",
            f"resolve-{problem.pk}-resolution": "已调剂指标",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("workflow:project", args=[project.pk])
    problem.refresh_from_db()
    assert (problem.status, problem.resolved_on, problem.resolution) == (
        "resolved",
        datetime.date(2025, 6, 10),
        "已调剂指标",
    )


def test_resolving_without_saying_how_is_refused_and_the_problem_stays_open(
    client, officer, make_project
):
    project = make_project(Stage.STARTED)
    problem = _problem(project)
    client.force_login(officer)

    response = client.post(
        reverse("projects:problem-resolve", args=[project.pk, problem.pk]),
        {
            f"resolve-{problem.pk}-resolved_on": "2025-06-10",
            f"resolve-{problem.pk}-resolution": " ",
        },
    )

    assert response.status_code == 400
    assert "请填写问题的解决情况" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == "open"


def test_a_resolved_problem_is_not_resolved_twice(client, officer, make_project):
    project = make_project(Stage.STARTED)
    problem = _problem(
        project, status="resolved", resolved_on=datetime.date(2025, 6, 1), resolution="已解决"
    )
    client.force_login(officer)

    response = client.post(
        reverse("projects:problem-resolve", args=[project.pk, problem.pk]),
        {
            f"resolve-{problem.pk}-resolved_on": "2025-06-10",
            f"resolve-{problem.pk}-resolution": "再次",
        },
        **HTMX,
    )

    assert "该问题已销号" in response.content.decode()
    problem.refresh_from_db()
    assert problem.resolution == "已解决"


def test_a_months_progress_is_added_once(client, officer, make_project):
    # given a project with no progress yet
    project = make_project(Stage.STARTED)
    client.force_login(officer)
    url = reverse("projects:progress-add", args=[project.pk])
    data = {
        "progress-month": "2025-05",
        "progress-investment_completed": "1200.50",
        "progress-image_progress": "主体封顶",
    }

    # when May is reported, then reported again
    first = client.post(url, data, **HTMX)
    second = client.post(url, data, **HTMX)

    # then one report for 2025-05-01, and the second is refused in the service's sentence
    assert "主体封顶" in first.content.decode()
    assert "该项目该月的进展已填报" in second.content.decode()
    report = ProgressReport.objects.get(project=project)
    assert (report.month, report.investment_completed) == (
        datetime.date(2025, 5, 1),
        Decimal("1200.50"),
    )


def test_a_month_that_is_not_a_month_is_refused_on_the_field(client, officer, make_project):
    project = make_project(Stage.STARTED)
    client.force_login(officer)

    response = client.post(
        reverse("projects:progress-add", args=[project.pk]),
        {"progress-month": "五月", "progress-investment_completed": "1"},
        **HTMX,
    )

    assert "请按“年-月”输入月份" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_milestone_is_added_and_marked_done(client, officer, make_project):
    project = make_project(Stage.STARTED)
    client.force_login(officer)

    client.post(
        reverse("projects:milestone-add", args=[project.pk]),
        {"milestone-name": "施工许可", "milestone-planned_on": "2025-07-01"},
        **HTMX,
    )
    milestone = Milestone.objects.get(project=project)
    response = client.post(
        reverse("projects:milestone-done", args=[project.pk, milestone.pk]),
        {f"done-{milestone.pk}-done_on": "2025-06-12"},
        **HTMX,
    )

    assert "2025-06-12" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2025, 6, 12)


def test_a_milestone_done_in_the_future_is_refused_on_its_row(client, officer, make_project):
    project = make_project(Stage.STARTED)
    milestone = Milestone.objects.create(
        project=project, name="竣工验收", planned_on=datetime.date(2025, 9, 1)
    )
    client.force_login(officer)

    response = client.post(
        reverse("projects:milestone-done", args=[project.pk, milestone.pk]),
        {f"done-{milestone.pk}-done_on": "2025-12-01"},
        **HTMX,
    )

    assert "日期不能晚于今天" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_a_viewer_who_posts_is_refused_with_a_403_and_nothing_is_written(
    client, viewer, make_project
):
    project = make_project(Stage.STARTED)
    client.force_login(viewer)

    response = client.post(
        reverse("projects:milestone-add", args=[project.pk]),
        {"milestone-name": "施工许可", "milestone-planned_on": "2025-07-01"},
    )

    assert response.status_code == 403
    assert not Milestone.objects.exists()


def test_a_get_on_a_form_target_is_405(client, officer, make_project):
    project = make_project(Stage.STARTED)
    client.force_login(officer)

    response = client.get(reverse("projects:progress-add", args=[project.pk]))

    assert response.status_code == 405
