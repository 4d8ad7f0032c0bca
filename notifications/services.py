"""Raising alerts from findings, and the outbox that sends them: raise, claim, send, sweep, cancel.

The scan is Healthchecks' ``sendalerts`` split in two: ``workflow.findings`` finds (reads only,
set-based SQL per zone); ``zone_scan`` here raises, in one transaction per zone, with
``bulk_create(ignore_conflicts=True)`` against the alerts' dedup key, then the delivery rows, then
``transaction.on_commit`` to queue the sending. Sending claims each row with a compare-and-set on
its status, so two workers never send one row, and a worker that dies mid-send leaves a lease the
sweeper ends.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, F, Q, Value
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import (
    Alert,
    Channel,
    Delivery,
    Interview,
    Letter,
    LetterSequence,
    LetterSettings,
    Preference,
)
from notifications.transports import (
    DingTalkTransport,
    EmailTransport,
    Message,
    TransportError,
    WeComTransport,
)
from notifications.workdays import is_working_day, next_working_morning
from projects.errors import NotFound
from projects.models import Membership, Project, Zone
from projects.roles import Role
from projects.selectors import DaysBetween
from workflow.findings import Finding, findings
from workflow.models import CityRules, EscalationLevel, Level, Rule

logger = logging.getLogger(__name__)

LEVELS = list(Level.values)  # lowest first
# Rules that climb only so far: a reminder before a milestone is a reminder, and a letter
# that is not answered is a warning, not another letter.
HIGHEST_LEVEL = {Rule.MILESTONE_DUE: Level.REMINDER, Rule.LETTER_REPLY_OVERDUE: Level.WARNING}
DIGEST_AT = datetime.time(8, 30)


# ---------------------------------------------------------------------------------------------
# The scan


def scan(*, as_of: datetime.date | None = None, zone_code: str | None = None) -> int:
    """Every zone (or one) in this process, as the Celery fan-out does one task per zone."""
    zones = Zone.objects.order_by("pk")
    if zone_code is not None:
        zones = zones.filter(code=zone_code)
        if not zones.exists():
            raise NotFound(_("There is no zone with the code “%(code)s”.") % {"code": zone_code})
    return sum(zone_scan(zone_id=pk, as_of=as_of) for pk in zones.values_list("pk", flat=True))


def zone_scan(*, zone_id: int, as_of: datetime.date | None = None) -> int:
    """Find, raise and queue for one zone; the number of alerts this call created.

    Idempotent: a re-run, or a second scan at once, inserts nothing the first did.
    """
    as_of = as_of or timezone.localdate()
    zone = Zone.objects.select_related("city").get(pk=zone_id)
    rules = CityRules.of(zone.city_id)
    projects = Project.objects.filter(zone=zone)
    found = [
        *findings(projects, as_of=as_of, reminder_days=rules.milestone_reminder_days),
        *letter_reply_findings(projects, as_of=as_of),
    ]
    if not found:
        return 0
    with transaction.atomic():
        created = alerts_raise(zone=zone, found=found, as_of=as_of, rules=rules)
        deliveries = deliveries_create(zone=zone, alerts=created)
        if deliveries:
            transaction.on_commit(_queue_sending)
    return len(created)


def _queue_sending() -> None:
    from notifications.tasks import deliveries_send_task

    deliveries_send_task.delay()


@dataclass(frozen=True)
class _Raise:
    finding: Finding
    reached: list[EscalationLevel]  # every level the finding has reached, lowest first

    @property
    def top(self) -> EscalationLevel:
        return self.reached[-1]


def alerts_raise(*, zone: Zone, found: list[Finding], as_of: datetime.date, rules) -> list[Alert]:
    """Raise each finding's levels, each once; the alerts this call inserted.

    Each person on the ladder up to the level reached hears once per finding, at the highest
    level that names them: after a scan that did not run for weeks, a finding found at 65 days
    tells the officer (reminder), the leaders (warning) and the supervisors (interview) once
    each, not every level it passed meanwhile. A finding someone acknowledged climbs no further
    where the city says so.
    """
    ladder = EscalationLevel.objects.ladder()
    stopped = _acknowledged_findings(zone) if rules.ack_stops_climb else set()
    raises = []
    for finding in found:
        if finding.key in stopped:
            continue
        reached = _levels_reached(ladder, finding)
        if reached:
            raises.append(_Raise(finding, reached))
    if not raises:
        return []
    people = _people(zone, {r.finding.project_id for r in raises})
    known = _raised(zone)
    token = uuid.uuid4().hex
    rows = []
    now = timezone.now()
    sentences = alert_sentences()
    for item in raises:
        finding = item.finding
        project = people["projects"][finding.project_id]
        level_of: dict[int, str] = {}
        for level in item.reached:
            for recipient in _recipients(level, project, people):
                level_of[recipient] = level.level
        missing = sorted(
            (recipient, level)
            for recipient, level in level_of.items()
            if (recipient, *finding.key, level) not in known
        )
        if not missing:
            continue
        message = alert_message(finding, project["name"], sentences)
        for recipient, level in missing:
            rows.append(
                Alert(
                    recipient_id=recipient,
                    project_id=finding.project_id,
                    rule=finding.rule,
                    level=level,
                    due_period=finding.due_period,
                    message=message,
                    days_over=finding.days_over,
                    created_at=now,
                    scan=token,
                )
            )
    Alert.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    _letters_and_interviews(zone=zone, raises=raises, as_of=as_of, names=people["projects"])
    return list(Alert.objects.filter(scan=token).order_by("pk"))


def _levels_reached(ladder: list[EscalationLevel], finding: Finding) -> list[EscalationLevel]:
    ceiling = LEVELS.index(HIGHEST_LEVEL.get(finding.rule, Level.INTERVIEW))
    return sorted(
        (
            level
            for level in ladder
            if finding.days_over >= level.starts_at_days and LEVELS.index(level.level) <= ceiling
        ),
        key=lambda level: LEVELS.index(level.level),
    )


def _raised(zone: Zone) -> set[tuple[int, int, str, str, str]]:
    """The zone's alerts already raised, so a daily re-scan builds and inserts only new ones
    (the unique key still decides when two scans race)."""
    return set(
        Alert.objects.filter(project__zone=zone).values_list(
            "recipient_id", "project_id", "rule", "due_period", "level"
        )
    )


def _acknowledged_findings(zone: Zone) -> set[tuple[int, str, str]]:
    return set(
        Alert.objects.filter(project__zone=zone, acknowledged_at__isnull=False).values_list(
            "project_id", "rule", "due_period"
        )
    )


def _people(zone: Zone, project_ids: set[int]) -> dict:
    """Who may be told, for a zone's findings: three queries whatever their number."""
    active = Membership.objects.filter(user__is_active=True)
    return {
        "projects": {
            row["pk"]: row
            for row in Project.objects.filter(pk__in=project_ids).values(
                "pk", "name", "officer_id", "leader_id"
            )
        },
        "zone_leaders": set(
            active.filter(zone=zone, role=Role.ZONE_LEADER).values_list("user_id", flat=True)
        ),
        "supervisors": set(
            active.filter(city_id=zone.city_id, role=Role.SUPERVISOR).values_list(
                "user_id", flat=True
            )
        ),
    }


