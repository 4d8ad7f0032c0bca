"""A pass checks only what may need it (``ScanMark``): the findings that reached a ladder step
since the zone's last pass, and the rows written since. Whatever it leaves out, a check of every
finding would have raised nothing more: the last test walks a zone through months of changes and
asks that of every pass."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import transaction

from notifications.models import Alert, Interview, Letter, ScanMark
from notifications.services import alert_acknowledge, city_scan, scan, scan_marks_invalidate
from projects.models import Problem, StallThreshold
from projects.services import milestone_create, problem_create, problem_resolve
from tests.conftest import TODAY
from tests.factories import member
from workflow.models import CityRules
from workflow.services import project_transition

# The conftest's clock stands still; these tests move it on by the hour, so that what a pass
# saw lies well before the next (rows written within a quarter of an hour of a pass are
# checked again by the next one, whatever else).
CLOCK_START = datetime.datetime(2025, 6, 30, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(time_machine):
    """``clock()`` moves the wall clock on by an hour; what is written next is stamped then."""
    hours = [0]

    def tick() -> datetime.datetime:
        hours[0] += 1
        now = CLOCK_START + datetime.timedelta(hours=hours[0])
        time_machine.move_to(now, tick=False)
        return now

    return tick


def _day(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def _levels(project, rule: str = "signed_not_started") -> set[str]:
    return set(Alert.objects.filter(project=project, rule=rule).values_list("level", flat=True))


def _everything_checked_finds_nothing_more(as_of: datetime.date) -> None:
    """A pass that checks every finding, rolled back: it must create nothing."""
    with transaction.atomic():
        scan_marks_invalidate()
        letters, interviews = Letter.objects.count(), Interview.objects.count()
        assert scan(as_of=as_of) == 0
        assert (Letter.objects.count(), Interview.objects.count()) == (letters, interviews)
        transaction.set_rollback(True)


@pytest.fixture
def stalled(make_project, officer, zone_leader, supervisor, clock):
    """A project signed 190 days before TODAY: 10 days over the 180-day threshold."""
    project = make_project(signed_on=_day(-190), officer=officer)
    clock()
    return project


def test_a_finding_reaching_the_next_step_between_passes_is_raised(stalled, clock):
    scan(as_of=TODAY)
    assert _levels(stalled) == {"reminder"}

    clock()
    scan(as_of=_day(5))  # 15 days over: the warning's first day

    assert _levels(stalled) == {"reminder", "warning"}
    _everything_checked_finds_nothing_more(_day(5))


def test_passes_missed_for_weeks_raise_every_step_crossed_meanwhile_once(stalled, clock):
    scan(as_of=TODAY)
    clock()

    scan(as_of=_day(55))  # 65 days over: warning, letter and interview crossed since

    assert _levels(stalled) == {"reminder", "warning", "interview"}
    assert Letter.objects.filter(project=stalled).count() == 1
    assert Interview.objects.filter(project=stalled).count() == 1
    clock()
    assert scan(as_of=_day(55)) == 0


def test_a_milestone_coming_into_its_reminder_days_is_raised(stalled, officer, clock):
    milestone_create(project=stalled, by=officer, name="施工许可", planned_on=_day(10))
    clock()
    scan(as_of=TODAY)  # 10 days ahead: not yet
    assert not _levels(stalled, "milestone_due")
    clock()

    scan(as_of=_day(3))  # 7 days ahead: the reminder

    assert _levels(stalled, "milestone_due") == {"reminder"}
    _everything_checked_finds_nothing_more(_day(3))


def test_a_milestone_comes_into_its_own_city_s_reminder_days_whatever_other_cities_choose(
    stalled, officer, other_city, clock
):
    CityRules.objects.create(city=other_city, milestone_reminder_days=14)
    milestone_create(project=stalled, by=officer, name="环评批复", planned_on=_day(10))
    clock()
    scan(as_of=TODAY)
    clock()

    scan(as_of=_day(3))  # 7 days ahead: this city's (default) reminder

    assert _levels(stalled, "milestone_due") == {"reminder"}


def test_a_row_written_after_a_pass_is_seen_by_the_next_on_the_same_day(stalled, officer, clock):
    scan(as_of=TODAY)
    clock()
    problem_create(
        project=stalled,
        by=officer,
        category="land",
        description="用地指标未落实",
        owner="县自然资源局",
        raised_on=_day(-40),
        deadline=_day(-20),
    )
    clock()

    scan(as_of=TODAY)

    assert _levels(stalled, "problem_overdue") == {"reminder", "warning"}


def test_an_untouched_finding_between_steps_is_not_looked_at_until_the_weekly_full_check(
    stalled, clock
):
    # given a pass, then an alert lost behind its back (as a restored backup might lose it)
    scan(as_of=TODAY)
    Alert.objects.filter(project=stalled).delete()
    clock()

    # when the next days' passes run, the finding between two steps is not checked
    scan(as_of=_day(1))
    assert not _levels(stalled)
    clock()

    # then the week's full check finds it (and the warning its 17 days over reached meanwhile)
    scan(as_of=_day(7))
    assert _levels(stalled) == {"reminder", "warning"}


def test_a_threshold_edited_in_the_admin_makes_the_next_pass_check_everything(
    make_project, officer, clock
):
    project = make_project(signed_on=_day(-170), officer=officer)  # 10 days short of 180
    clock()
    scan(as_of=TODAY)
    assert not _levels(project)
    clock()

    StallThreshold.objects.update_or_create(
        stage="signed", zone_category="", tier="", defaults={"days": 160}
    )
    scan(as_of=TODAY)

    assert _levels(project) == {"reminder"}


def test_someone_who_joins_a_zone_hears_of_its_findings_at_the_next_pass(stalled, zone_a, clock):
    scan(as_of=_day(10))  # 20 days over: the warning, to the zone leaders
    clock()

    newcomer = member("new_leader", "zone_leader", zone=zone_a)
    scan(as_of=_day(10))

    assert Alert.objects.filter(recipient=newcomer, project=stalled, level="warning").exists()


def test_a_rule_changed_while_a_pass_runs_makes_the_next_pass_check_everything(
    stalled, city, zone_a, clock, monkeypatch
):
    # given a change counted after the pass read its mark, before it read the rules
    scan(as_of=TODAY)
    clock()
    real_rules = CityRules.of

    def rules_changed_meanwhile(city_id):
        scan_marks_invalidate(city_ids=[city_id])
        return real_rules(city_id)

    monkeypatch.setattr(CityRules, "of", staticmethod(rules_changed_meanwhile))

    # when the city's pass ends
    city_scan(city_id=city.pk, as_of=TODAY)

    # then its mark does not claim the change was seen
    mark = ScanMark.objects.get(zone=zone_a)
    assert mark.invalidations == mark.checked + 1


def test_city_rules_acknowledging_stops_the_climb_then_not(stalled, officer, city, clock):
    CityRules.objects.create(city=city, ack_stops_climb=True)
    scan(as_of=TODAY)
    alert_acknowledge(alert_id=Alert.objects.get(project=stalled).pk, by=officer)
    clock()
    scan(as_of=_day(5))
    assert _levels(stalled) == {"reminder"}
    clock()

    rules = CityRules.objects.get(city=city)
    rules.ack_stops_climb = False
    rules.save()
    scan(as_of=_day(5))

    assert _levels(stalled) == {"reminder", "warning"}


@pytest.mark.parametrize("seed", range(10))
def test_no_pass_leaves_out_what_checking_every_finding_would_raise(
    seed, make_project, officer, zone_leader, supervisor, zone_a, zone_b, clock
):
    """Months of a city's life, a pass after each change or day: each pass, then a pass that
    checks every finding (rolled back), which must find nothing the first left out."""
    rng = random.Random(seed)
    projects = [
        make_project(signed_on=_day(-rng.randint(100, 400)), officer=officer, zone=zone)
        for zone in (zone_a, zone_b)
        for _ in range(4)
    ]
    as_of = TODAY
    for step in range(25):
        clock()
        project = rng.choice(projects)
        project.refresh_from_db()
        action = rng.choice(["day", "days", "milestone", "problem", "resolve", "move", "rule"])
        if action == "day":
            as_of += datetime.timedelta(days=1)
        elif action == "days":
            as_of += datetime.timedelta(days=rng.randint(2, 40))
        elif action == "milestone":
            milestone_create(
                project=project,
                by=supervisor,
                name=f"节点{step}",
                planned_on=as_of + datetime.timedelta(days=rng.randint(-30, 20)),
            )
        elif action == "problem":
            raised = as_of - datetime.timedelta(days=rng.randint(0, 30))
            problem_create(
                project=project,
                by=supervisor,
                category="funding",
                description=f"资金未到位{step}",
                owner="县财政局",
                raised_on=min(raised, TODAY),
                deadline=min(raised, TODAY) + datetime.timedelta(days=rng.randint(0, 20)),
            )
        elif action == "resolve":
            problem = Problem.objects.filter(project=project, status="open").first()
            if problem is not None:
                problem_resolve(
                    problem=problem, by=supervisor, resolved_on=TODAY, resolution="已协调解决"
                )
        elif action == "move" and project.stage in ("signed", "started"):
            name = "start" if project.stage == "signed" else "put_into_production"
            entered = project.started_on or project.signed_on
            project_transition(
                project=project,
                name=name,
                by=supervisor,
                effective_on=min(entered + datetime.timedelta(days=rng.randint(1, 60)), TODAY),
            )
        elif action == "rule":
            days = rng.choice([120, 150, 180, 200])
            StallThreshold.objects.update_or_create(
                stage="signed", zone_category="", tier="", defaults={"days": days}
            )
        clock()
        scan(as_of=as_of)
        _everything_checked_finds_nothing_more(as_of)


def test_scan_full_checks_every_finding_at_once(stalled, clock):
    scan(as_of=TODAY)
    Alert.objects.filter(project=stalled).delete()
    clock()
    out = io.StringIO()

    call_command("scan", as_of=_day(1), full=True, stdout=out)

    assert out.getvalue().splitlines()[-1] == "created 1 alerts"
    assert _levels(stalled) == {"reminder"}
