"""The scan: each ladder level on its configured day, once; skipped days cause no burst; the
letter and the interview list; acknowledging stops the climb only where the city says so."""

import datetime
import io

import pytest
from django.core.management import call_command
from docx import Document

from notifications.models import Alert, Interview, Letter
from notifications.services import scan
from projects.models import Milestone, Problem
from tests.factories import member
from workflow.models import CityRules, EscalationLevel

AS_OF = datetime.date(2025, 6, 30)


def _day(offset: int) -> datetime.date:
    return AS_OF + datetime.timedelta(days=offset)


@pytest.fixture
def leader(zone_a):
    return member("baolian", "viewer", zone=zone_a)


@pytest.fixture
def stalled(make_project, officer, leader, zone_leader, supervisor):
    """Signed 180 days before ``start``, so its days over count from that day."""

    def make(start: datetime.date, **fields):
        return make_project(
            signed_on=start - datetime.timedelta(days=180),
            officer=officer,
            leader=leader,
            name="年产10万吨铸件项目",
            **fields,
        )

    return make


def _levels(project, rule="signed_not_started") -> dict[str, list[tuple[str, int]]]:
    rows = Alert.objects.filter(project=project, rule=rule).order_by("pk")
    result: dict[str, list[tuple[str, int]]] = {}
    for username, level, days in rows.values_list("recipient__username", "level", "days_over"):
        result.setdefault(username, []).append((level, days))
    return result


def test_each_level_is_raised_on_its_day_once(stalled):
    # given a project whose signing threshold passes 61 days before today
    project = stalled(_day(-61))

    # when the scan runs every day from then until today
    created = sum(scan(as_of=_day(offset)) for offset in range(-61, 1))

    # then the officer hears on day 1, the leaders on day 15, the supervisor on 30 and 60
    assert _levels(project) == {
        "officer_a": [("reminder", 1)],
        "baolian": [("warning", 15)],
        "leader_a": [("warning", 15)],
        "supervisor": [("letter", 30), ("interview", 60)],
    }
    letter = Letter.objects.get(project=project)
    assert (letter.issued_on, letter.days_over) == (_day(-31), 30)
    assert Interview.objects.get(project=project).listed_on == _day(-1)
    # and the letter, unanswered 15 days after it was issued, is a finding of its own
    assert _levels(project, "letter_reply_overdue") == {
        "officer_a": [("reminder", 1)],
        "baolian": [("warning", 15)],
        "leader_a": [("warning", 15)],
    }
    assert created == 8


def test_a_level_starts_on_the_day_configured_in_the_ladder(stalled):
    EscalationLevel.objects.filter(level="warning").update(starts_at_days=5)
    project = stalled(_day(-10))

    for offset in range(-10, 1):
        scan(as_of=_day(offset))

    assert _levels(project)["leader_a"] == [("warning", 5)]


def test_skipped_days_then_one_scan_raise_one_alert_per_finding_and_person(stalled):
    # given a scan on the first day over, then no scan for two months (beat was down)
    project = stalled(_day(-64))
    assert scan(as_of=_day(-63)) == 1

    # when the scan runs again today, 64 days over
    created = scan(as_of=AS_OF)

    # then everyone on the ladder hears once, at their highest level; no level is replayed
    assert created == 3
    assert _levels(project) == {
        "officer_a": [("reminder", 1)],
        "baolian": [("warning", 64)],
        "leader_a": [("warning", 64)],
        "supervisor": [("interview", 64)],
    }
    assert Letter.objects.filter(project=project).count() == 1


def test_re_running_the_scan_creates_nothing_new(stalled, capsys):
    stalled(_day(-20))

    call_command("scan", as_of=AS_OF)
    call_command("scan", as_of=AS_OF)

    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == ["created 3 alerts", "created 0 alerts"]


