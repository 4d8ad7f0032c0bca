"""The project list: the API's filters, the traffic light, counts, paging and the download."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Problem, Stage
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db
LIST = reverse("projects:list")


def test_the_home_page_sends_a_signed_in_user_to_the_project_list(client, officer):
    client.force_login(officer)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == LIST


def test_the_list_asks_a_stranger_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_top_bar_shows_the_users_name_role_and_zone(client, officer):
    client.force_login(officer)

    page = client.get(LIST).content.decode()

    assert "officer_a · 项目专员 · 临汾经济技术开发区" in page
    assert "退出" in page


def test_the_list_filters_by_stage_and_text_and_counts_what_it_shows(client, officer, make_project):
    # given two started projects and one signed one
    make_project(Stage.STARTED, name="年产10万吨焦化项目")
    make_project(Stage.STARTED, name="光伏组件项目")
    make_project(Stage.SIGNED, name="焦化配套项目")
    client.force_login(officer)

    # when the officer asks for started projects whose name contains 焦化
    response = client.get(LIST, {"stage": "started", "q": "焦化"})

    # then only one is listed, and the count says so
    page = response.content.decode()
    assert "年产10万吨焦化项目" in page
    assert "光伏组件项目" not in page and "焦化配套项目" not in page
    assert "1 个项目" in page


def test_the_list_filters_by_activity_and_batch(client, officer, make_project, city):
    from projects.models import Enrollment

    activity = ActivityFactory(city=city, name="2024年第一次")
    enrolled = make_project(Stage.SIGNED, name="签约一批的项目")
    make_project(Stage.SIGNED, name="未参加活动的项目")
    Enrollment.objects.create(project=enrolled, activity=activity, kind="signed")
    client.force_login(officer)

    page = client.get(LIST, {"activity": activity.pk, "kind": "signed"}).content.decode()

    assert "签约一批的项目" in page
    assert "未参加活动的项目" not in page


def test_a_bad_filter_shows_no_rows_and_says_why_instead_of_failing(client, officer, make_project):
    make_project(Stage.SIGNED, name="某项目")
    client.force_login(officer)

    response = client.get(LIST, {"stage": "flying", "activity": "x"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "某项目" not in page
    assert "alert-warning" in page
    assert "<div>阶段: " in page


def test_the_light_is_red_for_a_stall_with_its_reason(client, officer, make_project):
    # given a project signed long ago and never started (签而未落, 180 days)
    make_project(Stage.SIGNED, name="久拖未开工项目", signed_on=datetime.date(2024, 1, 1))
    client.force_login(officer)

    page = client.get(LIST).content.decode()

    assert 'class="light light-red" title="签而未落，超期 ' in page


def test_the_light_is_yellow_for_an_overdue_problem(client, officer, make_project):
    project = make_project(
        Stage.SIGNED, name="有超期问题的项目", signed_on=datetime.date(2025, 5, 1)
    )
    Problem.objects.create(
        project=project,
        category="land",
        description="土地指标未落实",
        owner="自然资源局",
        raised_on=datetime.date(2025, 5, 2),
        deadline=datetime.date(2025, 6, 1),
    )
    client.force_login(officer)

    page = client.get(LIST).content.decode()

    assert 'class="light light-yellow" title="有未解决的问题已超过解决时限"' in page


def test_the_list_sorts_by_a_column(client, officer, make_project):
    from decimal import Decimal

    make_project(Stage.SIGNED, name="小项目", total_investment=Decimal("100"))
    make_project(Stage.SIGNED, name="大项目", total_investment=Decimal("900000"))
    client.force_login(officer)

    page = client.get(LIST, {"sort": "-total_investment"}).content.decode()

    assert page.index("大项目") < page.index("小项目")


def test_the_list_pages_by_25(client, officer, make_project):
    for number in range(27):
        make_project(Stage.SIGNED, name=f"批量项目{number:02d}")
    client.force_login(officer)

    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()

    assert first.count("批量项目") == 25
    assert second.count("批量项目") == 2
    assert "27 个项目" in first


@pytest.mark.parametrize("query", [{}, {"stage": "started"}, {"stalled": "true"}])
def test_the_list_query_count_does_not_grow_with_rows(
    client, officer, make_project, django_assert_num_queries, query
):
    for number in range(30):
        make_project(Stage.STARTED if number % 2 else Stage.SIGNED, name=f"项目{number}")
    client.force_login(officer)

    # session, user, membership and its zone, the top bar's unread alerts, the filter form's
    # zones and rounds, the stall thresholds (once, also with ?stalled=), the stage counts,
    # the page of rows and which of them have a problem past its deadline
    with django_assert_num_queries(11):
        response = client.get(LIST, query)

    assert response.status_code == 200
    assert '<span class="light light-' in response.content.decode()  # rows, with their lights


def test_the_download_is_this_view_as_a_workbook(client, officer, make_project):
    make_project(Stage.STARTED, name="已开工项目")
    make_project(Stage.SIGNED, name="未开工项目")
    client.force_login(officer)

    response = client.get(reverse("reports:project-list-xlsx"), {"stage": "started"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[1] for row in workbook["项目台账"].iter_rows(min_row=2, values_only=True)]
    assert names == ["已开工项目"]


@pytest.mark.parametrize("sort", ["-total_investment", "stage", "-signed_on"])
def test_projects_that_tie_in_the_sort_appear_once_across_the_pages(
    client, officer, make_project, sort
):
    made = {make_project(name=f"并列{n}").pk for n in range(30)}
    client.force_login(officer)

    seen = []
    for page in (1, 2):
        response = client.get(LIST, {"sort": sort, "page": page})
        seen += [row.record.pk for row in response.context["table"].paginated_rows]

    assert sorted(seen) == sorted(made)
    # (SQLite happens to keep ties in one order; PostgreSQL's top-N sort need not)
    assert response.context["table"].data.data.query.order_by[-1].lstrip("-") == "pk"
