"""The scan's writes are set-based (``notifications.raising``): a fixed number of queries per
zone whatever its projects and findings, and the SQL writes what the Python rules say (the
sentence as typed, who hears at which level, the letters' numbers, the e-mail's time)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from notifications.models import (
    Alert,
    Channel,
    Delivery,
    Interview,
    Letter,
    LetterSequence,
    Preference,
)
from notifications.services import scan, zone_scan
from projects.models import Milestone, Problem
from tests.factories import member

AS_OF = datetime.date(2025, 6, 30)
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A zone's pass that raises: its scan mark, its city's rules, the ladder, the thresholds, the
# temporary table, the alerts, the quiet hours, the deliveries, interviews, letters (the city,
# its settings, the sequence row locked and moved on), the marks locked and moved on, and the
# savepoint around them; SQLite asks whether the table holds a row, PostgreSQL sets the pass's
# work_mem and turns JIT off instead (one query). The zone's first pass also creates its mark.
# (A city's first letter of a year creates its sequence row: five more, once.)
SCAN = {"sqlite": 23, "postgresql": 23}
FIRST_SCAN = {vendor: count + 1 for vendor, count in SCAN.items()}
# A re-scan that finds nothing new (no row written since a quarter of an hour before the last
# pass): the mark, the rules, ladder and thresholds, the empty temporary table, the mark locked
# and moved on.
RE_SCAN = {"sqlite": 12, "postgresql": 12}
# A national re-run with nothing new, whatever the number of cities and zones: the plan (zones,
# marks, ladder, reminder days), the question which zones hold anything new, the marks locked
# and moved on (in a savepoint), and the cities to pass (none).
RE_RUN = {"sqlite": 10, "postgresql": 10}
# The rows written within this of a pass are checked again by the next one.
AFTER_THE_MARGIN = datetime.timedelta(minutes=16)


def _days_ago(days: int) -> datetime.date:
    return AS_OF - datetime.timedelta(days=days)


@pytest.fixture
def leader(zone_a):
    return member("baolian", "viewer", zone=zone_a)


@pytest.fixture
def findings_of_every_kind(make_project, officer, leader, zone_leader, supervisor, zone_a, city):
    """Projects at every level, a milestone due and one overdue, a problem past its deadline,
    a robot, and people with an address and a preference."""

    def make(count: int) -> None:
        for n in range(count):
            project = make_project(
                signed_on=_days_ago(180 + 5 + 30 * n), officer=officer, leader=leader
            )
            Milestone.objects.create(project=project, name=f"节点{n}", planned_on=_days_ago(-3))
            Milestone.objects.create(project=project, name=f"逾期{n}", planned_on=_days_ago(9))
            Problem.objects.create(
                project=project,
                category="land",
                description=f"用地指标未落实{n}",
                owner="县自然资源局",
                raised_on=_days_ago(20),
                deadline=_days_ago(10),
            )

    LetterSequence.objects.create(city=city, year=2025)
    officer.email = "officer@example.cn"
    officer.save(update_fields=["email"])
    Preference.objects.create(
        user=officer, quiet_from=datetime.time(11), quiet_until=datetime.time(13)
    )
    Channel.objects.create(name="群", kind="wecom", zone=zone_a, url="https://example.cn/hook")
    return make


def test_a_zone_scan_takes_the_same_queries_for_three_projects_or_thirteen(
    findings_of_every_kind, zone_a, django_assert_num_queries
):
    findings_of_every_kind(3)
    with (
        time_machine.travel(timezone.now() + AFTER_THE_MARGIN),
        django_assert_num_queries(FIRST_SCAN[connection.vendor] + 1),  # + the zone's city
    ):
        assert zone_scan(zone_id=zone_a.pk, as_of=AS_OF) > 0
    with django_assert_num_queries(RE_SCAN[connection.vendor] + 1):
        assert zone_scan(zone_id=zone_a.pk, as_of=AS_OF) == 0

    findings_of_every_kind(10)
    with (
        time_machine.travel(timezone.now() + 2 * AFTER_THE_MARGIN),
        django_assert_num_queries(SCAN[connection.vendor] + 1),
    ):
        assert zone_scan(zone_id=zone_a.pk, as_of=AS_OF) > 0
    with (
        time_machine.travel(timezone.now() + 2 * AFTER_THE_MARGIN),
        django_assert_num_queries(RE_SCAN[connection.vendor] + 1),
    ):
        assert zone_scan(zone_id=zone_a.pk, as_of=AS_OF) == 0


def test_every_zone_of_a_city_is_one_pass(
    findings_of_every_kind, make_project, zone_b, django_assert_num_queries
):
    findings_of_every_kind(3)
    make_project(zone=zone_b, signed_on=_days_ago(400))

    # the plan (the zones, their marks read and created, the ladder, the cities' reminder
    # days), the cities to pass, then one pass over both zones (reading the city's zones)
    with django_assert_num_queries(SCAN[connection.vendor] + 7):
        created = scan(as_of=AS_OF)

    assert created == Alert.objects.count()
    assert Interview.objects.filter(zone=zone_b).count() == 1


def test_the_rows_say_what_the_rules_say(findings_of_every_kind, officer, leader, supervisor):
    findings_of_every_kind(4)

    scan(as_of=AS_OF)

    # the first project, 5 days over: the officer only; the last, 95: everyone, once each
    stalls = Alert.objects.filter(rule="signed_not_started")
    assert sorted(stalls.values_list("level", "days_over", "recipient__username")) == [
        ("interview", 65, "supervisor"),
        ("interview", 95, "supervisor"),
        ("letter", 35, "supervisor"),
        ("reminder", 5, "officer_a"),
        ("reminder", 35, "officer_a"),
        ("reminder", 65, "officer_a"),
        ("reminder", 95, "officer_a"),
        ("warning", 35, "baolian"),
        ("warning", 35, "leader_a"),
        ("warning", 65, "baolian"),
        ("warning", 65, "leader_a"),
        ("warning", 95, "baolian"),
        ("warning", 95, "leader_a"),
    ]
    milestone = Milestone.objects.get(name="逾期0")
    overdue = Alert.objects.get(
        rule="milestone_overdue", due_period=f"{milestone.pk}@{milestone.planned_on.isoformat()}"
    )
    assert (overdue.level, overdue.days_over) == ("reminder", 9)
    assert milestone.project.name in overdue.message and "逾期0" in overdue.message
    problem = Alert.objects.filter(rule="problem_overdue").first()
    assert (problem.level, problem.days_over) == ("reminder", 10)
    assert "用地指标未落实" in problem.message
    due = Alert.objects.filter(rule="milestone_due")
    assert set(due.values_list("level", "days_over")) == {("reminder", 0)}
    # and three letters, the most overdue first; two interviews
    assert sorted(Letter.objects.values_list("serial", "number", "days_over")) == [
        (1, "临开建函〔2025〕1号", 95),
        (2, "临开建函〔2025〕2号", 65),
        (3, "临开建函〔2025〕3号", 35),
    ]
    assert LetterSequence.objects.get().last == 3
    assert sorted(Interview.objects.values_list("days_over", flat=True)) == [65, 95]


def test_letters_are_numbered_on_from_the_city_sequence(findings_of_every_kind, city):
    findings_of_every_kind(4)
    LetterSequence.objects.filter(city=city).update(last=41)

    scan(as_of=AS_OF)

    assert sorted(Letter.objects.values_list("serial", flat=True)) == [42, 43, 44]
    # inserted in the order they are numbered in
    assert list(Letter.objects.order_by("pk").values_list("serial", flat=True)) == [42, 43, 44]
    assert Letter.objects.get(serial=44).reply_due_on == AS_OF + datetime.timedelta(days=15)
    assert LetterSequence.objects.get().last == 44


def test_a_name_is_written_as_typed_even_with_percent_signs_and_placeholders(make_project, officer):
    name = "“%(days)s” 100% 项目 %s %%"
    make_project(name=name, signed_on=_days_ago(190), officer=officer)

    scan(as_of=AS_OF)

    alert = Alert.objects.get()
    assert name in alert.message
    assert "10" in alert.message.replace(name, "")


def test_a_person_named_twice_on_the_ladder_hears_once_at_the_highest_level(make_project, officer):
    # the officer is also the project's responsible leader
    make_project(signed_on=_days_ago(200), officer=officer, leader=officer)

    assert scan(as_of=AS_OF) == 1
    assert Alert.objects.get().level == "warning"


def test_an_email_goes_when_the_preference_says(findings_of_every_kind, officer, supervisor):
    # given it is noon in Shanghai, the officer quiet from 11:00 to 13:00, the supervisor on a
    # daily digest, the leaders without an address
    supervisor.email = "supervisor@example.cn"
    supervisor.save(update_fields=["email"])
    Preference.objects.create(user=supervisor, daily_digest=True)
    findings_of_every_kind(4)

    scan(as_of=AS_OF)

    emails = Delivery.objects.filter(kind="email")
    times = {
        (row.alert.recipient.username, row.next_attempt_at.astimezone(SHANGHAI))
        for row in emails.select_related("alert__recipient")
    }
    assert times == {
        ("officer_a", datetime.datetime(2025, 6, 30, 13, 0, tzinfo=SHANGHAI)),
        ("supervisor", datetime.datetime(2025, 7, 1, 8, 30, tzinfo=SHANGHAI)),
    }
    assert emails.count() == Alert.objects.filter(recipient__in=[officer, supervisor]).count()
    # and the zone's robot one message per finding and level
    robot = Delivery.objects.filter(kind="wecom")
    findings = Alert.objects.values("project", "rule", "due_period", "level").distinct()
    assert robot.count() == findings.count()


def test_a_national_re_run_that_finds_nothing_new_is_one_query_over_the_country(
    findings_of_every_kind, make_project, zone_b, foreign_zone, django_assert_num_queries
):
    # given projects with findings in two cities, scanned a while ago
    findings_of_every_kind(3)
    make_project(zone=zone_b, signed_on=_days_ago(400))
    make_project(zone=foreign_zone, signed_on=_days_ago(400))
    with time_machine.travel(timezone.now() + AFTER_THE_MARGIN):
        assert scan(as_of=AS_OF) > 0

    # when the scan runs again: the zones, their marks, the ladder, the cities' reminder
    # days, the one query asking which zones hold anything new, and the marks moved on
    with (
        time_machine.travel(timezone.now() + 2 * AFTER_THE_MARGIN),
        django_assert_num_queries(RE_RUN[connection.vendor]),
    ):
        created = scan(as_of=AS_OF)

    # then no city is passed over and nothing is created
    assert created == 0