def _recipients(level: EscalationLevel, project: dict, people: dict) -> set[int]:
    recipients: set[int] = set()
    if level.to_officer and project["officer_id"]:
        recipients.add(project["officer_id"])
    if level.to_leader and project["leader_id"]:
        recipients.add(project["leader_id"])
    if level.to_zone_leaders:
        recipients |= people["zone_leaders"]
    if level.to_supervisors:
        recipients |= people["supervisors"]
    return recipients


def alert_message(finding: Finding, project_name: str, sentences: dict | None = None) -> str:
    """The sentence in the inbox, in the product's language (Chinese), whoever runs the scan.

    ``sentences`` (from ``alert_sentences()``) spares a scan translating them per finding.
    """
    values = {
        "project": project_name,
        "days": finding.days_over,
        "since": finding.since.isoformat(),
        "subject": finding.subject,
    }
    return (sentences or alert_sentences())[finding.rule] % values


def alert_sentences() -> dict[str, str]:
    """Each rule's sentence, translated into the product's language, with its placeholders."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            Rule.SIGNED_NOT_STARTED: _(
                "“%(project)s” signed on %(since)s and has not started: %(days)s days over."
            ),
            Rule.STARTED_NOT_PRODUCING: _(
                "“%(project)s” started on %(since)s and is not producing: %(days)s days over."
            ),
            Rule.PRODUCING_NOT_AT_TARGET: _(
                "“%(project)s” has produced since %(since)s and is not at target output: "
                "%(days)s days over."
            ),
            Rule.MILESTONE_DUE: _(
                "“%(project)s”: the milestone “%(subject)s” is due on %(since)s."
            ),
            Rule.MILESTONE_OVERDUE: _(
                "“%(project)s”: the milestone “%(subject)s” was due on %(since)s: "
                "%(days)s days over."
            ),
            Rule.PROBLEM_OVERDUE: _(
                "“%(project)s”: the problem “%(subject)s” was to be solved by %(since)s: "
                "%(days)s days over."
            ),
            Rule.LETTER_REPLY_OVERDUE: _(
                "“%(project)s”: warning letter %(subject)s was to be answered by %(since)s: "
                "%(days)s days over."
            ),
        }


# ---------------------------------------------------------------------------------------------
# Warning letters and interviews


def _letters_and_interviews(*, zone: Zone, raises: list[_Raise], as_of, names: dict) -> None:
    """A letter for each finding at the letter level or above, the interview list for those at
    the interview level: once per finding (unique constraints), a few queries per zone."""
    at_least = {
        rank: [r.finding for r in raises if LEVELS.index(r.top.level) >= rank]
        for rank in (LEVELS.index(Level.LETTER), LEVELS.index(Level.INTERVIEW))
    }
    letter_findings, interview_findings = at_least.values()
    issued = _issued(zone) if letter_findings else set()
    todo = [finding for finding in letter_findings if finding.key not in issued]
    if todo:
        letters_issue(zone=zone, found=todo, as_of=as_of, names=names)
    if not interview_findings:
        return
    listed = set(
        Interview.objects.filter(zone=zone).values_list("project_id", "rule", "due_period")
    )
    Interview.objects.bulk_create(
        [
            Interview(
                project_id=finding.project_id,
                zone=zone,
                rule=finding.rule,
                due_period=finding.due_period,
                since=finding.since,
                days_over=finding.days_over,
                listed_on=as_of,
            )
            for finding in interview_findings
            if finding.key not in listed
        ],
        ignore_conflicts=True,
        batch_size=500,
    )


def _issued(zone: Zone) -> set[tuple[int, str, str]]:
    return set(Letter.objects.filter(zone=zone).values_list("project_id", "rule", "due_period"))


def letters_issue(
    *, zone: Zone, found: list[Finding], as_of: datetime.date, names: dict
) -> list[Letter]:
    """The findings' warning letters, numbered per city and year (e.g. 临开建函〔2026〕12号).

    The city's sequence row is locked while the numbers are taken, so numbers have no gaps and
    no twins; a second scan waiting on the lock re-reads the issued letters and skips them.
    """
    LetterSequence.objects.get_or_create(city_id=zone.city_id, year=as_of.year)
    sequence = LetterSequence.objects.select_for_update().get(city_id=zone.city_id, year=as_of.year)
    issued = _issued(zone)
    options = LetterSettings.of(zone.city)
    sentences = alert_sentences()
    letters = []
    for finding in found:
        if finding.key in issued:
            continue
        sequence.last += 1
        letters.append(
            Letter(
                city_id=zone.city_id,
                year=as_of.year,
                serial=sequence.last,
                number=f"{options.number_prefix}〔{as_of.year}〕{sequence.last}号",
                project_id=finding.project_id,
                zone=zone,
                rule=finding.rule,
                due_period=finding.due_period,
                finding=alert_message(finding, names[finding.project_id]["name"], sentences),
                days_over=finding.days_over,
                issued_on=as_of,
                reply_due_on=as_of + datetime.timedelta(days=options.reply_days),
            )
        )
    sequence.save(update_fields=["last"])
    return Letter.objects.bulk_create(letters, batch_size=500)


def letter_reply_findings(projects, *, as_of: datetime.date) -> list[Finding]:
    """Letters not answered by their reply date: a finding of their own (they live here, not in
    workflow, because letters are notifications' rows)."""
    rows = (
        Letter.objects.filter(project__in=projects, issued_on__lte=as_of, reply_due_on__lt=as_of)
        .filter(Q(replied_on__isnull=True) | Q(replied_on__gt=as_of))
        .annotate(days=DaysBetween(Value(as_of, output_field=DateField()), F("reply_due_on")))
        .values_list("pk", "project_id", "number", "reply_due_on", "days")
    )
    return [
        Finding(
            project_id,
            Rule.LETTER_REPLY_OVERDUE,
            f"{pk}@{due.isoformat()}",
            days,
            due,
            number,
        )
        for pk, project_id, number, due, days in rows
    ]


# ---------------------------------------------------------------------------------------------
# The outbox: delivery rows, claims, sending, the sweeper, cancelling


def deliveries_create(*, zone: Zone, alerts: list[Alert]) -> int:
    """E-mail for each new alert whose recipient wants it; one robot message per finding and
    level for each robot of the zone or its city."""
    if not alerts:
        return 0
    now = timezone.now()
    rows = []
    preferences = {
        p.user_id: p for p in Preference.objects.filter(user__in={a.recipient_id for a in alerts})
    }
    emails = dict(
        Membership.objects.filter(user__in={a.recipient_id for a in alerts}).values_list(
            "user_id", "user__email"
        )
    )
    for alert in alerts:
        preference = preferences.get(alert.recipient_id)
        if (preference is None or preference.email) and emails.get(alert.recipient_id):
            rows.append(
                Delivery(
                    alert=alert,
                    kind=Delivery.Kind.EMAIL,
                    key=f"email:{alert.pk}",
                    next_attempt_at=delivery_time(preference, now),
                )
            )
    robots = list(
        Channel.objects.filter(enabled=True).filter(Q(zone=zone) | Q(city_id=zone.city_id))
    )
    first_of_finding: dict[tuple, Alert] = {}
    for alert in alerts:
        first_of_finding.setdefault(
            (alert.project_id, alert.rule, alert.due_period, alert.level), alert
        )
    for (project_id, rule, period, level), alert in first_of_finding.items():
        for robot in robots:
            if LEVELS.index(level) < LEVELS.index(robot.min_level):
                continue
            rows.append(
                Delivery(
                    alert=alert,
                    kind=robot.kind,
                    channel=robot,
                    key=f"{robot.pk}:{project_id}:{rule}:{period}:{level}",
                    next_attempt_at=now,
                )
            )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def delivery_time(preference: Preference | None, now: datetime.datetime) -> datetime.datetime:
    """When an e-mail may go: at once; or at the next working morning's 08:30 for a daily
    digest; or, in quiet hours (and on any day off), the next working morning at their end."""
    if preference is None:
        return now
    if preference.daily_digest:
        return next_working_morning(now, DIGEST_AT)
    if preference.has_quiet_hours and _quiet(preference, now):
        return next_working_morning(now, preference.quiet_until)
    return now


def _quiet(preference: Preference, now: datetime.datetime) -> bool:
    local = timezone.localtime(now)
    if not is_working_day(local.date()):
        return True
    start, end, time = preference.quiet_from, preference.quiet_until, local.time()
    if start <= end:
        return start <= time < end
    return time >= start or time < end


def delivery_claim(*, delivery_id: int, token: str, now: datetime.datetime) -> bool:
    """Take one due row for sending: a compare-and-set whose 0 means someone else has it."""
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).update(
        status=Delivery.Status.SENDING,
        claimed_by=token,
        lease_until=now + settings.DELIVERY_LEASE,
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def deliveries_send_due(*, now: datetime.datetime | None = None) -> int:
    """Send every due row, one message per robot or per person at a time; the rows sent."""
    now = now or timezone.now()
    due = Delivery.objects.due(now)
    groups = set()
    for kind, channel_id, recipient_id in due.values_list(
        "kind", "channel_id", "alert__recipient_id"
    ).distinct():
        groups.add((kind, channel_id) if channel_id else (kind, None, recipient_id))
    sent = 0
    for group in sorted(groups, key=str):
        if group[1] is not None:
            sent += _send_robot(Channel.objects.get(pk=group[1]), now)
        else:
            sent += _send_email(group[2], now)
    return sent


def _claim_batch(rows, now: datetime.datetime, limit: int) -> list[Delivery]:
    token = uuid.uuid4().hex
    for pk in list(rows.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]):
        delivery_claim(delivery_id=pk, token=token, now=now)
    return list(
        Delivery.objects.filter(claimed_by=token, status=Delivery.Status.SENDING)
        .select_related("alert__project", "alert__recipient", "channel")
        .order_by("pk")
    )


