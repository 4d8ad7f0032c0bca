"""Control characters pasted into text are refused with a sentence, on every path that writes
text, and nothing is written; tabs and line breaks stay welcome."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Letter
from notifications.services import scan
from projects.models import Problem, Project, Zone

REFUSED = "控制字符"


@pytest.mark.parametrize("name", ["项目\x01甲", "项目\x7f甲", "项目\x85甲", "项目\x1b[31m甲"])
def test_a_project_name_with_control_characters_is_refused_and_kept(
    api, make_project, officer, name
):
    project = make_project(name="原名")

    response = api(officer).patch(f"/api/v1/projects/{project.pk}/", {"name": name}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert REFUSED in response.json()["name"][0]
    project.refresh_from_db()
    assert project.name == "原名"


def test_a_problem_with_a_control_character_is_not_recorded(api, make_project, officer):
    project = make_project()
    body = {
        "category": "land",
        "coordination_level": "zone",
        "description": "用地\x0c指标",
        "owner": "自然资源局",
        "raised_on": "2025-06-01",
        "deadline": "2025-07-01",
    }

    response = api(officer).post(f"/api/v1/projects/{project.pk}/problems/", body, format="json")

    assert response.status_code == 400
    assert REFUSED in response.json()["description"][0]
    assert not Problem.objects.exists()


def test_tabs_and_line_breaks_are_ordinary_text(api, make_project, officer):
    project = make_project()
    body = {
        "category": "land",
        "coordination_level": "zone",
        "description": "第一，用地指标；\r\n第二，\t林地手续",
        "owner": "自然资源局",
        "raised_on": "2025-06-01",
        "deadline": "2025-07-01",
    }

    response = api(officer).post(f"/api/v1/projects/{project.pk}/problems/", body, format="json")

    assert response.status_code == 201
    assert Problem.objects.get().description == body["description"]


def test_the_model_refuses_it_for_the_admin_and_the_import(zone_a):
    zone = Zone(
        code="x", name="开发\x02区", city=zone_a.city, category="industrial", level="national"
    )

    with pytest.raises(ValidationError) as refused:
        zone.full_clean()

    assert set(refused.value.message_dict) == {"name"}


def test_a_choice_field_is_left_to_its_own_check(make_project):
    project: Project = make_project()
    project.tier = "no\x01such"

    with pytest.raises(ValidationError) as refused:
        project.full_clean()

    assert REFUSED not in str(refused.value.message_dict["tier"])


def test_a_letter_reply_with_a_control_character_is_refused(
    api, make_project, officer, zone_leader
):
    as_of = datetime.date(2025, 6, 30)
    project = make_project(signed_on=as_of - datetime.timedelta(days=215), officer=officer)
    scan(as_of=as_of)
    letter = Letter.objects.get(project=project)

    response = api(zone_leader).post(
        f"/api/v1/letters/{letter.pk}/reply/",
        {"replied_on": "2025-06-30", "reply": "已整改\x08"},
        format="json",
    )

    assert response.status_code == 400
    assert REFUSED in response.json()["detail"]
    letter.refresh_from_db()
    assert (letter.replied_on, letter.reply) == (None, "")
