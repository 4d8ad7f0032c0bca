"""The interview list (约谈名单): the API's ``interviews_of``, scoped as everything else."""

import datetime

import pytest
from django.urls import reverse

from notifications.services import scan
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
INTERVIEWS = reverse("notifications:interviews")


@pytest.fixture
def listed(make_project, zone_b):
    signed = TODAY - datetime.timedelta(days=400)
    projects = {
        "linfen": make_project(name="久拖未开工项目", signed_on=signed),
        "houma": make_project(
            name="侯马未开工项目", signed_on=signed - datetime.timedelta(days=30), zone=zone_b
        ),
    }
    scan(as_of=TODAY - datetime.timedelta(days=10))
    return projects


def _rows(response) -> str:
    html = response.content.decode()
    return html[html.index("<table") : html.index("</table>")]


def test_a_supervisor_sees_the_citys_interview_list_most_days_over_first(
    client, supervisor, listed
):
    client.force_login(supervisor)

    response = client.get(INTERVIEWS)

    rows = _rows(response)
    assert "截至 2025-06-30，共 2 个约谈项目" in response.content.decode()
    assert rows.index("侯马未开工项目") < rows.index("久拖未开工项目")
    # days over as of today, though listed ten days ago
    assert 'text-end">220</td>' in rows and 'text-end">250</td>' in rows
    assert reverse("workflow:project", args=[listed["linfen"].pk]) in rows
    assert "侯马经济开发区" in rows and "签而未落" in rows


@pytest.mark.parametrize("who", ["zone_leader", "officer"])
def test_the_zone_sees_its_own_projects_on_the_list(request, client, who, listed):
    client.force_login(request.getfixturevalue(who))

    rows = _rows(client.get(INTERVIEWS))

    assert "久拖未开工项目" in rows and "侯马未开工项目" not in rows


def test_another_city_sees_an_empty_list(client, foreign_supervisor, listed):
    client.force_login(foreign_supervisor)

    assert "约谈名单上没有项目。" in _rows(client.get(INTERVIEWS))