def _send_robot(channel: Channel, now: datetime.datetime) -> int:
    rows = Delivery.objects.due(now).filter(channel=channel)
    if not channel.enabled:
        rows.update(status=Delivery.Status.FAILED, last_error=_("The robot is disabled."))
        return 0
    transport_class = WeComTransport if channel.kind == Channel.Kind.WECOM else DingTalkTransport
    transport = transport_class(channel.url, channel.secret)
    sent = 0
    while rows.exists():
        slot_free_at = channel_take_slot(channel=channel, now=now)
        if slot_free_at is not None:
            rows.update(next_attempt_at=slot_free_at)
            break
        batch = _claim_batch(rows, now, settings.ROBOT_DIGEST_MAX_ITEMS)
        if not batch:
            break
        sent += _deliver(batch, transport, digest_message(batch), now, channel=channel)
        channel.refresh_from_db(fields=["enabled"])
        if not channel.enabled:
            break
    return sent


def channel_take_slot(*, channel: Channel, now: datetime.datetime) -> datetime.datetime | None:
    """One message in the robot's rate window (a compare-and-set on the channel row); None when
    taken, else the time the window frees up."""
    window = datetime.timedelta(minutes=1)
    limit = settings.ROBOT_MESSAGES_PER_MINUTE
    robots = Channel.objects.filter(pk=channel.pk)
    if robots.filter(window_started_at__gt=now - window, window_count__lt=limit).update(
        window_count=F("window_count") + 1
    ):
        return None
    if robots.filter(
        Q(window_started_at__isnull=True) | Q(window_started_at__lte=now - window)
    ).update(window_started_at=now, window_count=1):
        return None
    started = robots.values_list("window_started_at", flat=True).get()
    return started + window


