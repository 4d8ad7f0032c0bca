"""The inbox (收件箱): the caller's own alerts from the scan, the API's filters, acknowledged in
place with htmx (the row and the top bar's count change), or all those shown at once."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Alert
from notifications.services import scan
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
INBOX = reverse("notifications:inbox")
HTMX = {"HTTP_HX_REQUEST": "true"}


def _signed(make_project, days: int, **fields):
    return make_project(signed_on=TODAY - datetime.timedelta(days=days), **fields)


@pytest.fixture
def found(make_project, officer, zone_leader, supervisor):
    """Two projects signed long ago and never started, found by the scan: the officer is
    reminded of both, the zone leader warned, the supervisor sent a letter and an interview."""
    projects = {
        "late": _signed(make_project, 215, name="迟迟未开工项目", officer=officer),
        "very_late": _signed(make_project, 400, name="久拖未开工项目", officer=officer),
    }
    scan(as_of=TODAY)
    return projects


def _rows(response) -> str:
    """The table alone (the project filter's choices name the projects too)."""
    html = response.content.decode()
    return html[html.index("<table") : html.index("</table>")]


def _alert(user, project) -> Alert:
    return Alert.objects.get(recipient=user, project=project)


def test_an_officer_sees_their_own_alerts_with_the_level_and_the_unread_count(
    client, officer, found
):
    client.force_login(officer)

    page = client.get(INBOX).content.decode()

    assert "迟迟未开工项目" in page and "久拖未开工项目" in page
    assert '<span class="badge text-bg-secondary">提醒</span>' in page
    assert "超期220天" in page  # the scan's message
    assert reverse("workflow:project", args=[found["late"].pk]) in page
    assert "2 条提醒" in page
    assert 'data-testid="unread"><span class="badge rounded-pill text-bg-danger ms-1">2' in page


def test_each_role_sees_only_the_alerts_sent_to_them(client, zone_leader, supervisor, found):
    client.force_login(supervisor)
    supervisors = client.get(INBOX).content.decode()
    client.force_login(zone_leader)
    leaders = client.get(INBOX).content.decode()

    assert ">警示提醒函</span>" in supervisors and ">约谈</span>" in supervisors
    assert ">提醒</span>" not in supervisors
    assert ">预警</span>" in leaders and ">约谈</span>" not in leaders


def test_the_inbox_filters_unread_level_rule_and_project(client, officer, supervisor, found):
    client.force_login(supervisor)
    letter = _alert(supervisor, found["late"])
    client.post(reverse("notifications:ack", args=[letter.pk]))

    unread = _rows(client.get(INBOX, {"unread": "true"}))
    read = _rows(client.get(INBOX, {"unread": "false"}))
    interviews = _rows(client.get(INBOX, {"level": "interview"}))
    by_project = _rows(client.get(INBOX, {"project": found["late"].pk}))
    by_rule = _rows(client.get(INBOX, {"rule": "milestone_due"}))

    assert "久拖未开工项目" in unread and "迟迟未开工项目" not in unread
    assert "迟迟未开工项目" in read and "久拖未开工项目" not in read
    assert "久拖未开工项目" in interviews and "迟迟未开工项目" not in interviews
    assert "迟迟未开工项目" in by_project and "久拖未开工项目" not in by_project
    assert "没有符合筛选条件的提醒。" in by_rule


def test_an_inbox_spanning_many_projects_searches_their_names_instead_of_listing_them(
    client, officer, found, monkeypatch
):
    # given an inbox spanning more projects than the filter lists (two, against one here)
    monkeypatch.setattr("notifications.forms.PROJECT_CHOICES", 1)
    client.force_login(officer)

    # when the page is opened, and then filtered by part of a name
    page = client.get(INBOX).content.decode()
    by_name = _rows(client.get(INBOX, {"project_name": "久拖"}))

    # then the filter is a search box, no project is an option, and the search narrows the rows
    assert 'name="project_name"' in page and 'name="project"' not in page
    assert "未开工项目</option>" not in page
    assert "久拖未开工项目" in by_name and "迟迟未开工项目" not in by_name


def test_an_inbox_spanning_few_projects_lists_them_to_pick_from(client, officer, found):
    client.force_login(officer)

    page = client.get(INBOX).content.decode()

    assert 'name="project"' in page and 'name="project_name"' not in page
    assert f'<option value="{found["late"].pk}">迟迟未开工项目</option>' in page


def test_a_bad_filter_lists_nothing_rather_than_failing(client, officer, found):
    client.force_login(officer)

    response = client.get(INBOX, {"project": "abc", "level": "shouting", "unread": "maybe"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "没有符合筛选条件的提醒。" in page
    assert "<div>级别: " in page  # named as the form shows it, not as the URL spells it


def test_acknowledging_with_htmx_changes_the_row_and_the_unread_count(client, officer, found):
    client.force_login(officer)
    alert = _alert(officer, found["late"])
    assert f'data-testid="ack-{alert.pk}"' in client.get(INBOX).content.decode()

    response = client.post(reverse("notifications:ack", args=[alert.pk]), **HTMX)

    row = response.content.decode()
    assert response.status_code == 200
    assert row.startswith(f'<tr id="alert-{alert.pk}"')
    assert f'data-testid="acknowledged-{alert.pk}">已读' in row
    assert "确认已读" not in row and "fw-semibold" not in row
    # the top bar's count, swapped out of band
    assert '<span id="unread-badge" data-testid="unread" hx-swap-oob="true">' in row
    assert 'text-bg-danger ms-1">1<' in row
    assert '<a id="unread-bar"' in row  # the phone's, beside the menu button
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None


def test_acknowledging_twice_keeps_the_first_time(client, officer, found):
    client.force_login(officer)
    alert = _alert(officer, found["late"])
    url = reverse("notifications:ack", args=[alert.pk])
    client.post(url, **HTMX)
    first = Alert.objects.get(pk=alert.pk).acknowledged_at

    again = client.post(url, **HTMX)

    assert again.status_code == 200
    assert Alert.objects.get(pk=alert.pk).acknowledged_at == first


def test_without_htmx_acknowledging_returns_to_the_page_it_came_from(client, officer, found):
    client.force_login(officer)
    alert = _alert(officer, found["late"])
    page = client.get(INBOX, {"unread": "true"}).content.decode()
    assert f'name="next" value="{INBOX}?unread=true"' in page  # each row's form says where

    response = client.post(
        reverse("notifications:ack", args=[alert.pk]), {"next": f"{INBOX}?unread=true"}
    )
    outside = client.post(
        reverse("notifications:ack", args=[_alert(officer, found["very_late"]).pk]),
        {"next": "https://example.com/"},
    )

    assert response.status_code == 302 and response["Location"] == f"{INBOX}?unread=true"
    assert outside["Location"] == INBOX


def test_an_alert_of_someone_else_is_404_and_stays_unread(
    client, officer, zone_leader, officer_b, found
):
    theirs = _alert(zone_leader, found["late"])
    for user in (officer, officer_b):
        client.force_login(user)
        url = reverse("notifications:ack", args=[theirs.pk])
        assert client.post(url, **HTMX).status_code == 404
        assert client.get(url).status_code == 404
    assert Alert.objects.get(pk=theirs.pk).acknowledged_at is None


def test_a_get_on_the_acknowledge_button_is_405(client, officer, found):
    client.force_login(officer)
    alert = _alert(officer, found["late"])

    assert client.get(reverse("notifications:ack", args=[alert.pk])).status_code == 405
    assert client.get(reverse("notifications:ack-shown")).status_code == 405
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_acknowledging_all_shown_takes_them_all_or_none(client, officer, zone_leader, found):
    client.force_login(officer)
    mine = list(Alert.objects.filter(recipient=officer).values_list("pk", flat=True))
    theirs = _alert(zone_leader, found["late"]).pk
    page = client.get(INBOX).content.decode()
    assert 'data-testid="ack-shown"' in page and "本页 2 条未读全部确认已读" in page

    refused = client.post(reverse("notifications:ack-shown"), {"alert": [*mine, theirs]})
    bad = client.post(reverse("notifications:ack-shown"), {"alert": ["x"]})
    assert refused.status_code == 404 and bad.status_code == 400
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()

    done = client.post(reverse("notifications:ack-shown"), {"alert": mine, "next": INBOX})

    assert done.status_code == 302
    assert Alert.objects.filter(recipient=officer, acknowledged_at__isnull=True).count() == 0
    assert 'data-testid="ack-shown"' not in client.get(INBOX).content.decode()


def test_the_acknowledge_forms_carry_the_csrf_token_and_need_it(officer, found):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    alert = _alert(officer, found["late"])

    page = client.get(INBOX).content.decode()
    refused = client.post(reverse("notifications:ack", args=[alert.pk]), **HTMX)

    assert page.count('name="csrfmiddlewaretoken"') >= 3  # two rows, all shown, sign-out, …
    assert "X-CSRFToken" in page  # htmx's header, on the body
    assert refused.status_code == 403
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_the_inbox_query_count_does_not_grow_with_rows(
    client, officer, make_project, django_assert_max_num_queries
):
    for number in range(30):
        _signed(make_project, 200 + number, name=f"未开工{number}", officer=officer)
    scan(as_of=TODAY)
    client.force_login(officer)

    # session, user, membership and its zone, the top bar's unread count, the project filter's
    # choices, the count and the page of rows
    with django_assert_max_num_queries(8):
        response = client.get(INBOX, {"unread": "true"})

    assert response.status_code == 200
    assert response.content.decode().count("fw-semibold") == 25


def test_the_language_switch_turns_the_inbox_and_letters_english(client, officer, found):
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "en", "next": INBOX})

    inbox = client.get(INBOX).content.decode()
    letters = client.get(reverse("notifications:letters")).content.decode()

    assert '<h1 class="h3 m-0">Inbox</h1>' in inbox and ">Acknowledge</button>" in inbox
    assert ">reminder</span>" in inbox and "2 alerts" in inbox
    assert "Warning letters" in letters and "awaiting reply" in letters
