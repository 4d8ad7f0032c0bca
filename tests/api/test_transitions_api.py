"""POST /projects/{id}/transitions/{name}/ and friends: statuses and codes of CONTRACT.md."""

import threading

import pytest
from django.db import connection

from projects.models import Stage
from workflow.models import TransitionLog


def _take(client, project, name, **body):
    return client.post(f"/api/v1/projects/{project.pk}/transitions/{name}/", body, format="json")


def test_a_transition_answers_200_with_the_moved_project(api, officer, make_project):
    project = make_project(Stage.SIGNED)

    response = _take(
        api(officer), project, "start", effective_on="2025-06-01", note="开工", version=1
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["stage"], body["started_on"], body["version"]) == (
        project.pk,
        "started",
        "2025-06-01",
        2,
    )
    assert TransitionLog.objects.get(project=project).note == "开工"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "effective_on"),
        ({"effective_on": "2025-13-40"}, "effective_on"),
        ({"effective_on": "next week"}, "effective_on"),
        ({"effective_on": "2025-07-01"}, "effective_on"),
        ({"effective_on": "2024-01-01"}, "effective_on"),
        ({"effective_on": "2025-06-01", "version": "one"}, "version"),
    ],
)
def test_bad_input_is_400_invalid_with_the_field(api, officer, make_project, body, field):
    project = make_project(Stage.SIGNED)

    response = _take(api(officer), project, "start", **body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED


def test_terminate_without_a_note_is_400(api, zone_leader, make_project):
    project = make_project(Stage.STARTED)

    response = _take(api(zone_leader), project, "terminate", effective_on="2025-06-01")

    assert response.status_code == 400
    assert response.json()["note"] == ["此操作必须填写原因。"]


def test_an_officer_terminating_is_403_forbidden(api, officer, make_project):
    project = make_project(Stage.STARTED)

    response = _take(api(officer), project, "terminate", effective_on="2025-06-01", note="x")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_viewer_is_forbidden_even_with_a_bad_body(api, viewer, make_project):
    project = make_project(Stage.SIGNED)

    response = _take(api(viewer), project, "start")

    assert response.status_code == 403


@pytest.mark.parametrize("who", ["officer_b", "foreign_supervisor"])
def test_another_zones_project_is_404_even_with_a_bad_body(request, api, make_project, who):
    project = make_project(Stage.SIGNED)

    for body in ({"effective_on": "2025-06-01"}, {}):
        response = _take(api(request.getfixturevalue(who)), project, "start", **body)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert project.name not in response.content.decode()


def test_an_unknown_transition_name_is_404(api, supervisor, make_project):
    project = make_project(Stage.SIGNED)

    response = _take(api(supervisor), project, "fly", effective_on="2025-06-01")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_illegal_transition_is_409_with_the_reason_in_the_requested_language(
    api, officer, make_project
):
    project = make_project(Stage.SIGNED)

    chinese = _take(api(officer), project, "put_into_production", effective_on="2025-06-01")
    english = _take(
        api(officer, language="en"), project, "put_into_production", effective_on="2025-06-01"
    )

    assert chinese.status_code == english.status_code == 409
    assert chinese.json() == {
        "code": "transition_not_allowed",
        "detail": "项目尚未开工，不能投产。",
    }
    assert english.json()["detail"] == (
        "The project has not started yet, so it cannot be put into production."
    )


def test_a_stale_version_is_409_version_conflict(api, officer, make_project):
    project = make_project(Stage.STARTED)

    response = _take(
        api(officer), project, "put_into_production", effective_on="2025-06-01", version=1
    )

    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"


def test_reach_target_needs_output_or_confirmation(api, officer, make_project):
    project = make_project(Stage.PRODUCING, target_annual_output=100)

    refused = _take(api(officer), project, "reach_target", effective_on="2025-06-01")
    confirmed = _take(
        api(officer), project, "reach_target", effective_on="2025-06-01", confirmed=True
    )

    assert refused.status_code == 409
    assert "确认" in refused.json()["detail"]
    assert confirmed.status_code == 200
    assert confirmed.json()["stage"] == "at_target"


def test_available_transitions_are_listed_for_the_caller(api, zone_leader, make_project):
    project = make_project(Stage.SIGNED)

    response = api(zone_leader).get(f"/api/v1/projects/{project.pk}/transitions/")

    assert response.status_code == 200
    allowed = {row["name"]: row["allowed"] for row in response.json()}
    assert allowed == {
        "start": True,
        "put_into_production": False,
        "reach_target": False,
        "terminate": True,
        "correct": False,
    }
    assert {"name", "target", "allowed", "reason"} == set(response.json()[0])


def test_history_is_oldest_first_with_who_and_when(api, supervisor, make_project):
    project = make_project(Stage.PRODUCING)

    response = api(supervisor).get(f"/api/v1/projects/{project.pk}/history/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["transition"] for row in rows] == ["start", "put_into_production"]
    assert rows[0] == {
        "transition": "start",
        "source": "signed",
        "target": "started",
        "effective_on": "2024-05-10",
        "recorded_at": rows[0]["recorded_at"],
        "by": "supervisor",
        "note": "",
    }
    assert rows[0]["recorded_at"].endswith("+08:00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_race_over_http_has_one_winner_and_one_log_row(api, officer, zone_leader, make_project):
    # given several clients holding the same version of one project
    project = make_project(Stage.SIGNED)
    clients = [api(officer), api(zone_leader), api(officer), api(zone_leader)]
    barrier = threading.Barrier(len(clients))
    statuses: list = [None] * len(clients)
    codes: list = [None] * len(clients)

    def post(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            response = _take(clients[i], project, "start", effective_on="2025-06-01", version=1)
            statuses[i] = response.status_code
            codes[i] = response.json().get("code")
        finally:
            connection.close()

    # when they all submit at once
    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then
    assert sorted(statuses) == [200, 409, 409, 409], statuses
    assert {c for c in codes if c} <= {"version_conflict", "transition_not_allowed"}
    assert TransitionLog.objects.filter(project=project).count() == 1