def _send_email(recipient_id: int, now: datetime.datetime) -> int:
    rows = Delivery.objects.due(now).filter(
        kind=Delivery.Kind.EMAIL, alert__recipient_id=recipient_id
    )
    batch = _claim_batch(rows, now, settings.EMAIL_DIGEST_MAX_ITEMS)
    if not batch:
        return 0
    transport = EmailTransport(batch[0].alert.recipient.email)
    return _deliver(batch, transport, digest_message(batch), now)


def digest_message(batch: list[Delivery]) -> Message:
    """One alert, or several bundled into one message (as Grafana OnCall bundles a burst)."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            f"- **{delivery.alert.get_level_display()}** {delivery.alert.message}"
            for delivery in batch
        ]
        if len(batch) == 1:
            alert = batch[0].alert
            title = f"{alert.get_level_display()}：{alert.project.name}"
        else:
            title = _("Project alerts (%(count)s)") % {"count": len(batch)}
        return Message(title=title, text="\n".join(lines))


def _deliver(batch, transport, message: Message, now, *, channel: Channel | None = None) -> int:
    ids = [delivery.pk for delivery in batch]
    token = batch[0].claimed_by
    mine = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, claimed_by=token)
    try:
        transport.send(message)
    except TransportError as error:
        _failed(batch, mine, error, now, channel)
        return 0
    return mine.update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        lease_until=None,
    )


def _failed(batch, mine, error: TransportError, now, channel: Channel | None) -> None:
    logger.warning("delivery failed (%s): %s", "permanent" if error.permanent else "retry", error)
    message = error.message[:300]
    if error.permanent:
        mine.update(status=Delivery.Status.FAILED, last_error=message, lease_until=None)
        if channel is not None:
            Channel.objects.filter(pk=channel.pk).update(
                enabled=False, last_error=message, last_error_at=now
            )
        return
    if channel is not None:
        Channel.objects.filter(pk=channel.pk).update(last_error=message, last_error_at=now)
    for delivery in batch:
        attempts = delivery.attempts
        row = mine.filter(pk=delivery.pk)
        if attempts >= settings.DELIVERY_MAX_ATTEMPTS:
            row.update(status=Delivery.Status.FAILED, last_error=message, lease_until=None)
        else:
            row.update(
                status=Delivery.Status.PENDING,
                last_error=message,
                lease_until=None,
                claimed_by="",
                next_attempt_at=now + retry_delay(attempts),
            )


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential back-off from one minute, capped."""
    delay = settings.DELIVERY_RETRY_BASE * (2 ** max(attempts - 1, 0))
    return min(delay, settings.DELIVERY_RETRY_CAP)


