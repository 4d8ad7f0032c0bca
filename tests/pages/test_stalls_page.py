"""The 三未 page: today's stalls of the user's scope, by zone and kind, most overdue first."""

import datetime

import pytest
from django.urls import reverse

from projects.models import Stage

pytestmark = pytest.mark.django_db
STALLS = reverse("projects:stalls")


@pytest.fixture
def stalled(make_project, zone_b):
    return {
        "signed": make_project(
            Stage.SIGNED, name="签而未落项目", signed_on=datetime.date(2024, 1, 1)
        ),
        "started": make_project(
            Stage.STARTED, name="落而未投项目", planned_production_on=datetime.date(2025, 3, 1)
        ),
        "other_zone": make_project(
            Stage.SIGNED,
            name="侯马的签而未落项目",
            signed_on=datetime.date(2024, 2, 1),
            zone=zone_b,
        ),
        "fresh": make_project(Stage.SIGNED, name="新签约项目", signed_on=datetime.date(2025, 6, 1)),
    }


def test_a_supervisor_sees_the_citys_stalls_most_overdue_first(client, supervisor, stalled):
    client.force_login(supervisor)

    page = client.get(STALLS).content.decode()

    assert "截至 2025-06-30，共 3 个三未项目" in page
    assert (
        page.index("签而未落项目") < page.index("侯马的签而未落项目") < page.index("落而未投项目")
    )
    assert "新签约项目" not in page


def test_the_stalls_filter_by_zone_and_kind(client, supervisor, stalled):
    client.force_login(supervisor)

    by_zone = client.get(STALLS, {"zone": "houma-edz"}).content.decode()
    by_kind = client.get(STALLS, {"kind": "started_not_producing"}).content.decode()

    assert "侯马的签而未落项目" in by_zone and "落而未投项目" not in by_zone
    assert "落而未投项目" in by_kind and "签而未落项目" not in by_kind


def test_an_unknown_zone_or_kind_lists_nothing_rather_than_failing(client, supervisor, stalled):
    client.force_login(supervisor)

    response = client.get(STALLS, {"zone": "jincheng-etdz", "kind": "flying"})

    assert response.status_code == 200
    assert "没有三未项目。" in response.content.decode()


def test_the_stalls_page_query_count_does_not_grow_with_rows(
    client, supervisor, make_project, django_assert_num_queries
):
    for number in range(30):
        make_project(Stage.SIGNED, name=f"久签项目{number}", signed_on=datetime.date(2024, 1, 1))
    client.force_login(supervisor)

    # session, user, membership and its city, the top bar's unread alerts, the filter form's
    # zones, the stall thresholds, the count, the page of rows with their zones and leaders
    with django_assert_num_queries(9):
        page = client.get(STALLS).content.decode()

    assert page.count("久签项目") == 25