def test_the_scan_of_one_zone_leaves_the_others(stalled, make_project, zone_b, capsys):
    stalled(_day(-3))
    make_project(zone=zone_b, signed_on=_day(-400))

    call_command("scan", as_of=AS_OF, zone="houma-edz")

    # the zone B project, with no officer, goes straight to the supervisor's interview list
    assert capsys.readouterr().out.strip().splitlines()[-1] == "created 1 alerts"
    assert not Alert.objects.filter(project__zone__code="linfen-etdz").exists()


def test_an_unknown_zone_is_an_error_not_a_traceback(db):
    with pytest.raises(Exception, match="nowhere") as error:
        call_command("scan", zone="nowhere")
    assert error.typename == "CommandError"


def test_the_letter_opens_and_names_the_project(stalled, api, supervisor, zone_leader):
    project = stalled(_day(-30))
    scan(as_of=AS_OF)
    letter = Letter.objects.get(project=project)

    response = api(zone_leader).get(f"/api/v1/letters/{letter.pk}/document.docx")

    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "年产10万吨铸件项目" in text
    assert "临开建函〔2025〕1号" in text
    assert "2025年7月15日" in text  # the reply is due in 15 days


def test_the_interview_list_holds_the_project_at_60_days(stalled, api, supervisor):
    project = stalled(_day(-60))
    scan(as_of=_day(-1))
    assert api(supervisor).get("/api/v1/interviews/").json()["count"] == 0

    scan(as_of=AS_OF)

    rows = api(supervisor).get("/api/v1/interviews/").json()["results"]
    assert rows == [
        {
            "project": project.pk,
            "project_name": "年产10万吨铸件项目",
            "zone": "linfen-etdz",
            "rule": "signed_not_started",
            "days_over": 60,
            "since": _day(-240).isoformat(),
            "listed_on": AS_OF.isoformat(),
        }
    ]


def test_acknowledging_does_not_stop_the_climb_by_default(stalled, api, officer):
    project = stalled(_day(-20))
    scan(as_of=_day(-19))
    reminder = Alert.objects.get(project=project, recipient=officer)
    api(officer).post(f"/api/v1/alerts/{reminder.pk}/ack/")

    scan(as_of=AS_OF)

    assert Alert.objects.filter(project=project, level="warning").count() == 2


def test_acknowledging_stops_the_climb_where_the_city_says_so(stalled, api, officer, city):
    CityRules.objects.create(city=city, ack_stops_climb=True)
    project = stalled(_day(-20))
    scan(as_of=_day(-19))
    reminder = Alert.objects.get(project=project, recipient=officer)
    api(officer).post(f"/api/v1/alerts/{reminder.pk}/ack/")

    scan(as_of=AS_OF)

    assert not Alert.objects.filter(project=project, level="warning").exists()


def test_milestones_are_reminded_before_and_alerted_after_their_date(make_project, officer):
    project = make_project(signed_on=_day(-30), officer=officer)
    soon = Milestone.objects.create(project=project, name="土地摘牌", planned_on=_day(7))
    later = Milestone.objects.create(project=project, name="施工许可", planned_on=_day(8))
    late = Milestone.objects.create(project=project, name="环评批复", planned_on=_day(-2))

    scan(as_of=AS_OF)

    alerts = {a.due_period: a for a in Alert.objects.filter(project=project)}
    assert alerts[f"{soon.pk}@{soon.planned_on}"].rule == "milestone_due"
    assert alerts[f"{late.pk}@{late.planned_on}"].rule == "milestone_overdue"
    assert alerts[f"{late.pk}@{late.planned_on}"].days_over == 2
    assert f"{later.pk}@{later.planned_on}" not in alerts


def test_a_problem_open_past_its_deadline_is_overdue(make_project, officer):
    project = make_project(signed_on=_day(-30), officer=officer)
    Problem.objects.create(
        project=project,
        category="land",
        description="用地指标未落实",
        owner="县自然资源局",
        raised_on=_day(-20),
        deadline=_day(-5),
    )

    scan(as_of=AS_OF)

    alert = Alert.objects.get(project=project)
    assert (alert.rule, alert.days_over) == ("problem_overdue", 5)
    assert "用地指标未落实" in alert.message