def deliveries_sweep(*, now: datetime.datetime | None = None) -> int:
    """Rows left ``sending`` past their lease (a worker died mid-send) go back to pending."""
    now = now or timezone.now()
    return Delivery.objects.filter(status=Delivery.Status.SENDING, lease_until__lt=now).update(
        status=Delivery.Status.PENDING, claimed_by="", lease_until=None, next_attempt_at=now
    )


def deliveries_cancel_cleared(*, project_id: int, as_of: datetime.date | None = None) -> int:
    """After a change to a project (it moved on, a problem was solved, a milestone done, a letter
    answered): cancel the pending deliveries of findings that no longer hold, and take cleared
    findings off the interview list. The cancelled count."""
    as_of = as_of or timezone.localdate()
    project = Project.objects.select_related("zone").filter(pk=project_id).first()
    if project is None:
        return 0
    rules = CityRules.of(project.zone.city_id)
    one = Project.objects.filter(pk=project_id)
    current = {
        finding.key
        for finding in [
            *findings(one, as_of=as_of, reminder_days=rules.milestone_reminder_days),
            *letter_reply_findings(one, as_of=as_of),
        ]
    }
    pending = Delivery.objects.filter(alert__project_id=project_id, status=Delivery.Status.PENDING)
    cleared = [
        pk
        for pk, rule, period in pending.values_list("pk", "alert__rule", "alert__due_period")
        if (project_id, rule, period) not in current
    ]
    open_interviews = Interview.objects.filter(project_id=project_id, closed_on__isnull=True)
    for pk, rule, period in open_interviews.values_list("pk", "rule", "due_period"):
        if (project_id, rule, period) not in current:
            Interview.objects.filter(pk=pk).update(closed_on=as_of)
    return Delivery.objects.filter(pk__in=cleared, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.CANCELLED, last_error=_("The finding was cleared before sending.")
    )


