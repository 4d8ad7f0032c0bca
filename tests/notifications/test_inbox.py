"""The caller's alert inbox: only their own alerts, acknowledged once, deduplicated by key."""

import pytest
from django.db import IntegrityError, transaction

from notifications.models import Alert
from projects.models import Stage


@pytest.fixture
def alerts(make_project, officer, officer_b, zone_leader):
    project = make_project(Stage.SIGNED, name="签而未落的铸件项目", signed_on="2024-01-02")

    def alert(recipient, level=Alert.Level.REMINDER, period="2025-W26"):
        return Alert.objects.create(
            recipient=recipient,
            project=project,
            rule=Alert.Rule.SIGNED_NOT_STARTED,
            level=level,
            due_period=period,
            days_over=364,
            message="项目签约已超过180天仍未开工",
        )

    return {
        "mine": alert(officer),
        "mine_older": alert(officer, period="2025-W25"),
        "leaders": alert(zone_leader, level=Alert.Level.WARNING),
    }


def test_the_inbox_holds_only_the_callers_alerts(api, officer, alerts):
    body = api(officer).get("/api/v1/alerts/").json()

    assert body["count"] == 2
    assert {row["id"] for row in body["results"]} == {alerts["mine"].pk, alerts["mine_older"].pk}
    assert body["results"][0]["project_name"] == "签而未落的铸件项目"


def test_the_inbox_filters_by_part_of_the_projects_name(api, officer, alerts):
    matching = api(officer).get("/api/v1/alerts/", {"project_name": "铸件"}).json()
    other = api(officer).get("/api/v1/alerts/", {"project_name": "光伏"}).json()
    too_long = api(officer).get("/api/v1/alerts/", {"project_name": "长" * 101})

    assert matching["count"] == 2
    assert other["count"] == 0
    assert too_long.status_code == 400


def test_acknowledging_marks_it_read_once(api, officer, alerts):
    client = api(officer)

    first = client.post(f"/api/v1/alerts/{alerts['mine'].pk}/ack/")
    second = client.post(f"/api/v1/alerts/{alerts['mine'].pk}/ack/")

    assert first.status_code == second.status_code == 200
    assert first.json()["acknowledged_at"] == second.json()["acknowledged_at"] is not None
    unread = client.get("/api/v1/alerts/", {"acknowledged": "false"}).json()
    assert [row["id"] for row in unread["results"]] == [alerts["mine_older"].pk]


@pytest.mark.parametrize("who", ["officer_b", "supervisor"])
def test_someone_elses_alert_is_404(request, api, alerts, who):
    response = api(request.getfixturevalue(who)).post(f"/api/v1/alerts/{alerts['mine'].pk}/ack/")

    assert response.status_code == 404
    alerts["mine"].refresh_from_db()
    assert alerts["mine"].acknowledged_at is None


def test_the_same_finding_in_the_same_period_is_one_alert(alerts, officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            recipient=officer,
            project=alerts["mine"].project,
            rule=Alert.Rule.SIGNED_NOT_STARTED,
            level=Alert.Level.REMINDER,
            due_period="2025-W26",
            message="重复",
        )

    assert Alert.objects.filter(recipient=officer).count() == 2


def test_anonymous_callers_get_401(client, db):
    assert client.get("/api/v1/alerts/").status_code == 401
