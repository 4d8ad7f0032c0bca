"""/letters/, /letters/{id}/document.docx, /letters/{id}/reply/, /interviews/ and the inbox's
filters: scoped as everything else (404 outside), refusals as {code, detail}."""

import datetime

import pytest

from notifications.models import Alert, Letter
from notifications.services import scan

AS_OF = datetime.date(2025, 6, 30)


@pytest.fixture
def letter(make_project, officer, supervisor, zone_leader):
    project = make_project(signed_on=AS_OF - datetime.timedelta(days=215), officer=officer)
    scan(as_of=AS_OF)
    return Letter.objects.get(project=project)


def test_the_supervisor_and_the_zone_list_the_letter(api, letter, supervisor, zone_leader):
    for user in (supervisor, zone_leader):
        body = api(user).get("/api/v1/letters/").json()
        assert [row["number"] for row in body["results"]] == ["临开建函〔2025〕1号"]
    row = body["results"][0]
    assert row["zone"] == "linfen-etdz"
    assert (row["issued_on"], row["reply_due_on"], row["replied_on"]) == (
        "2025-06-30",
        "2025-07-15",
        None,
    )


@pytest.mark.parametrize("who", ["officer_b", "foreign_supervisor"])
def test_outside_the_scope_a_letter_is_404(request, api, letter, who):
    client = api(request.getfixturevalue(who))

    assert client.get("/api/v1/letters/").json()["count"] == 0
    assert client.get(f"/api/v1/letters/{letter.pk}/document.docx").status_code == 404
    response = client.post(
        f"/api/v1/letters/{letter.pk}/reply/", {"replied_on": "2025-06-30", "reply": "已整改"}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_zone_records_its_reply(api, letter, zone_leader):
    response = api(zone_leader).post(
        f"/api/v1/letters/{letter.pk}/reply/",
        {"replied_on": "2025-06-30", "reply": "已约谈投资方，7月底前开工"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["replied_on"] == "2025-06-30"
    letter.refresh_from_db()
    assert letter.reply == "已约谈投资方，7月底前开工"


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("viewer", {"replied_on": "2025-06-30", "reply": "好"}, 403, "forbidden"),
        ("supervisor", {"replied_on": "2025-06-30", "reply": "好"}, 403, "forbidden"),
        ("zone_leader", {"replied_on": "2025-07-01", "reply": "好"}, 400, "invalid"),
        ("zone_leader", {"replied_on": "2025-06-29", "reply": "好"}, 400, "invalid"),
        ("zone_leader", {"replied_on": "someday", "reply": "好"}, 400, "invalid"),
        ("zone_leader", {"replied_on": "2025-06-30", "reply": "  "}, 400, "invalid"),
    ],
)
def test_a_reply_is_refused_with_a_reason(request, api, letter, who, body, status, code):
    response = api(request.getfixturevalue(who)).post(
        f"/api/v1/letters/{letter.pk}/reply/", body, format="json"
    )

    assert response.status_code == status
    assert response.json()["code"] == code


def test_a_reply_past_its_deadline_is_a_finding(letter, zone_leader):
    scan(as_of=letter.reply_due_on + datetime.timedelta(days=1))

    late = Alert.objects.filter(rule="letter_reply_overdue").values_list("days_over", flat=True)
    assert set(late) == {1}


def test_the_inbox_filters_unread_level_and_rule(api, letter, supervisor):
    client = api(supervisor)
    first = client.get("/api/v1/alerts/").json()["results"][0]
    client.post(f"/api/v1/alerts/{first['id']}/ack/")

    unread = client.get("/api/v1/alerts/", {"unread": "true"}).json()
    read = client.get("/api/v1/alerts/", {"unread": "false"}).json()
    letters = client.get("/api/v1/alerts/", {"level": "letter", "rule": "signed_not_started"})

    assert unread["count"] == 0 and read["count"] == 1
    assert letters.json()["count"] == 1


def test_a_letter_is_answered_once(api, letter, officer, zone_leader):
    api(zone_leader).post(
        f"/api/v1/letters/{letter.pk}/reply/",
        {"replied_on": "2025-06-30", "reply": "已整改"},
        format="json",
    )

    again = api(officer).post(
        f"/api/v1/letters/{letter.pk}/reply/",
        {"replied_on": "2025-06-30", "reply": "另一答复"},
        format="json",
    )

    assert again.status_code == 409
    assert again.json() == {
        "code": "letter_already_answered",
        "detail": "该函已于 2025-06-30 答复，答复不能更改。",
    }
    letter.refresh_from_db()
    assert letter.reply == "已整改"