def project_changed(*, project_id: int) -> None:
    """Queue the cancel check to run after the change commits (a rolled-back change cancels
    nothing)."""
    transaction.on_commit(lambda: deliveries_cancel_cleared(project_id=project_id))


def projects_changed(*, project_ids: list[int]) -> None:
    """``project_changed`` for many projects with one hook after the commit, which checks only
    the projects that have something to cancel (a pending delivery or an open interview),
    found in two queries."""
    ids = list(project_ids)
    transaction.on_commit(lambda: _cancel_cleared_of(ids))


_IDS_PER_QUERY = 2000


def _cancel_cleared_of(project_ids: list[int]) -> None:
    concerned: set[int] = set()
    for start in range(0, len(project_ids), _IDS_PER_QUERY):
        chunk = project_ids[start : start + _IDS_PER_QUERY]
        concerned.update(
            Delivery.objects.filter(
                alert__project_id__in=chunk, status=Delivery.Status.PENDING
            ).values_list("alert__project_id", flat=True)
        )
        concerned.update(
            Interview.objects.filter(project_id__in=chunk, closed_on__isnull=True).values_list(
                "project_id", flat=True
            )
        )
    for project_id in sorted(concerned):
        deliveries_cancel_cleared(project_id=project_id)


# ---------------------------------------------------------------------------------------------
# The inbox


def alert_acknowledge(*, alert_id: int, by) -> Alert:
    """Mark one of ``by``'s own alerts read; acknowledging twice keeps the first time."""
    with transaction.atomic():
        alert = Alert.objects.inbox_of(by).select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise NotFound()
        if alert.acknowledged_at is None:
            alert.acknowledged_at = timezone.now()
            alert.save(update_fields=["acknowledged_at"])
    return alert


def interviews_of(user, *, as_of: datetime.date):
    """The interview list in ``user``'s scope, with days over as of a date."""
    return (
        Interview.objects.restrict(user)
        .filter(closed_on__isnull=True)
        .select_related("project", "zone")
        .annotate(
            days_over_now=F("days_over")
            + DaysBetween(Value(as_of, output_field=DateField()), F("listed_on"))
        )
        .order_by("-days_over_now", "pk")
    )
