"""The outbox: a compare-and-set claim, the lease and the sweeper, cancelling what a change
cleared, and e-mail at the person's chosen time (quiet hours and digests on China's working
days: public holidays off, make-up working days on)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import Alert, Delivery, Interview, Preference
from notifications.services import (
    deliveries_send_due,
    deliveries_sweep,
    delivery_claim,
    delivery_time,
    scan,
)
from projects.errors import TransitionNotAllowed
from projects.models import Problem
from workflow.services import Move, project_transition, projects_transition_many

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime.date(2025, 6, 30)


@pytest.fixture
def mailed_officer(officer):
    officer.email = "li.xiaofeng@example.cn"
    officer.save(update_fields=["email"])
    return officer


@pytest.fixture
def stalled_project(make_project, mailed_officer):
    return make_project(signed_on=AS_OF - datetime.timedelta(days=185), officer=mailed_officer)


def test_a_scan_writes_an_email_delivery_that_is_sent_once(stalled_project, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    scan(as_of=AS_OF)
    (delivery,) = Delivery.objects.all()

    assert deliveries_send_due() == 1
    assert deliveries_send_due() == 0

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["li.xiaofeng@example.cn"]
    assert stalled_project.name in mail.outbox[0].body
    delivery.refresh_from_db()
    assert delivery.status == "sent"


def test_a_claim_is_a_compare_and_set(stalled_project):
    scan(as_of=AS_OF)
    delivery = Delivery.objects.get()
    now = timezone.now()

    first = delivery_claim(delivery_id=delivery.pk, token="a" * 32, now=now)
    second = delivery_claim(delivery_id=delivery.pk, token="b" * 32, now=now)

    assert (first, second) == (True, False)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.claimed_by) == ("sending", "a" * 32)


def test_the_sweeper_returns_rows_whose_lease_ran_out(stalled_project, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # given a row claimed by a worker that then died
    scan(as_of=AS_OF)
    delivery = Delivery.objects.get()
    delivery_claim(delivery_id=delivery.pk, token="dead" * 8, now=timezone.now())

    # when the sweeper runs within the lease, and after it
    assert deliveries_sweep() == 0
    assert deliveries_send_due() == 0
    later = timezone.now() + settings.DELIVERY_LEASE + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert deliveries_sweep() == 1
        assert deliveries_send_due() == 1

    # then it is sent once
    assert len(mail.outbox) == 1


def test_a_project_that_starts_before_delivery_sends_nothing(
    stalled_project, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # given a stall alert waiting in the outbox
    scan(as_of=AS_OF)
    assert Delivery.objects.get().status == "pending"

    # when the project starts before the outbox sends
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=stalled_project, name="start", by=supervisor, effective_on=AS_OF)

    # then its pending delivery is cancelled and nothing goes out
    assert Delivery.objects.get().status == "cancelled"
    assert deliveries_send_due() == 0
    assert mail.outbox == []


def test_a_project_that_starts_leaves_the_interview_list_though_no_delivery_waits(
    stalled_project, supervisor, django_capture_on_commit_callbacks
):
    # given the project on the interview list for its stall, and nothing in the outbox
    interview = Interview.objects.create(
        project=stalled_project,
        zone=stalled_project.zone,
        rule=Alert.Rule.SIGNED_NOT_STARTED,
        due_period=stalled_project.signed_on.isoformat(),
        since=stalled_project.signed_on,
        days_over=95,
        listed_on=AS_OF - datetime.timedelta(days=1),
    )

    # when it starts
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=stalled_project, name="start", by=supervisor, effective_on=AS_OF)

    # then the check after the commit found the open interview, and closed it
    interview.refresh_from_db()
    assert interview.closed_on == AS_OF


def test_projects_moved_together_cancel_the_deliveries_of_those_that_moved_with_one_hook(
    stalled_project, make_project, mailed_officer, supervisor, django_capture_on_commit_callbacks
):
    # given two stalled projects with their alerts waiting in the outbox, and a third, fresh
    other = make_project(signed_on=AS_OF - datetime.timedelta(days=190), officer=mailed_officer)
    fresh = make_project(signed_on=AS_OF - datetime.timedelta(days=5))
    scan(as_of=AS_OF)
    assert Delivery.objects.filter(status="pending").count() == 2

    # when the first and the fresh one start together
    moves = [Move(stalled_project.pk, "start", AS_OF), Move(fresh.pk, "start", AS_OF)]
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        projects_transition_many(moves=moves, by=supervisor)

    # then one hook cancelled the first one's delivery only
    assert len(hooks) == 1
    statuses = dict(Delivery.objects.values_list("alert__project_id", "status"))
    assert statuses == {stalled_project.pk: "cancelled", other.pk: "pending"}


def test_a_resolved_problem_cancels_its_pending_delivery_only(
    stalled_project, settings, django_capture_on_commit_callbacks
):
    problem = Problem.objects.create(
        project=stalled_project,
        category="funding",
        description="配套资金未到位",
        owner="县财政局",
        raised_on=AS_OF - datetime.timedelta(days=30),
        deadline=AS_OF - datetime.timedelta(days=3),
    )
    scan(as_of=AS_OF)
    assert Delivery.objects.filter(status="pending").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        problem.status, problem.resolved_on = "resolved", AS_OF
        problem.save()

    statuses = dict(Delivery.objects.values_list("alert__rule", "status"))
    assert statuses == {"problem_overdue": "cancelled", "signed_not_started": "pending"}


def test_the_cancel_check_is_queued_for_a_worker_not_run_in_the_request(
    stalled_project, make_project, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    # given a stalled project with a delivery waiting, and a fresh one with nothing waiting
    from notifications import tasks

    fresh = make_project(signed_on=AS_OF - datetime.timedelta(days=5))
    scan(as_of=AS_OF)
    queued = []
    monkeypatch.setattr(tasks.deliveries_cancel_cleared_task, "delay", queued.append)

    # when both start
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=stalled_project, name="start", by=supervisor, effective_on=AS_OF)
        project_transition(project=fresh, name="start", by=supervisor, effective_on=AS_OF)

    # then only the one with something waiting is queued, and nothing is cancelled yet
    assert queued == [[stalled_project.pk]]
    assert Delivery.objects.get().status == "pending"


def test_a_broker_that_refuses_the_cancel_check_gets_it_run_in_the_request(
    stalled_project, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from notifications import tasks

    scan(as_of=AS_OF)

    def refuse(*args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliveries_cancel_cleared_task, "delay", refuse)

    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=stalled_project, name="start", by=supervisor, effective_on=AS_OF)

    assert Delivery.objects.get().status == "cancelled"


def test_a_rolled_back_transition_cancels_nothing(stalled_project, supervisor):
    scan(as_of=AS_OF)

    with pytest.raises(TransitionNotAllowed):
        project_transition(
            project=stalled_project, name="put_into_production", by=supervisor, effective_on=AS_OF
        )

    assert Delivery.objects.get().status == "pending"


def _at(year, month, day, hour, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("raised", "delivered", "why"),
    [
        (_at(2025, 9, 30, 23), _at(2025, 10, 9, 8), "National Day: 1-8 October off"),
        (_at(2025, 10, 1, 10), _at(2025, 10, 9, 8), "a holiday is quiet all day"),
        (_at(2025, 10, 10, 23), _at(2025, 10, 11, 8), "Saturday 11 October is a make-up day"),
        (_at(2025, 10, 11, 6), _at(2025, 10, 11, 8), "early on the make-up Saturday"),
        (_at(2025, 10, 11, 23), _at(2025, 10, 13, 8), "then Sunday off, Monday on"),
        (_at(2025, 10, 13, 10), _at(2025, 10, 13, 10), "a working day's daytime: at once"),
    ],
)
def test_quiet_hours_end_on_the_next_working_morning(officer, raised, delivered, why):
    preference = Preference(
        user=officer, quiet_from=datetime.time(22), quiet_until=datetime.time(8)
    )

    assert delivery_time(preference, raised) == delivered, why


@pytest.mark.parametrize(
    ("raised", "delivered"),
    [
        (_at(2025, 9, 30, 7), _at(2025, 9, 30, 8, 30)),
        (_at(2025, 9, 30, 9), _at(2025, 10, 9, 8, 30)),
        (_at(2025, 10, 10, 12), _at(2025, 10, 11, 8, 30)),
    ],
)
def test_a_daily_digest_goes_at_half_past_eight_on_working_mornings(officer, raised, delivered):
    preference = Preference(user=officer, daily_digest=True)

    assert delivery_time(preference, raised) == delivered


def test_a_digest_bundles_the_days_alerts_into_one_email(make_project, mailed_officer, settings):
    # given an officer who wants a daily digest, and two stalled projects found at 07:30
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Preference.objects.create(user=mailed_officer, daily_digest=True)
    for name in ("铸件项目", "光伏项目"):
        make_project(
            name=name, signed_on=AS_OF - datetime.timedelta(days=190), officer=mailed_officer
        )
    with time_machine.travel(_at(2025, 6, 30, 7, 30), tick=False):
        scan(as_of=AS_OF)
        # when the sender runs before 08:30: nothing
        assert deliveries_send_due() == 0

    # then at 08:30 one e-mail holds both
    with time_machine.travel(_at(2025, 6, 30, 8, 30), tick=False):
        assert deliveries_send_due() == 2
    (message,) = mail.outbox
    assert "铸件项目" in message.body and "光伏项目" in message.body
    assert Alert.objects.count() == 2
